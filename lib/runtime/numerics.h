// Exact semantics of the scalar numeric instructions (exec/numerics.rst, exec/instructions.rst:
// Numeric Instructions), one function per opcode-table row, named after the Op id so the
// interpreter and JIT helpers can be generated from lib/opcodes.def:
//
//   #define WASM_OP(id, ...) ... sem::id(a, b) ...
//
// Representation: i32 -> uint32_t, i64 -> uint64_t, f32 -> float, f64 -> double.
// Trapping operations (div/rem, float->int truncation) have the form
//   TrapKind Id(args..., Result& out)
// and return TrapKind::None on success.
//
// NaN rules (exec/numerics.rst: NaN Propagation): an operation with NaN operands returns a NaN
// from nans_N{z*}: the canonical NaN when every NaN operand is canonical, otherwise any
// arithmetic (quiet) NaN. We get there either from IEEE hardware arithmetic (which quiets the
// first NaN operand and keeps its payload, and returns a canonical-payload NaN for invalid
// operations) or, where we compute the result ourselves, by setting the quiet bit of an input
// NaN (quiet_nan below), which maps canonical to canonical and anything else to arithmetic.
#pragma once

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "runtime/v128.h"
#include "shard/trap.h"
#include "types.h"

// IEEE single/double arithmetic without excess precision is what Wasm requires; x87 builds
// (FLT_EVAL_METHOD 2) would double-round.
static_assert(FLT_EVAL_METHOD == 0, "Shard's numerics need SSE/NEON floating point (no excess precision)");
static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559);

namespace shard::sem {

/// The C++ type of an opcode-table operand type (the argument and result types of the
/// sem::<Op> functions), for tiers that bind those functions by expanding opcodes.def.
template <OpType T> struct CTypeOf { using type = void; };
template <> struct CTypeOf<OpType::I32> { using type = uint32_t; };
template <> struct CTypeOf<OpType::I64> { using type = uint64_t; };
template <> struct CTypeOf<OpType::F32> { using type = float; };
template <> struct CTypeOf<OpType::F64> { using type = double; };
template <> struct CTypeOf<OpType::V128> { using type = V128; };
template <OpType T> using CType = typename CTypeOf<T>::type;

// ---------------------------------------------------------------------------------------------
// Bit-level helpers
// ---------------------------------------------------------------------------------------------

template <class F>
struct FloatBits;
template <>
struct FloatBits<float> {
  using Bits = uint32_t;
  static constexpr Bits kSign = 0x8000'0000u;
  static constexpr Bits kExp = 0x7f80'0000u;
  static constexpr Bits kQuiet = 0x0040'0000u;  // the top mantissa bit (exec/numerics.rst: canon_N)
  static constexpr Bits kMantissa = 0x007f'ffffu;
};
template <>
struct FloatBits<double> {
  using Bits = uint64_t;
  static constexpr Bits kSign = 0x8000'0000'0000'0000ull;
  static constexpr Bits kExp = 0x7ff0'0000'0000'0000ull;
  static constexpr Bits kQuiet = 0x0008'0000'0000'0000ull;
  static constexpr Bits kMantissa = 0x000f'ffff'ffff'ffffull;
};

template <class F>
constexpr typename FloatBits<F>::Bits bits_of(F x) {
  return std::bit_cast<typename FloatBits<F>::Bits>(x);
}
template <class F>
constexpr F from_bits(typename FloatBits<F>::Bits b) {
  return std::bit_cast<F>(b);
}

/// True for any NaN, by bits (independent of compiler flags such as -ffinite-math-only).
template <class F>
constexpr bool is_nan(F x) {
  using B = FloatBits<F>;
  return (bits_of(x) & ~B::kSign) > B::kExp;
}

/// The arithmetic NaN with x's sign and payload: an element of nans_N{x} for a NaN x.
template <class F>
constexpr F quiet_nan(F x) {
  return from_bits<F>(bits_of(x) | FloatBits<F>::kQuiet);
}

// ---------------------------------------------------------------------------------------------
// Integer operations (exec/numerics.rst: Integer Operations)
// ---------------------------------------------------------------------------------------------

namespace detail {

template <class U>
using Signed = std::make_signed_t<U>;

template <class U>
constexpr TrapKind div_s(U a, U b, U& out) {
  using S = Signed<U>;
  if (b == 0) return TrapKind::IntegerDivideByZero;
  // idiv_s: the result 2^(N-1) is not representable (exec/numerics.rst: idiv_s).
  if (a == (U(1) << (sizeof(U) * 8 - 1)) && b == U(~U(0))) return TrapKind::IntegerOverflow;
  out = static_cast<U>(static_cast<S>(a) / static_cast<S>(b));
  return TrapKind::None;
}
template <class U>
constexpr TrapKind rem_s(U a, U b, U& out) {
  using S = Signed<U>;
  if (b == 0) return TrapKind::IntegerDivideByZero;
  // irem_s(-2^(N-1), -1) is 0, but the C++ expression would overflow.
  if (b == U(~U(0))) {
    out = 0;
    return TrapKind::None;
  }
  out = static_cast<U>(static_cast<S>(a) % static_cast<S>(b));
  return TrapKind::None;
}
template <class U>
constexpr TrapKind div_u(U a, U b, U& out) {
  if (b == 0) return TrapKind::IntegerDivideByZero;
  out = a / b;
  return TrapKind::None;
}
template <class U>
constexpr TrapKind rem_u(U a, U b, U& out) {
  if (b == 0) return TrapKind::IntegerDivideByZero;
  out = a % b;
  return TrapKind::None;
}
template <class U>
constexpr U shift_mask() {
  return sizeof(U) * 8 - 1;
}

}  // namespace detail

// Comparisons return i32 0/1.
constexpr uint32_t I32Eqz(uint32_t a) { return a == 0; }
constexpr uint32_t I32Eq(uint32_t a, uint32_t b) { return a == b; }
constexpr uint32_t I32Ne(uint32_t a, uint32_t b) { return a != b; }
constexpr uint32_t I32LtS(uint32_t a, uint32_t b) { return static_cast<int32_t>(a) < static_cast<int32_t>(b); }
constexpr uint32_t I32LtU(uint32_t a, uint32_t b) { return a < b; }
constexpr uint32_t I32GtS(uint32_t a, uint32_t b) { return static_cast<int32_t>(a) > static_cast<int32_t>(b); }
constexpr uint32_t I32GtU(uint32_t a, uint32_t b) { return a > b; }
constexpr uint32_t I32LeS(uint32_t a, uint32_t b) { return static_cast<int32_t>(a) <= static_cast<int32_t>(b); }
constexpr uint32_t I32LeU(uint32_t a, uint32_t b) { return a <= b; }
constexpr uint32_t I32GeS(uint32_t a, uint32_t b) { return static_cast<int32_t>(a) >= static_cast<int32_t>(b); }
constexpr uint32_t I32GeU(uint32_t a, uint32_t b) { return a >= b; }

constexpr uint32_t I64Eqz(uint64_t a) { return a == 0; }
constexpr uint32_t I64Eq(uint64_t a, uint64_t b) { return a == b; }
constexpr uint32_t I64Ne(uint64_t a, uint64_t b) { return a != b; }
constexpr uint32_t I64LtS(uint64_t a, uint64_t b) { return static_cast<int64_t>(a) < static_cast<int64_t>(b); }
constexpr uint32_t I64LtU(uint64_t a, uint64_t b) { return a < b; }
constexpr uint32_t I64GtS(uint64_t a, uint64_t b) { return static_cast<int64_t>(a) > static_cast<int64_t>(b); }
constexpr uint32_t I64GtU(uint64_t a, uint64_t b) { return a > b; }
constexpr uint32_t I64LeS(uint64_t a, uint64_t b) { return static_cast<int64_t>(a) <= static_cast<int64_t>(b); }
constexpr uint32_t I64LeU(uint64_t a, uint64_t b) { return a <= b; }
constexpr uint32_t I64GeS(uint64_t a, uint64_t b) { return static_cast<int64_t>(a) >= static_cast<int64_t>(b); }
constexpr uint32_t I64GeU(uint64_t a, uint64_t b) { return a >= b; }

// Unary bit counts; clz/ctz of 0 are the bit width (exec/numerics.rst: iclz, ictz).
constexpr uint32_t I32Clz(uint32_t a) { return static_cast<uint32_t>(std::countl_zero(a)); }
constexpr uint32_t I32Ctz(uint32_t a) { return static_cast<uint32_t>(std::countr_zero(a)); }
constexpr uint32_t I32Popcnt(uint32_t a) { return static_cast<uint32_t>(std::popcount(a)); }
constexpr uint64_t I64Clz(uint64_t a) { return static_cast<uint64_t>(std::countl_zero(a)); }
constexpr uint64_t I64Ctz(uint64_t a) { return static_cast<uint64_t>(std::countr_zero(a)); }
constexpr uint64_t I64Popcnt(uint64_t a) { return static_cast<uint64_t>(std::popcount(a)); }

// Wrapping arithmetic is unsigned arithmetic.
constexpr uint32_t I32Add(uint32_t a, uint32_t b) { return a + b; }
constexpr uint32_t I32Sub(uint32_t a, uint32_t b) { return a - b; }
constexpr uint32_t I32Mul(uint32_t a, uint32_t b) { return a * b; }
constexpr uint64_t I64Add(uint64_t a, uint64_t b) { return a + b; }
constexpr uint64_t I64Sub(uint64_t a, uint64_t b) { return a - b; }
constexpr uint64_t I64Mul(uint64_t a, uint64_t b) { return a * b; }

constexpr TrapKind I32DivS(uint32_t a, uint32_t b, uint32_t& out) { return detail::div_s(a, b, out); }
constexpr TrapKind I32DivU(uint32_t a, uint32_t b, uint32_t& out) { return detail::div_u(a, b, out); }
constexpr TrapKind I32RemS(uint32_t a, uint32_t b, uint32_t& out) { return detail::rem_s(a, b, out); }
constexpr TrapKind I32RemU(uint32_t a, uint32_t b, uint32_t& out) { return detail::rem_u(a, b, out); }
constexpr TrapKind I64DivS(uint64_t a, uint64_t b, uint64_t& out) { return detail::div_s(a, b, out); }
constexpr TrapKind I64DivU(uint64_t a, uint64_t b, uint64_t& out) { return detail::div_u(a, b, out); }
constexpr TrapKind I64RemS(uint64_t a, uint64_t b, uint64_t& out) { return detail::rem_s(a, b, out); }
constexpr TrapKind I64RemU(uint64_t a, uint64_t b, uint64_t& out) { return detail::rem_u(a, b, out); }

constexpr uint32_t I32And(uint32_t a, uint32_t b) { return a & b; }
constexpr uint32_t I32Or(uint32_t a, uint32_t b) { return a | b; }
constexpr uint32_t I32Xor(uint32_t a, uint32_t b) { return a ^ b; }
constexpr uint64_t I64And(uint64_t a, uint64_t b) { return a & b; }
constexpr uint64_t I64Or(uint64_t a, uint64_t b) { return a | b; }
constexpr uint64_t I64Xor(uint64_t a, uint64_t b) { return a ^ b; }

// Shift and rotate counts are taken modulo the bit width (exec/numerics.rst: ishl, ishr_s, irotl).
// Signed right shift of a negative value is arithmetic in C++20.
constexpr uint32_t I32Shl(uint32_t a, uint32_t b) { return a << (b & 31); }
constexpr uint32_t I32ShrS(uint32_t a, uint32_t b) { return static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31)); }
constexpr uint32_t I32ShrU(uint32_t a, uint32_t b) { return a >> (b & 31); }
constexpr uint32_t I32Rotl(uint32_t a, uint32_t b) { return std::rotl(a, static_cast<int>(b & 31)); }
constexpr uint32_t I32Rotr(uint32_t a, uint32_t b) { return std::rotr(a, static_cast<int>(b & 31)); }
constexpr uint64_t I64Shl(uint64_t a, uint64_t b) { return a << (b & 63); }
constexpr uint64_t I64ShrS(uint64_t a, uint64_t b) { return static_cast<uint64_t>(static_cast<int64_t>(a) >> (b & 63)); }
constexpr uint64_t I64ShrU(uint64_t a, uint64_t b) { return a >> (b & 63); }
constexpr uint64_t I64Rotl(uint64_t a, uint64_t b) { return std::rotl(a, static_cast<int>(b & 63)); }
constexpr uint64_t I64Rotr(uint64_t a, uint64_t b) { return std::rotr(a, static_cast<int>(b & 63)); }

// Sign extension (exec/numerics.rst: iextendM_s); narrowing integer conversions are modular in C++20.
constexpr uint32_t I32Extend8S(uint32_t a) { return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(a))); }
constexpr uint32_t I32Extend16S(uint32_t a) { return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(a))); }
constexpr uint64_t I64Extend8S(uint64_t a) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a))); }
constexpr uint64_t I64Extend16S(uint64_t a) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a))); }
constexpr uint64_t I64Extend32S(uint64_t a) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a))); }

constexpr uint32_t I32WrapI64(uint64_t a) { return static_cast<uint32_t>(a); }
constexpr uint64_t I64ExtendI32S(uint32_t a) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a))); }
constexpr uint64_t I64ExtendI32U(uint32_t a) { return a; }

// ---------------------------------------------------------------------------------------------
// Floating-point operations (exec/numerics.rst: Floating-Point Operations)
// ---------------------------------------------------------------------------------------------

namespace detail {

/// fmin: NaN if either is NaN; -0 beats +0; otherwise the smaller (exec/numerics.rst: fmin).
template <class F>
constexpr F fmin(F a, F b) {
  if (is_nan(a)) return quiet_nan(a);
  if (is_nan(b)) return quiet_nan(b);
  // Equal values differ at most in the sign of zero; OR-ing the bits picks -0.
  if (a == b) return from_bits<F>(bits_of(a) | bits_of(b));
  return a < b ? a : b;
}
/// fmax: as fmin, with +0 beating -0 (exec/numerics.rst: fmax).
template <class F>
constexpr F fmax(F a, F b) {
  if (is_nan(a)) return quiet_nan(a);
  if (is_nan(b)) return quiet_nan(b);
  if (a == b) return from_bits<F>(bits_of(a) & bits_of(b));
  return a > b ? a : b;
}

// abs/neg/copysign only touch the sign bit and keep NaN payloads as they are
// (exec/numerics.rst: fabs, fneg, fcopysign).
template <class F>
constexpr F fabs(F a) {
  return from_bits<F>(bits_of(a) & ~FloatBits<F>::kSign);
}
template <class F>
constexpr F fneg(F a) {
  return from_bits<F>(bits_of(a) ^ FloatBits<F>::kSign);
}
template <class F>
constexpr F fcopysign(F a, F b) {
  using B = FloatBits<F>;
  return from_bits<F>((bits_of(a) & ~B::kSign) | (bits_of(b) & B::kSign));
}

/// 2^(mantissa bits): every float at or above it in magnitude is an integer.
template <class F>
constexpr F kIntegralThreshold = F(std::uint64_t(1) << (std::numeric_limits<F>::digits - 1));

// Rounding to integral values. NaNs become nans_N{z} via quiet_nan; zeros, infinities and
// values that are already integral are returned unchanged, which also keeps the sign of zero
// (exec/numerics.rst: fceil, ffloor, ftrunc, fnearest).
template <class F>
inline F ftrunc(F a) {
  if (is_nan(a)) return quiet_nan(a);
  return std::trunc(a);
}
template <class F>
inline F fceil(F a) {
  if (is_nan(a)) return quiet_nan(a);
  return std::ceil(a);
}
template <class F>
inline F ffloor(F a) {
  if (is_nan(a)) return quiet_nan(a);
  return std::floor(a);
}
/// Round to nearest, ties to even. Adding and subtracting 2^p in the default rounding mode
/// (round-to-nearest-even, which Wasm code cannot change) rounds |a| < 2^p exactly that way;
/// copysign restores the sign, so -0.4 gives -0 as fnearest requires.
template <class F>
inline F fnearest(F a) {
  if (is_nan(a)) return quiet_nan(a);
  F m = fabs(a);
  if (!(m < kIntegralThreshold<F>)) return a;  // integral already, or infinite
  // Without -ffast-math (never used for Shard) the compiler may not fold (m + c) - c.
  F r = (m + kIntegralThreshold<F>) - kIntegralThreshold<F>;
  return fcopysign(r, a);
}
template <class F>
inline F fsqrt(F a) {
  if (is_nan(a)) return quiet_nan(a);
  return std::sqrt(a);  // sqrt of a negative number is the hardware default (canonical) NaN
}

}  // namespace detail

inline float F32Abs(float a) { return detail::fabs(a); }
inline float F32Neg(float a) { return detail::fneg(a); }
inline float F32Ceil(float a) { return detail::fceil(a); }
inline float F32Floor(float a) { return detail::ffloor(a); }
inline float F32Trunc(float a) { return detail::ftrunc(a); }
inline float F32Nearest(float a) { return detail::fnearest(a); }
inline float F32Sqrt(float a) { return detail::fsqrt(a); }
// IEEE arithmetic already satisfies the NaN rules (see the top of this file).
inline float F32Add(float a, float b) { return a + b; }
inline float F32Sub(float a, float b) { return a - b; }
inline float F32Mul(float a, float b) { return a * b; }
inline float F32Div(float a, float b) { return a / b; }
inline float F32Min(float a, float b) { return detail::fmin(a, b); }
inline float F32Max(float a, float b) { return detail::fmax(a, b); }
inline float F32Copysign(float a, float b) { return detail::fcopysign(a, b); }

inline double F64Abs(double a) { return detail::fabs(a); }
inline double F64Neg(double a) { return detail::fneg(a); }
inline double F64Ceil(double a) { return detail::fceil(a); }
inline double F64Floor(double a) { return detail::ffloor(a); }
inline double F64Trunc(double a) { return detail::ftrunc(a); }
inline double F64Nearest(double a) { return detail::fnearest(a); }
inline double F64Sqrt(double a) { return detail::fsqrt(a); }
inline double F64Add(double a, double b) { return a + b; }
inline double F64Sub(double a, double b) { return a - b; }
inline double F64Mul(double a, double b) { return a * b; }
inline double F64Div(double a, double b) { return a / b; }
inline double F64Min(double a, double b) { return detail::fmin(a, b); }
inline double F64Max(double a, double b) { return detail::fmax(a, b); }
inline double F64Copysign(double a, double b) { return detail::fcopysign(a, b); }

// IEEE comparisons: every comparison with a NaN is false except ne; -0 == +0.
inline uint32_t F32Eq(float a, float b) { return a == b; }
inline uint32_t F32Ne(float a, float b) { return a != b; }
inline uint32_t F32Lt(float a, float b) { return a < b; }
inline uint32_t F32Gt(float a, float b) { return a > b; }
inline uint32_t F32Le(float a, float b) { return a <= b; }
inline uint32_t F32Ge(float a, float b) { return a >= b; }
inline uint32_t F64Eq(double a, double b) { return a == b; }
inline uint32_t F64Ne(double a, double b) { return a != b; }
inline uint32_t F64Lt(double a, double b) { return a < b; }
inline uint32_t F64Gt(double a, double b) { return a > b; }
inline uint32_t F64Le(double a, double b) { return a <= b; }
inline uint32_t F64Ge(double a, double b) { return a >= b; }

// ---------------------------------------------------------------------------------------------
// Conversions (exec/numerics.rst: Conversions)
// ---------------------------------------------------------------------------------------------

namespace detail {

/// Whether trunc(x) is representable in I, i.e. the C++ conversion is defined
/// (exec/numerics.rst: trunc_u, trunc_s). NaN is not in range.
template <class I, class F>
constexpr bool trunc_in_range(F x) {
  constexpr int kBits = std::numeric_limits<I>::digits;  // 31/63 for signed, 32/64 for unsigned
  constexpr F kHi = F(std::uint64_t(1) << (kBits - 1)) * F(2);  // 2^kBits, exact
  if constexpr (std::is_unsigned_v<I>) {
    return x > F(-1) && x < kHi;  // (-1, 0) truncates to 0
  } else {
    constexpr F kLo = -kHi;  // -2^(N-1), exact
    if constexpr (std::numeric_limits<F>::digits > kBits) {
      // -2^(N-1) - 1 is representable (f64 -> i32): everything above it truncates into range.
      return x > kLo - F(1) && x < kHi;
    } else {
      // No F lies strictly between -2^(N-1)-1 and -2^(N-1) (e.g. f32 -> i32: the next float
      // below -2147483648 is -2147483904).
      return x >= kLo && x < kHi;
    }
  }
}

template <class I, class F, class U>
constexpr TrapKind trunc(F x, U& out) {
  if (is_nan(x)) return TrapKind::InvalidConversion;
  if (!trunc_in_range<I>(x)) return TrapKind::IntegerOverflow;
  out = static_cast<U>(static_cast<I>(x));
  return TrapKind::None;
}

/// trunc_sat: NaN -> 0, out-of-range values clamp (exec/numerics.rst: trunc_sat_u, trunc_sat_s).
template <class I, class F, class U>
constexpr U trunc_sat(F x) {
  if (is_nan(x)) return 0;
  if (trunc_in_range<I>(x)) return static_cast<U>(static_cast<I>(x));
  return static_cast<U>(x < F(0) ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max());
}

/// demote: canonical NaN stays canonical; other NaNs stay arithmetic (sign, quiet bit and the
/// top payload bits kept). Finite values round to nearest-even as the hardware does
/// (exec/numerics.rst: demote).
inline float demote(double x) {
  if (is_nan(x)) {
    uint64_t b = bits_of(x);
    uint32_t sign = static_cast<uint32_t>(b >> 32) & FloatBits<float>::kSign;
    uint32_t payload = static_cast<uint32_t>((b & FloatBits<double>::kMantissa) >> 29);
    return from_bits<float>(sign | FloatBits<float>::kExp | FloatBits<float>::kQuiet | payload);
  }
  return static_cast<float>(x);
}
/// promote: exact for non-NaNs; a NaN keeps sign and payload and gets the quiet bit
/// (exec/numerics.rst: promote).
inline double promote(float x) {
  if (is_nan(x)) {
    uint32_t b = bits_of(x);
    uint64_t sign = static_cast<uint64_t>(b & FloatBits<float>::kSign) << 32;
    uint64_t payload = static_cast<uint64_t>(b & FloatBits<float>::kMantissa) << 29;
    return from_bits<double>(sign | FloatBits<double>::kExp | FloatBits<double>::kQuiet | payload);
  }
  return static_cast<double>(x);
}

}  // namespace detail

constexpr TrapKind I32TruncF32S(float a, uint32_t& out) { return detail::trunc<int32_t>(a, out); }
constexpr TrapKind I32TruncF32U(float a, uint32_t& out) { return detail::trunc<uint32_t>(a, out); }
constexpr TrapKind I32TruncF64S(double a, uint32_t& out) { return detail::trunc<int32_t>(a, out); }
constexpr TrapKind I32TruncF64U(double a, uint32_t& out) { return detail::trunc<uint32_t>(a, out); }
constexpr TrapKind I64TruncF32S(float a, uint64_t& out) { return detail::trunc<int64_t>(a, out); }
constexpr TrapKind I64TruncF32U(float a, uint64_t& out) { return detail::trunc<uint64_t>(a, out); }
constexpr TrapKind I64TruncF64S(double a, uint64_t& out) { return detail::trunc<int64_t>(a, out); }
constexpr TrapKind I64TruncF64U(double a, uint64_t& out) { return detail::trunc<uint64_t>(a, out); }

constexpr uint32_t I32TruncSatF32S(float a) { return detail::trunc_sat<int32_t, float, uint32_t>(a); }
constexpr uint32_t I32TruncSatF32U(float a) { return detail::trunc_sat<uint32_t, float, uint32_t>(a); }
constexpr uint32_t I32TruncSatF64S(double a) { return detail::trunc_sat<int32_t, double, uint32_t>(a); }
constexpr uint32_t I32TruncSatF64U(double a) { return detail::trunc_sat<uint32_t, double, uint32_t>(a); }
constexpr uint64_t I64TruncSatF32S(float a) { return detail::trunc_sat<int64_t, float, uint64_t>(a); }
constexpr uint64_t I64TruncSatF32U(float a) { return detail::trunc_sat<uint64_t, float, uint64_t>(a); }
constexpr uint64_t I64TruncSatF64S(double a) { return detail::trunc_sat<int64_t, double, uint64_t>(a); }
constexpr uint64_t I64TruncSatF64U(double a) { return detail::trunc_sat<uint64_t, double, uint64_t>(a); }

// int -> float rounds to nearest, ties to even (exec/numerics.rst: convert_u, convert_s). C++
// integer-to-floating conversion is a single correctly rounded operation in the default mode;
// in particular u64 -> f32 is not done via f64 (which would round twice).
inline float F32ConvertI32S(uint32_t a) { return static_cast<float>(static_cast<int32_t>(a)); }
inline float F32ConvertI32U(uint32_t a) { return static_cast<float>(a); }
inline float F32ConvertI64S(uint64_t a) { return static_cast<float>(static_cast<int64_t>(a)); }
inline float F32ConvertI64U(uint64_t a) { return static_cast<float>(a); }
inline double F64ConvertI32S(uint32_t a) { return static_cast<double>(static_cast<int32_t>(a)); }
inline double F64ConvertI32U(uint32_t a) { return static_cast<double>(a); }
inline double F64ConvertI64S(uint64_t a) { return static_cast<double>(static_cast<int64_t>(a)); }
inline double F64ConvertI64U(uint64_t a) { return static_cast<double>(a); }

inline float F32DemoteF64(double a) { return detail::demote(a); }
inline double F64PromoteF32(float a) { return detail::promote(a); }

constexpr uint32_t I32ReinterpretF32(float a) { return std::bit_cast<uint32_t>(a); }
constexpr uint64_t I64ReinterpretF64(double a) { return std::bit_cast<uint64_t>(a); }
constexpr float F32ReinterpretI32(uint32_t a) { return std::bit_cast<float>(a); }
constexpr double F64ReinterpretI64(uint64_t a) { return std::bit_cast<double>(a); }

}  // namespace shard::sem
