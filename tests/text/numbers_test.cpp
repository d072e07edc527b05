// Numeric literals (text/values.rst): integer forms and ranges, float forms and exact rounding.
#include <catch2/catch.hpp>

#include "text/numbers.h"

using namespace shard::text;

namespace {

uint64_t i_ok(std::string_view s, unsigned bits) {
  auto r = parse_iN(s, bits);
  INFO(s);
  REQUIRE(r.status == NumStatus::Ok);
  return r.value;
}
uint32_t f32_ok(std::string_view s) {
  auto r = parse_f32(s);
  INFO(s);
  REQUIRE(r.status == NumStatus::Ok);
  return r.value;
}
uint64_t f64_ok(std::string_view s) {
  auto r = parse_f64(s);
  INFO(s);
  REQUIRE(r.status == NumStatus::Ok);
  return r.value;
}

}  // namespace

TEST_CASE("integer literals: forms, separators and signs", "[text][numbers]") {
  CHECK(i_ok("0", 32) == 0);
  CHECK(i_ok("1_000_000", 32) == 1000000);
  CHECK(i_ok("0xff_ff", 32) == 0xffff);
  CHECK(i_ok("0xFFFFFFFF", 32) == 0xffffffff);
  CHECK(i_ok("-1", 32) == 0xffffffff);
  CHECK(i_ok("+7", 32) == 7);
  CHECK(i_ok("-0x80000000", 32) == 0x80000000);
  CHECK(i_ok("18446744073709551615", 64) == UINT64_MAX);
  CHECK(i_ok("-9223372036854775808", 64) == 0x8000000000000000);
  CHECK(parse_uN("4294967295", 32).value == 0xffffffff);
}

TEST_CASE("integer literals: errors", "[text][numbers]") {
  CHECK(parse_iN("0x100000000", 32).status == NumStatus::OutOfRange);
  CHECK(parse_iN("-0x80000001", 32).status == NumStatus::OutOfRange);
  CHECK(parse_iN("+0x80000000", 32).status == NumStatus::OutOfRange);  // sN with a sign
  CHECK(parse_iN("18446744073709551616", 64).status == NumStatus::OutOfRange);
  CHECK(parse_iN("256", 8).status == NumStatus::OutOfRange);
  for (const char* bad : {"", "_1", "1_", "1__0", "0x", "0x_1", "1a", "0b1", "- 1", "1.0", "--1", "0X10"}) {
    INFO(bad);
    CHECK(parse_iN(bad, 32).status == NumStatus::Malformed);
  }
  CHECK(parse_uN("-1", 32).status == NumStatus::Malformed);
  CHECK(parse_uN("+1", 32).status == NumStatus::Malformed);
}

TEST_CASE("float literals: special values", "[text][numbers]") {
  CHECK(f32_ok("inf") == 0x7f800000);
  CHECK(f32_ok("-inf") == 0xff800000);
  CHECK(f32_ok("nan") == 0x7fc00000);
  CHECK(f32_ok("-nan") == 0xffc00000);
  CHECK(f32_ok("nan:0x1") == 0x7f800001);
  CHECK(f32_ok("+nan:0x7f_ffff") == 0x7fffffff);
  CHECK(f64_ok("nan:0xf_ffff_ffff_ffff") == 0x7fffffffffffffff);
  CHECK(f64_ok("-0") == 0x8000000000000000);
  CHECK(f32_ok("-0.0") == 0x80000000);
  CHECK(parse_f32("nan:0x0").status == NumStatus::OutOfRange);
  CHECK(parse_f32("nan:0x800000").status == NumStatus::OutOfRange);
  CHECK(parse_f32("nan:1").status == NumStatus::Malformed);
  CHECK(parse_f32("infinity").status == NumStatus::Malformed);
}

TEST_CASE("float literals: decimal and hex forms", "[text][numbers]") {
  CHECK(f32_ok("1") == 0x3f800000);
  CHECK(f32_ok("1.") == 0x3f800000);
  CHECK(f32_ok("1.e1") == 0x41200000);
  CHECK(f32_ok("1_0.2_5e+0_1") == f32_ok("102.5"));
  CHECK(f32_ok("0x1p-1") == 0x3f000000);
  CHECK(f32_ok("0x1.8p3") == 0x41400000);
  CHECK(f32_ok("0xA.") == 0x41200000);
  CHECK(f32_ok("0x1_0.8_0P-0_4") == f32_ok("1.03125"));
  CHECK(f64_ok("0x1.fffffffffffffp1023") == 0x7fefffffffffffff);
  for (const char* bad : {".5", "1.5.", "e5", "1e", "1e+", "0x.8", "0x1p", "1_.0", "1._0", "0x1.p_1", "1.0f"}) {
    INFO(bad);
    CHECK(parse_f32(bad).status == NumStatus::Malformed);
  }
}

TEST_CASE("float literals: exact round-to-nearest-even", "[text][numbers]") {
  // f32 halfway between 1 and 1+2^-23: ties to even; just above rounds up. Going through
  // double would round the second one twice.
  CHECK(f32_ok("1.000000059604644775390625") == 0x3f800000);
  CHECK(f32_ok("1.000000059604644775390626") == 0x3f800001);
  CHECK(f32_ok("1.00000005960464477539062499999999999") == 0x3f800000);
  CHECK(f32_ok("0x1.000001p0") == 0x3f800000);
  CHECK(f32_ok("0x1.00000100000000001p0") == 0x3f800001);
  CHECK(f32_ok("0x1.000003p0") == 0x3f800002);
  // Subnormals and underflow.
  CHECK(f32_ok("0x1p-149") == 0x00000001);
  CHECK(f32_ok("0x1p-150") == 0x00000000);
  CHECK(f32_ok("0x1.000001p-150") == 0x00000001);
  CHECK(f32_ok("1.4e-45") == 0x00000001);
  CHECK(f32_ok("7.1e-46") == 0x00000001);
  CHECK(f32_ok("7e-46") == 0x00000000);
  CHECK(f32_ok("-1e-50") == 0x80000000);
  CHECK(f64_ok("4.9406564584124654e-324") == 1);
  CHECK(f64_ok("1e-400") == 0);
  CHECK(f64_ok("0x1p-1075") == 0);
  CHECK(f64_ok("0x1.0000000000001p-1075") == 1);
  // Largest finite values and overflow.
  CHECK(f32_ok("3.4028235e38") == 0x7f7fffff);
  CHECK(f32_ok("0x1.fffffe7p127") == 0x7f7fffff);
  CHECK(f32_ok("3.40282356779733661637539395458142568447e38") == 0x7f7fffff);
  CHECK(parse_f32("3.40282356779733661637539395458142568448e38").status == NumStatus::OutOfRange);
  CHECK(parse_f32("0x1.ffffffp127").status == NumStatus::OutOfRange);
  CHECK(parse_f32("1e39").status == NumStatus::OutOfRange);
  CHECK(parse_f32("0x1p128").status == NumStatus::OutOfRange);
  CHECK(parse_f64("1e309").status == NumStatus::OutOfRange);
  CHECK(parse_f64("-0x1p1024").status == NumStatus::OutOfRange);
  CHECK(f64_ok("1e-100000000000000000000") == 0);
  CHECK(parse_f64("1e100000000000000000000").status == NumStatus::OutOfRange);
  CHECK(f64_ok("0.1") == 0x3fb999999999999a);
}
