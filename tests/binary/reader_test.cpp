#include "binary/reader.h"

#include <catch2/catch.hpp>
#include <vector>

using shard::binary::Reader;

namespace {

struct Fixture {
  std::vector<uint8_t> bytes;
  Reader r;
  explicit Fixture(std::vector<uint8_t> b) : bytes(std::move(b)), r(bytes.data(), 0, bytes.size()) {}
};

template <class F>
auto read_ok(std::vector<uint8_t> b, F f) {
  Fixture fx(std::move(b));
  auto v = f(fx.r);
  INFO(fx.r.error().message);
  REQUIRE(fx.r.ok());
  CHECK(fx.r.at_end());
  return v;
}

template <class F>
std::string read_err(std::vector<uint8_t> b, F f, size_t* offset = nullptr) {
  Fixture fx(std::move(b));
  f(fx.r);
  REQUIRE(fx.r.failed());
  CHECK(fx.r.error().kind == shard::ErrorKind::Malformed);
  if (offset) *offset = fx.r.error().offset;
  return fx.r.error().message;
}

auto u32 = [](Reader& r) { return r.u32(); };
auto s32 = [](Reader& r) { return r.s32(); };
auto s33 = [](Reader& r) { return r.s33(); };
auto u64 = [](Reader& r) { return r.u64(); };
auto s64 = [](Reader& r) { return r.s64(); };

}  // namespace

TEST_CASE("u32 LEB128", "[binary][leb]") {
  CHECK(read_ok({0x00}, u32) == 0u);
  CHECK(read_ok({0x7f}, u32) == 127u);
  CHECK(read_ok({0x80, 0x01}, u32) == 128u);
  CHECK(read_ok({0xe5, 0x8e, 0x26}, u32) == 624485u);
  CHECK(read_ok({0xff, 0xff, 0xff, 0xff, 0x0f}, u32) == 0xffffffffu);
  CHECK(read_ok({0x80, 0x80, 0x80, 0x80, 0x00}, u32) == 0u);  // redundant but within 5 bytes
  CHECK(read_err({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, u32) == "integer representation too long");
  CHECK(read_err({0xff, 0xff, 0xff, 0xff, 0x1f}, u32) == "integer too large");
  CHECK(read_err({0x82, 0x80, 0x80, 0x80, 0x70}, u32) == "integer too large");
  size_t off = 0;
  CHECK(read_err({0x80, 0x80}, u32, &off) == "unexpected end of section or function");
  CHECK(off == 2);
  CHECK(read_err({}, u32) == "unexpected end of section or function");
}

TEST_CASE("s32 and s33 LEB128", "[binary][leb]") {
  CHECK(read_ok({0x7f}, s32) == -1);
  CHECK(read_ok({0x40}, s32) == -64);
  CHECK(read_ok({0x3f}, s32) == 63);
  CHECK(read_ok({0xc0, 0x00}, s32) == 64);
  CHECK(read_ok({0x80, 0x80, 0x80, 0x80, 0x78}, s32) == INT32_MIN);
  CHECK(read_ok({0xff, 0xff, 0xff, 0xff, 0x07}, s32) == INT32_MAX);
  CHECK(read_ok({0xff, 0xff, 0xff, 0xff, 0x7f}, s32) == -1);
  CHECK(read_err({0x80, 0x80, 0x80, 0x80, 0x70}, s32) == "integer too large");  // sign bit 0, unused bits 1
  CHECK(read_err({0xff, 0xff, 0xff, 0xff, 0x0f}, s32) == "integer too large");  // sign bit 1, unused bits 0
  CHECK(read_err({0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, s32) == "integer representation too long");
  CHECK(read_ok({0x40}, s33) == -64);  // blocktype []
  CHECK(read_ok({0xff, 0xff, 0xff, 0xff, 0x0f}, s33) == 0xffffffffLL);
  CHECK(read_ok({0x80, 0x80, 0x80, 0x80, 0x70}, s33) == -(1LL << 32));
  CHECK(read_err({0x80, 0x80, 0x80, 0x80, 0x20}, s33) == "integer too large");
}

TEST_CASE("u64 and s64 LEB128", "[binary][leb]") {
  std::vector<uint8_t> max(9, 0xff);
  max.push_back(0x01);
  CHECK(read_ok(max, u64) == UINT64_MAX);
  max.back() = 0x02;
  CHECK(read_err(max, u64) == "integer too large");
  std::vector<uint8_t> min(9, 0x80);
  min.push_back(0x7f);
  CHECK(read_ok(min, s64) == INT64_MIN);
  min.back() = 0x00;
  CHECK(read_ok(min, s64) == 0);
  min.back() = 0x01;  // sign bit 1 in the last byte but the other bits 0
  CHECK(read_err(min, s64) == "integer too large");
  std::vector<uint8_t> too_long(10, 0x80);
  too_long.push_back(0x00);
  CHECK(read_err(too_long, s64) == "integer representation too long");
}

TEST_CASE("errors are sticky and stop the reader", "[binary]") {
  std::vector<uint8_t> b = {0x80};
  Reader r(b.data(), 0, b.size());
  r.u32();
  REQUIRE(r.failed());
  CHECK(r.u32() == 0);
  CHECK(r.u8() == 0);
  CHECK(r.error().message == "unexpected end of section or function");
}

TEST_CASE("floats are raw little-endian bits", "[binary]") {
  CHECK(read_ok({0x00, 0x00, 0x80, 0x3f}, [](Reader& r) { return r.f32_bits(); }) == 0x3f800000u);
  CHECK(read_ok({0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, [](Reader& r) { return r.f64_bits(); }) == 0x3ff0000000000000ull);
  CHECK(read_err({0x00, 0x00, 0x80}, [](Reader& r) { return r.f32_bits(); }) == "unexpected end of section or function");
}

TEST_CASE("lengths are checked against the remaining bytes before use", "[binary]") {
  // A count of 4 billion with three bytes left fails at once, without allocating.
  size_t off = 99;
  CHECK(read_err({0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3}, [](Reader& r) { return r.len(); }, &off) ==
        "length out of bounds");
  CHECK(off == 0);
  // Like the spec interpreter, the bound counts from the start of the length's own encoding.
  CHECK(read_ok({0x01}, [](Reader& r) { return r.len(); }) == 1u);
}

TEST_CASE("names are length-prefixed UTF-8", "[binary][utf8]") {
  auto name = [](Reader& r) { return r.name(); };
  CHECK(read_ok({0x03, 'a', 'b', 'c'}, name) == "abc");
  CHECK(read_ok({0x00}, name).empty());
  CHECK(read_ok({0x02, 0xc3, 0xa9}, name) == "\xc3\xa9");                    // U+00E9
  CHECK(read_ok({0x04, 0xf4, 0x8f, 0xbf, 0xbf}, name) == "\xf4\x8f\xbf\xbf");  // U+10FFFF
  CHECK(read_err({0x02, 0xc0, 0x80}, name) == "malformed UTF-8 encoding");        // overlong
  CHECK(read_err({0x03, 0xed, 0xa0, 0x80}, name) == "malformed UTF-8 encoding");  // surrogate
  CHECK(read_err({0x04, 0xf4, 0x90, 0x80, 0x80}, name) == "malformed UTF-8 encoding");  // > U+10FFFF
  CHECK(read_err({0x01, 0x80}, name) == "malformed UTF-8 encoding");  // lone continuation
  CHECK(read_err({0x01, 0xe0}, name) == "malformed UTF-8 encoding");  // truncated sequence
  CHECK(read_err({0x01, 0xff}, name) == "malformed UTF-8 encoding");
  CHECK(read_err({0x05, 'a'}, name) == "length out of bounds");
}
