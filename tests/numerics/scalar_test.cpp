// Hand-picked edge cases of the scalar semantics (exec/numerics.rst), independent of the
// spec-suite driver: NaN bits, signed zeros, ties, conversion bounds and traps.
#include <catch2/catch.hpp>

#include <bit>
#include <limits>

#include "runtime/numerics.h"

using namespace shard;
using namespace shard::sem;

namespace {
float f32(uint32_t b) { return std::bit_cast<float>(b); }
double f64(uint64_t b) { return std::bit_cast<double>(b); }
uint32_t b32(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t b64(double d) { return std::bit_cast<uint64_t>(d); }
constexpr uint32_t kCanon32 = 0x7fc0'0000;
constexpr uint64_t kCanon64 = 0x7ff8'0000'0000'0000;
bool arithmetic_nan32(float f) { return (b32(f) & 0x7fc0'0000) == 0x7fc0'0000; }
bool arithmetic_nan64(double d) { return (b64(d) & 0x7ff8'0000'0000'0000) == 0x7ff8'0000'0000'0000; }
}  // namespace

TEST_CASE("numerics: integer division traps and overflow") {
  uint32_t o = 7;
  CHECK(I32DivS(1, 0, o) == TrapKind::IntegerDivideByZero);
  CHECK(I32DivS(0x8000'0000u, 0xffff'ffffu, o) == TrapKind::IntegerOverflow);
  CHECK(I32RemS(0x8000'0000u, 0xffff'ffffu, o) == TrapKind::None);
  CHECK(o == 0);
  CHECK(I32DivS(uint32_t(-7), 2, o) == TrapKind::None);
  CHECK(o == uint32_t(-3));  // truncates toward zero
  CHECK(I32RemS(uint32_t(-7), 2, o) == TrapKind::None);
  CHECK(o == uint32_t(-1));  // sign of the dividend
  CHECK(I32DivU(0xffff'ffffu, 2, o) == TrapKind::None);
  CHECK(o == 0x7fff'ffffu);
  CHECK(I32RemU(5, 0, o) == TrapKind::IntegerDivideByZero);
  uint64_t q = 0;
  CHECK(I64DivS(0x8000'0000'0000'0000ull, ~0ull, q) == TrapKind::IntegerOverflow);
  CHECK(I64RemS(0x8000'0000'0000'0000ull, ~0ull, q) == TrapKind::None);
  CHECK(q == 0);
  CHECK(I64DivU(1, 0, q) == TrapKind::IntegerDivideByZero);
}

TEST_CASE("numerics: shifts, rotates and bit counts") {
  CHECK(I32Shl(1, 33) == 2);
  CHECK(I32ShrS(0x8000'0000u, 31) == 0xffff'ffffu);
  CHECK(I32ShrS(0x8000'0000u, 32) == 0x8000'0000u);
  CHECK(I32ShrU(0x8000'0000u, 63) == 1);
  CHECK(I32Rotl(0x8000'0001u, 1) == 3);
  CHECK(I32Rotr(1, 32) == 1);
  CHECK(I32Rotr(1, 0xffff'ffffu) == 2);
  CHECK(I64Shl(1, 64) == 1);
  CHECK(I64ShrS(0x8000'0000'0000'0000ull, 0x7f) == ~0ull);
  CHECK(I64Rotl(0x8000'0000'0000'0000ull, 65) == 1);
  CHECK(I32Clz(0) == 32);
  CHECK(I32Ctz(0) == 32);
  CHECK(I64Clz(0) == 64);
  CHECK(I64Ctz(0x8000'0000'0000'0000ull) == 63);
  CHECK(I64Popcnt(~0ull) == 64);
  CHECK(I32Extend8S(0x80) == 0xffff'ff80u);
  CHECK(I32Extend16S(0x1'7fffu) == 0x7fffu);
  CHECK(I64Extend32S(0x8000'0000ull) == 0xffff'ffff'8000'0000ull);
  CHECK(I64ExtendI32S(0xffff'ffffu) == ~0ull);
  CHECK(I64ExtendI32U(0xffff'ffffu) == 0xffff'ffffull);
  static_assert(I32Add(0xffff'ffffu, 1) == 0);  // usable in constant expressions
}

TEST_CASE("numerics: min/max with zeros and NaNs") {
  CHECK(b32(F32Min(0.0f, -0.0f)) == 0x8000'0000u);
  CHECK(b32(F32Min(-0.0f, 0.0f)) == 0x8000'0000u);
  CHECK(b32(F32Max(-0.0f, 0.0f)) == 0);
  CHECK(b32(F32Max(0.0f, -0.0f)) == 0);
  CHECK(b64(F64Min(0.0, -0.0)) == 0x8000'0000'0000'0000ull);
  CHECK(b64(F64Max(-0.0, 0.0)) == 0);
  // A signalling NaN operand gives an arithmetic NaN; a canonical one stays canonical.
  CHECK(arithmetic_nan32(F32Min(f32(0x7f80'0001), 1.0f)));
  CHECK(arithmetic_nan32(F32Max(1.0f, f32(0xff80'0001))));
  CHECK((b32(F32Min(f32(kCanon32), 1.0f)) & 0x7fff'ffffu) == kCanon32);
  CHECK(arithmetic_nan64(F64Max(f64(0x7ff0'0000'0000'0001ull), -INFINITY)));
  CHECK(F32Min(-INFINITY, 1.0f) == -INFINITY);
  CHECK(F64Max(INFINITY, 1.0) == INFINITY);
}

TEST_CASE("numerics: sign-bit operations never touch NaN payloads") {
  CHECK(b32(F32Neg(f32(0x7f80'0001))) == 0xff80'0001u);  // still signalling
  CHECK(b32(F32Abs(f32(0xffa0'0000))) == 0x7fa0'0000u);
  CHECK(b32(F32Copysign(f32(0x7f80'0001), -1.0f)) == 0xff80'0001u);
  CHECK(b64(F64Copysign(f64(0xfff0'0000'0000'0001ull), f64(0x7ff8'0000'0000'0000ull))) == 0x7ff0'0000'0000'0001ull);
  CHECK(b64(F64Neg(0.0)) == 0x8000'0000'0000'0000ull);
}

TEST_CASE("numerics: rounding to integers") {
  CHECK(F32Nearest(0.5f) == 0.0f);
  CHECK(F32Nearest(1.5f) == 2.0f);
  CHECK(F32Nearest(2.5f) == 2.0f);
  CHECK(F32Nearest(-2.5f) == -2.0f);
  CHECK(b32(F32Nearest(-0.5f)) == 0x8000'0000u);
  CHECK(b32(F32Nearest(-0.4f)) == 0x8000'0000u);
  CHECK(F32Nearest(8388609.0f) == 8388609.0f);        // 2^23 + 1: already integral
  CHECK(F32Nearest(4194304.5f) == 4194304.0f);        // 2^22 + 0.5: tie, even
  CHECK(F32Nearest(4194305.5f) == 4194306.0f);
  CHECK(F64Nearest(4503599627370495.5) == 4503599627370496.0);  // 2^52 - 0.5
  CHECK(F64Nearest(-4503599627370495.5) == -4503599627370496.0);
  CHECK(b64(F64Nearest(-0.0)) == 0x8000'0000'0000'0000ull);
  CHECK(F64Nearest(INFINITY) == INFINITY);
  CHECK(b32(F32Ceil(-0.5f)) == 0x8000'0000u);
  CHECK(b32(F32Floor(-0.0f)) == 0x8000'0000u);
  CHECK(F32Floor(-0.5f) == -1.0f);
  CHECK(b64(F64Trunc(-0.9)) == 0x8000'0000'0000'0000ull);
  // NaN inputs: quieted, payload kept.
  CHECK(b32(F32Nearest(f32(0x7f80'0001))) == 0x7fc0'0001u);
  CHECK(b32(F32Ceil(f32(0xff80'0001))) == 0xffc0'0001u);
  CHECK(b64(F64Floor(f64(kCanon64))) == kCanon64);
  CHECK(b64(F64Sqrt(f64(0x7ff0'0000'0000'0001ull))) == 0x7ff8'0000'0000'0001ull);
  CHECK(arithmetic_nan32(F32Sqrt(-1.0f)));
  CHECK(b32(F32Sqrt(-0.0f)) == 0x8000'0000u);
}

TEST_CASE("numerics: arithmetic NaN propagation") {
  CHECK(arithmetic_nan32(F32Add(f32(0x7f80'0001), 1.0f)));
  CHECK(arithmetic_nan64(F64Mul(2.0, f64(0xfff0'0000'0000'0001ull))));
  CHECK((b32(F32Sub(INFINITY, INFINITY)) & 0x7fff'ffffu) == kCanon32);
  CHECK((b64(F64Div(0.0, 0.0)) & 0x7fff'ffff'ffff'ffffull) == kCanon64);
  CHECK(F32Eq(f32(kCanon32), f32(kCanon32)) == 0);
  CHECK(F32Ne(f32(kCanon32), 1.0f) == 1);
  CHECK(F64Eq(0.0, -0.0) == 1);
  CHECK(F64Lt(-0.0, 0.0) == 0);
}

TEST_CASE("numerics: float-to-int truncation bounds") {
  uint32_t o = 0;
  CHECK(I32TruncF32S(-2147483648.0f, o) == TrapKind::None);
  CHECK(o == 0x8000'0000u);
  CHECK(I32TruncF32S(-2147483904.0f, o) == TrapKind::IntegerOverflow);
  CHECK(I32TruncF32S(2147483648.0f, o) == TrapKind::IntegerOverflow);
  CHECK(I32TruncF32S(2147483520.0f, o) == TrapKind::None);
  CHECK(o == 2147483520u);
  CHECK(I32TruncF32S(f32(kCanon32), o) == TrapKind::InvalidConversion);
  CHECK(I32TruncF32U(-0.99999994f, o) == TrapKind::None);
  CHECK(o == 0);
  CHECK(I32TruncF32U(-1.0f, o) == TrapKind::IntegerOverflow);
  CHECK(I32TruncF32U(4294967040.0f, o) == TrapKind::None);
  CHECK(o == 4294967040u);
  CHECK(I32TruncF32U(4294967296.0f, o) == TrapKind::IntegerOverflow);
  CHECK(I32TruncF64S(-2147483648.9, o) == TrapKind::None);
  CHECK(o == 0x8000'0000u);
  CHECK(I32TruncF64S(-2147483649.0, o) == TrapKind::IntegerOverflow);
  CHECK(I32TruncF64S(2147483647.9, o) == TrapKind::None);
  CHECK(o == 0x7fff'ffffu);
  CHECK(I32TruncF64U(4294967295.9, o) == TrapKind::None);
  CHECK(o == 0xffff'ffffu);
  CHECK(I32TruncF64U(4294967296.0, o) == TrapKind::IntegerOverflow);
  CHECK(I32TruncF64U(-0.9, o) == TrapKind::None);
  CHECK(I32TruncF64U(INFINITY, o) == TrapKind::IntegerOverflow);
  uint64_t q = 0;
  CHECK(I64TruncF32S(-9223372036854775808.0f, q) == TrapKind::None);
  CHECK(q == 0x8000'0000'0000'0000ull);
  CHECK(I64TruncF32S(9223372036854775808.0f, q) == TrapKind::IntegerOverflow);
  CHECK(I64TruncF64S(-9223372036854777856.0, q) == TrapKind::IntegerOverflow);
  CHECK(I64TruncF64S(9223372036854774784.0, q) == TrapKind::None);
  CHECK(q == 9223372036854774784ull);
  CHECK(I64TruncF64U(18446744073709549568.0, q) == TrapKind::None);
  CHECK(q == 18446744073709549568ull);
  CHECK(I64TruncF64U(18446744073709551616.0, q) == TrapKind::IntegerOverflow);
  CHECK(I64TruncF32U(f32(0xff80'0001), q) == TrapKind::InvalidConversion);
}

TEST_CASE("numerics: saturating truncation") {
  CHECK(I32TruncSatF32S(f32(kCanon32)) == 0);
  CHECK(I32TruncSatF32S(-INFINITY) == 0x8000'0000u);
  CHECK(I32TruncSatF32S(3e9f) == 0x7fff'ffffu);
  CHECK(I32TruncSatF32U(-5.0f) == 0);
  CHECK(I32TruncSatF32U(5e9f) == 0xffff'ffffu);
  CHECK(I32TruncSatF64S(-2147483649.0) == 0x8000'0000u);
  CHECK(I32TruncSatF64U(-0.5) == 0);
  CHECK(I64TruncSatF64S(1e19) == 0x7fff'ffff'ffff'ffffull);
  CHECK(I64TruncSatF64S(-1e19) == 0x8000'0000'0000'0000ull);
  CHECK(I64TruncSatF32U(INFINITY) == ~0ull);
  CHECK(I64TruncSatF64U(f64(kCanon64)) == 0);
}

TEST_CASE("numerics: int-to-float conversions round once, to nearest even") {
  // u64 -> f32 where rounding through f64 would give a different answer (double rounding).
  CHECK(b32(F32ConvertI64U(0x0020'0000'2000'0001ull)) == b32(9007200328482816.0f));
  CHECK(F32ConvertI64U(0xffff'ffff'ffff'ffffull) == 18446744073709551616.0f);
  CHECK(F32ConvertI64U(0x8000'0080'0000'0001ull) == 9223373136366403584.0f);
  CHECK(F32ConvertI64S(0x8000'0000'0000'0001ull) == -9223372036854775808.0f);
  CHECK(F32ConvertI64S(0x0020'0000'2000'0001ull) == 9007200328482816.0f);
  CHECK(F32ConvertI32U(0xffff'ffffu) == 4294967296.0f);
  CHECK(F32ConvertI32S(16777217) == 16777216.0f);  // tie to even
  CHECK(F32ConvertI32S(16777219) == 16777220.0f);
  CHECK(F64ConvertI64U(0xffff'ffff'ffff'ffffull) == 18446744073709551616.0);
  CHECK(F64ConvertI64S(0x0020'0000'0000'0001ull) == 9007199254740992.0);
  CHECK(F64ConvertI32U(0x8000'0000u) == 2147483648.0);
  CHECK(F64ConvertI32S(0x8000'0000u) == -2147483648.0);
}

TEST_CASE("numerics: demote and promote") {
  CHECK(b32(F32DemoteF64(f64(kCanon64))) == kCanon32);
  CHECK(b32(F32DemoteF64(f64(0xfff8'0000'0000'0000ull))) == 0xffc0'0000u);
  CHECK(arithmetic_nan32(F32DemoteF64(f64(0x7ff0'0000'0000'0001ull))));
  CHECK(arithmetic_nan32(F32DemoteF64(f64(0x7ff4'0000'0000'0000ull))));
  CHECK(F32DemoteF64(3.4028235677973366e38) == INFINITY);  // rounds up past FLT_MAX
  CHECK(F32DemoteF64(3.4028234663852886e38) == std::numeric_limits<float>::max());
  CHECK(b32(F32DemoteF64(-0.0)) == 0x8000'0000u);
  CHECK(b32(F32DemoteF64(0x1p-150)) == 0);           // tie to even -> 0
  CHECK(b32(F32DemoteF64(0x1.000001p-150)) == 1);    // just above the tie
  CHECK(b64(F64PromoteF32(f32(kCanon32))) == kCanon64);
  CHECK(arithmetic_nan64(F64PromoteF32(f32(0x7f80'0001))));
  CHECK(b64(F64PromoteF32(f32(0xffa0'0000))) == 0xfffc'0000'0000'0000ull);
  CHECK(F64PromoteF32(0x1p-149f) == 0x1p-149);
  CHECK(I32ReinterpretF32(f32(0x7fa0'0001)) == 0x7fa0'0001u);  // no canonicalization
  CHECK(b64(F64ReinterpretI64(0xfff0'0000'0000'0001ull)) == 0xfff0'0000'0000'0001ull);
}
