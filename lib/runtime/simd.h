// Exact semantics of the Wasm 2.0 vector instructions (exec/instructions.rst: Vector
// Instructions; lane operations reuse the scalar ones of exec/numerics.rst), one function per
// opcode-table row named after the Op id, plus the pure lane transforms that memory
// instructions need (extend_load_*, load_splat_*, load_zero_*, load_lane_*, store_lane_*).
//
// Signatures: v128 is shard::V128, scalars as in numerics.h. Lane instructions take the lane
// index as a last `uint8_t lane`; i8x16.shuffle takes `const uint8_t* lanes` (16 indices).
//
// Every operation has a portable definition. A few have SSE2/SSSE3/SSE4.1 versions that give
// the same bits (guarded by the target macros; the portable twin stays available as
// sem::portable::<Id> for the differential test).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "runtime/numerics.h"
#include "runtime/v128.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSSE3__)
#include <tmmintrin.h>
#endif
#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif

namespace shard::sem {

namespace detail {

/// A V128 unpacked into lanes of T; memcpy in and out keeps it free of aliasing issues and
/// compiles to plain vector loads/stores.
template <class T>
struct Lanes {
  static constexpr int kCount = 16 / sizeof(T);
  T v[kCount];
};
template <class T>
inline Lanes<T> unpack(const V128& x) {
  Lanes<T> l;
  std::memcpy(l.v, x.bytes, 16);
  return l;
}
template <class T>
inline V128 pack(const Lanes<T>& l) {
  V128 r;
  std::memcpy(r.bytes, l.v, 16);
  return r;
}

template <class R, class T, class Fn>
inline V128 map1(V128 a, Fn f) {
  static_assert(sizeof(R) == sizeof(T));
  Lanes<T> x = unpack<T>(a);
  Lanes<R> r;
  for (int i = 0; i < Lanes<T>::kCount; ++i) r.v[i] = f(x.v[i]);
  return pack(r);
}
template <class R, class T, class Fn>
inline V128 map2(V128 a, V128 b, Fn f) {
  static_assert(sizeof(R) == sizeof(T));
  Lanes<T> x = unpack<T>(a), y = unpack<T>(b);
  Lanes<R> r;
  for (int i = 0; i < Lanes<T>::kCount; ++i) r.v[i] = f(x.v[i], y.v[i]);
  return pack(r);
}

template <size_t N>
using UInt = std::conditional_t<N == 1, uint8_t, std::conditional_t<N == 2, uint16_t, std::conditional_t<N == 4, uint32_t, uint64_t>>>;
template <size_t N>
using SInt = std::make_signed_t<UInt<N>>;
/// Arithmetic type for lanes of width N: at least unsigned int, so that no uint8/16 value is
/// promoted to (overflowing) signed int in a product.
template <size_t N>
using Wide = std::conditional_t<(N < 4), uint32_t, UInt<N>>;

/// Comparison result lanes: all ones for true, zero for false (exec/instructions.rst: vrelop).
template <class T, class Pred>
inline V128 compare(V128 a, V128 b, Pred p) {
  using M = UInt<sizeof(T)>;
  return map2<M, T>(a, b, [p](T x, T y) { return p(x, y) ? std::numeric_limits<M>::max() : M(0); });
}

template <class S, class T>
constexpr S saturate(T v) {
  if (v < T(std::numeric_limits<S>::min())) return std::numeric_limits<S>::min();
  if (v > T(std::numeric_limits<S>::max())) return std::numeric_limits<S>::max();
  return static_cast<S>(v);
}

// Integer lane arithmetic on the unsigned lane type U (two's complement wrap-around).
template <class U>
inline V128 iadd(V128 a, V128 b) {
  return map2<U, U>(a, b, [](U x, U y) { return U(Wide<sizeof(U)>(x) + y); });
}
template <class U>
inline V128 isub(V128 a, V128 b) {
  return map2<U, U>(a, b, [](U x, U y) { return U(Wide<sizeof(U)>(x) - y); });
}
template <class U>
inline V128 imul(V128 a, V128 b) {
  return map2<U, U>(a, b, [](U x, U y) { return U(Wide<sizeof(U)>(x) * y); });
}
template <class U>
inline V128 ineg(V128 a) {
  return map1<U, U>(a, [](U x) { return U(Wide<sizeof(U)>(0) - x); });
}
/// iabs wraps: abs(-2^(N-1)) = -2^(N-1) (exec/numerics.rst: iabs).
template <class U>
inline V128 iabs(V128 a) {
  using S = std::make_signed_t<U>;
  return map1<U, U>(a, [](U x) { return S(x) < 0 ? U(Wide<sizeof(U)>(0) - x) : x; });
}
template <class T>
inline V128 imin(V128 a, V128 b) {
  return map2<T, T>(a, b, [](T x, T y) { return x < y ? x : y; });
}
template <class T>
inline V128 imax(V128 a, V128 b) {
  return map2<T, T>(a, b, [](T x, T y) { return x > y ? x : y; });
}
/// Saturating add/sub on 8/16-bit lanes of T (signed or unsigned), computed exactly in int
/// (exec/numerics.rst: iadd_sat_s, isub_sat_u, ...).
template <class T>
inline V128 iadd_sat(V128 a, V128 b) {
  return map2<T, T>(a, b, [](T x, T y) { return saturate<T>(int32_t(x) + int32_t(y)); });
}
template <class T>
inline V128 isub_sat(V128 a, V128 b) {
  return map2<T, T>(a, b, [](T x, T y) { return saturate<T>(int32_t(x) - int32_t(y)); });
}
/// avgr_u = (a + b + 1) / 2 without overflow (exec/numerics.rst: iavgr_u).
template <class U>
inline V128 iavgr_u(V128 a, V128 b) {
  return map2<U, U>(a, b, [](U x, U y) { return U((uint32_t(x) + y + 1) >> 1); });
}
// Shift counts are taken modulo the lane width (exec/instructions.rst: vishiftop).
template <class U>
inline V128 ishl(V128 a, uint32_t n) {
  const uint32_t k = n & (sizeof(U) * 8 - 1);
  // 8/16-bit lanes promote to int; x << k stays below 2^31 there (k < lane width), so no UB.
  return map1<U, U>(a, [k](U x) { return U(x << k); });
}
template <class U>
inline V128 ishr_u(V128 a, uint32_t n) {
  const uint32_t k = n & (sizeof(U) * 8 - 1);
  return map1<U, U>(a, [k](U x) { return U(x >> k); });
}
template <class U>
inline V128 ishr_s(V128 a, uint32_t n) {
  using S = std::make_signed_t<U>;
  const uint32_t k = n & (sizeof(U) * 8 - 1);
  return map1<U, U>(a, [k](U x) { return U(S(x) >> k); });  // arithmetic shift (C++20)
}
template <class U>
inline uint32_t all_true(V128 a) {
  Lanes<U> x = unpack<U>(a);
  bool all = true;
  for (int i = 0; i < Lanes<U>::kCount; ++i) all &= x.v[i] != 0;
  return all;
}
/// Bit i of the result is the top bit of lane i (exec/instructions.rst: bitmask).
template <class U>
inline uint32_t bitmask(V128 a) {
  Lanes<U> x = unpack<U>(a);
  uint32_t m = 0;
  for (int i = 0; i < Lanes<U>::kCount; ++i) m |= uint32_t(x.v[i] >> (sizeof(U) * 8 - 1)) << i;
  return m;
}

/// narrow: lanes of a then lanes of b, each saturated from the signed wide type to S
/// (S may be unsigned for narrow_u; the input is still read as signed).
template <class S, class W>
inline V128 narrow(V128 a, V128 b) {
  static_assert(sizeof(W) == 2 * sizeof(S));
  Lanes<W> x = unpack<W>(a), y = unpack<W>(b);
  Lanes<S> r;
  constexpr int kHalf = Lanes<W>::kCount;
  for (int i = 0; i < kHalf; ++i) r.v[i] = saturate<S>(x.v[i]);
  for (int i = 0; i < kHalf; ++i) r.v[kHalf + i] = saturate<S>(y.v[i]);
  return pack(r);
}
/// extend: half `high` of the narrow lanes N, sign- or zero-extended (by N's signedness) to W.
template <class W, class N>
inline V128 extend(V128 a, bool high) {
  static_assert(sizeof(W) == 2 * sizeof(N));
  Lanes<N> x = unpack<N>(a);
  Lanes<W> r;
  const int base = high ? Lanes<W>::kCount : 0;
  for (int i = 0; i < Lanes<W>::kCount; ++i) r.v[i] = W(x.v[base + i]);
  return pack(r);
}
/// extmul: the exact product of the extended lanes; it always fits W (|-2^(n-1)|^2 = 2^(2n-2)).
template <class W, class N>
inline V128 extmul(V128 a, V128 b, bool high) {
  Lanes<N> x = unpack<N>(a), y = unpack<N>(b);
  using P = std::conditional_t<std::is_signed_v<W>, std::conditional_t<(sizeof(W) < 4), int32_t, W>, Wide<sizeof(W)>>;
  Lanes<W> r;
  const int base = high ? Lanes<W>::kCount : 0;
  for (int i = 0; i < Lanes<W>::kCount; ++i) r.v[i] = W(P(x.v[base + i]) * P(y.v[base + i]));
  return pack(r);
}
template <class W, class N>
inline V128 extadd_pairwise(V128 a) {
  Lanes<N> x = unpack<N>(a);
  Lanes<W> r;
  for (int i = 0; i < Lanes<W>::kCount; ++i) r.v[i] = W(W(x.v[2 * i]) + W(x.v[2 * i + 1]));
  return pack(r);
}

template <class T>
inline V128 splat(T v) {
  Lanes<T> r;
  for (int i = 0; i < Lanes<T>::kCount; ++i) r.v[i] = v;
  return pack(r);
}
template <class T>
inline T extract(V128 a, uint8_t lane) {
  T v;
  std::memcpy(&v, a.bytes + (lane & (16 / sizeof(T) - 1)) * sizeof(T), sizeof(T));
  return v;
}
template <class T>
inline V128 replace(V128 a, T v, uint8_t lane) {
  std::memcpy(a.bytes + (lane & (16 / sizeof(T) - 1)) * sizeof(T), &v, sizeof(T));
  return a;
}

#if defined(__SSE2__)
inline __m128i to_xmm(const V128& v) { return _mm_load_si128(reinterpret_cast<const __m128i*>(v.bytes)); }
inline V128 from_xmm(__m128i x) {
  V128 r;
  _mm_store_si128(reinterpret_cast<__m128i*>(r.bytes), x);
  return r;
}
inline __m128 to_ps(const V128& v) { return _mm_castsi128_ps(to_xmm(v)); }
inline __m128d to_pd(const V128& v) { return _mm_castsi128_pd(to_xmm(v)); }
inline V128 from_ps(__m128 x) { return from_xmm(_mm_castps_si128(x)); }
inline V128 from_pd(__m128d x) { return from_xmm(_mm_castpd_si128(x)); }
#endif

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Portable definitions of the operations that also have an x86 version below. Everything else
// is defined once, directly in shard::sem.
// ---------------------------------------------------------------------------------------------
namespace portable {
using namespace detail;
inline V128 I8x16AddSatS(V128 a, V128 b) { return iadd_sat<int8_t>(a, b); }
inline V128 I8x16AddSatU(V128 a, V128 b) { return iadd_sat<uint8_t>(a, b); }
inline V128 I8x16SubSatS(V128 a, V128 b) { return isub_sat<int8_t>(a, b); }
inline V128 I8x16SubSatU(V128 a, V128 b) { return isub_sat<uint8_t>(a, b); }
inline V128 I16x8AddSatS(V128 a, V128 b) { return iadd_sat<int16_t>(a, b); }
inline V128 I16x8AddSatU(V128 a, V128 b) { return iadd_sat<uint16_t>(a, b); }
inline V128 I16x8SubSatS(V128 a, V128 b) { return isub_sat<int16_t>(a, b); }
inline V128 I16x8SubSatU(V128 a, V128 b) { return isub_sat<uint16_t>(a, b); }
inline V128 I8x16AvgrU(V128 a, V128 b) { return iavgr_u<uint8_t>(a, b); }
inline V128 I16x8AvgrU(V128 a, V128 b) { return iavgr_u<uint16_t>(a, b); }
inline V128 I8x16MinU(V128 a, V128 b) { return imin<uint8_t>(a, b); }
inline V128 I8x16MaxU(V128 a, V128 b) { return imax<uint8_t>(a, b); }
inline V128 I16x8MinS(V128 a, V128 b) { return imin<int16_t>(a, b); }
inline V128 I16x8MaxS(V128 a, V128 b) { return imax<int16_t>(a, b); }
inline V128 I16x8Mul(V128 a, V128 b) { return imul<uint16_t>(a, b); }
inline V128 I8x16NarrowI16x8S(V128 a, V128 b) { return narrow<int8_t, int16_t>(a, b); }
inline V128 I8x16NarrowI16x8U(V128 a, V128 b) { return narrow<uint8_t, int16_t>(a, b); }
inline V128 I16x8NarrowI32x4S(V128 a, V128 b) { return narrow<int16_t, int32_t>(a, b); }
inline V128 I16x8NarrowI32x4U(V128 a, V128 b) { return narrow<uint16_t, int32_t>(a, b); }
inline uint32_t I8x16Bitmask(V128 a) { return bitmask<uint8_t>(a); }
inline uint32_t I32x4Bitmask(V128 a) { return bitmask<uint32_t>(a); }
inline uint32_t I64x2Bitmask(V128 a) { return bitmask<uint64_t>(a); }

/// i32x4.dot_i16x8_s: pairwise products summed with wrap-around; only
/// (-32768 * -32768) * 2 = 2^31 wraps (exec/instructions.rst: i32x4.dot_i16x8_s).
inline V128 I32x4DotI16x8S(V128 a, V128 b) {
  Lanes<int16_t> x = unpack<int16_t>(a), y = unpack<int16_t>(b);
  Lanes<uint32_t> r;
  for (int i = 0; i < 4; ++i) {
    uint32_t p0 = uint32_t(int32_t(x.v[2 * i]) * int32_t(y.v[2 * i]));
    uint32_t p1 = uint32_t(int32_t(x.v[2 * i + 1]) * int32_t(y.v[2 * i + 1]));
    r.v[i] = p0 + p1;
  }
  return pack(r);
}
/// i8x16.swizzle: indices >= 16 select 0 (exec/instructions.rst: i8x16.swizzle).
inline V128 I8x16Swizzle(V128 a, V128 s) {
  V128 r;
  for (int i = 0; i < 16; ++i) r.bytes[i] = s.bytes[i] < 16 ? a.bytes[s.bytes[i]] : 0;
  return r;
}

inline V128 F32x4Add(V128 a, V128 b) { return map2<float, float>(a, b, F32Add); }
inline V128 F32x4Sub(V128 a, V128 b) { return map2<float, float>(a, b, F32Sub); }
inline V128 F32x4Mul(V128 a, V128 b) { return map2<float, float>(a, b, F32Mul); }
inline V128 F32x4Div(V128 a, V128 b) { return map2<float, float>(a, b, F32Div); }
inline V128 F32x4Sqrt(V128 a) { return map1<float, float>(a, F32Sqrt); }
inline V128 F64x2Add(V128 a, V128 b) { return map2<double, double>(a, b, F64Add); }
inline V128 F64x2Sub(V128 a, V128 b) { return map2<double, double>(a, b, F64Sub); }
inline V128 F64x2Mul(V128 a, V128 b) { return map2<double, double>(a, b, F64Mul); }
inline V128 F64x2Div(V128 a, V128 b) { return map2<double, double>(a, b, F64Div); }
inline V128 F64x2Sqrt(V128 a) { return map1<double, double>(a, F64Sqrt); }
inline V128 F32x4Ceil(V128 a) { return map1<float, float>(a, F32Ceil); }
inline V128 F32x4Floor(V128 a) { return map1<float, float>(a, F32Floor); }
inline V128 F32x4Trunc(V128 a) { return map1<float, float>(a, F32Trunc); }
inline V128 F32x4Nearest(V128 a) { return map1<float, float>(a, F32Nearest); }
inline V128 F64x2Ceil(V128 a) { return map1<double, double>(a, F64Ceil); }
inline V128 F64x2Floor(V128 a) { return map1<double, double>(a, F64Floor); }
inline V128 F64x2Trunc(V128 a) { return map1<double, double>(a, F64Trunc); }
inline V128 F64x2Nearest(V128 a) { return map1<double, double>(a, F64Nearest); }
}  // namespace portable

// x86 versions: each intrinsic below computes exactly the Wasm lane operation (saturation,
// rounding average, signed-input narrowing, pmaddwd's wrap of 2^31, IEEE arithmetic with the
// same NaN quieting as the scalar code, roundps with NaNs quieted and payloads kept).
#if defined(__SSE2__)
#define SHARD_SEM_X86_BIN(Id, expr)                                          \
  inline V128 Id(V128 a, V128 b) {                                           \
    const __m128i x = detail::to_xmm(a), y = detail::to_xmm(b);              \
    return detail::from_xmm(expr);                                           \
  }
#define SHARD_SEM_PORTABLE_BIN(Id) \
  inline V128 Id(V128 a, V128 b) { return portable::Id(a, b); }

SHARD_SEM_X86_BIN(I8x16AddSatS, _mm_adds_epi8(x, y))
SHARD_SEM_X86_BIN(I8x16AddSatU, _mm_adds_epu8(x, y))
SHARD_SEM_X86_BIN(I8x16SubSatS, _mm_subs_epi8(x, y))
SHARD_SEM_X86_BIN(I8x16SubSatU, _mm_subs_epu8(x, y))
SHARD_SEM_X86_BIN(I16x8AddSatS, _mm_adds_epi16(x, y))
SHARD_SEM_X86_BIN(I16x8AddSatU, _mm_adds_epu16(x, y))
SHARD_SEM_X86_BIN(I16x8SubSatS, _mm_subs_epi16(x, y))
SHARD_SEM_X86_BIN(I16x8SubSatU, _mm_subs_epu16(x, y))
SHARD_SEM_X86_BIN(I8x16AvgrU, _mm_avg_epu8(x, y))
SHARD_SEM_X86_BIN(I16x8AvgrU, _mm_avg_epu16(x, y))
SHARD_SEM_X86_BIN(I8x16MinU, _mm_min_epu8(x, y))
SHARD_SEM_X86_BIN(I8x16MaxU, _mm_max_epu8(x, y))
SHARD_SEM_X86_BIN(I16x8MinS, _mm_min_epi16(x, y))
SHARD_SEM_X86_BIN(I16x8MaxS, _mm_max_epi16(x, y))
SHARD_SEM_X86_BIN(I16x8Mul, _mm_mullo_epi16(x, y))
SHARD_SEM_X86_BIN(I8x16NarrowI16x8S, _mm_packs_epi16(x, y))
SHARD_SEM_X86_BIN(I8x16NarrowI16x8U, _mm_packus_epi16(x, y))
SHARD_SEM_X86_BIN(I16x8NarrowI32x4S, _mm_packs_epi32(x, y))
SHARD_SEM_X86_BIN(I32x4DotI16x8S, _mm_madd_epi16(x, y))
SHARD_SEM_X86_BIN(F32x4Add, _mm_castps_si128(_mm_add_ps(_mm_castsi128_ps(x), _mm_castsi128_ps(y))))
SHARD_SEM_X86_BIN(F32x4Sub, _mm_castps_si128(_mm_sub_ps(_mm_castsi128_ps(x), _mm_castsi128_ps(y))))
SHARD_SEM_X86_BIN(F32x4Mul, _mm_castps_si128(_mm_mul_ps(_mm_castsi128_ps(x), _mm_castsi128_ps(y))))
SHARD_SEM_X86_BIN(F32x4Div, _mm_castps_si128(_mm_div_ps(_mm_castsi128_ps(x), _mm_castsi128_ps(y))))
SHARD_SEM_X86_BIN(F64x2Add, _mm_castpd_si128(_mm_add_pd(_mm_castsi128_pd(x), _mm_castsi128_pd(y))))
SHARD_SEM_X86_BIN(F64x2Sub, _mm_castpd_si128(_mm_sub_pd(_mm_castsi128_pd(x), _mm_castsi128_pd(y))))
SHARD_SEM_X86_BIN(F64x2Mul, _mm_castpd_si128(_mm_mul_pd(_mm_castsi128_pd(x), _mm_castsi128_pd(y))))
SHARD_SEM_X86_BIN(F64x2Div, _mm_castpd_si128(_mm_div_pd(_mm_castsi128_pd(x), _mm_castsi128_pd(y))))
inline V128 F32x4Sqrt(V128 a) { return detail::from_ps(_mm_sqrt_ps(detail::to_ps(a))); }
inline V128 F64x2Sqrt(V128 a) { return detail::from_pd(_mm_sqrt_pd(detail::to_pd(a))); }
inline uint32_t I8x16Bitmask(V128 a) { return static_cast<uint32_t>(_mm_movemask_epi8(detail::to_xmm(a))); }
inline uint32_t I32x4Bitmask(V128 a) { return static_cast<uint32_t>(_mm_movemask_ps(detail::to_ps(a))); }
inline uint32_t I64x2Bitmask(V128 a) { return static_cast<uint32_t>(_mm_movemask_pd(detail::to_pd(a))); }
#if defined(__SSE4_1__)
SHARD_SEM_X86_BIN(I16x8NarrowI32x4U, _mm_packus_epi32(x, y))
// roundps/roundpd quiet a NaN and keep its payload, like quiet_nan in the portable code.
inline V128 F32x4Ceil(V128 a) { return detail::from_ps(_mm_round_ps(detail::to_ps(a), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC)); }
inline V128 F32x4Floor(V128 a) { return detail::from_ps(_mm_round_ps(detail::to_ps(a), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)); }
inline V128 F32x4Trunc(V128 a) { return detail::from_ps(_mm_round_ps(detail::to_ps(a), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)); }
inline V128 F32x4Nearest(V128 a) { return detail::from_ps(_mm_round_ps(detail::to_ps(a), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)); }
inline V128 F64x2Ceil(V128 a) { return detail::from_pd(_mm_round_pd(detail::to_pd(a), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC)); }
inline V128 F64x2Floor(V128 a) { return detail::from_pd(_mm_round_pd(detail::to_pd(a), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)); }
inline V128 F64x2Trunc(V128 a) { return detail::from_pd(_mm_round_pd(detail::to_pd(a), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)); }
inline V128 F64x2Nearest(V128 a) { return detail::from_pd(_mm_round_pd(detail::to_pd(a), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)); }
#else
SHARD_SEM_PORTABLE_BIN(I16x8NarrowI32x4U)
inline V128 F32x4Ceil(V128 a) { return portable::F32x4Ceil(a); }
inline V128 F32x4Floor(V128 a) { return portable::F32x4Floor(a); }
inline V128 F32x4Trunc(V128 a) { return portable::F32x4Trunc(a); }
inline V128 F32x4Nearest(V128 a) { return portable::F32x4Nearest(a); }
inline V128 F64x2Ceil(V128 a) { return portable::F64x2Ceil(a); }
inline V128 F64x2Floor(V128 a) { return portable::F64x2Floor(a); }
inline V128 F64x2Trunc(V128 a) { return portable::F64x2Trunc(a); }
inline V128 F64x2Nearest(V128 a) { return portable::F64x2Nearest(a); }
#endif
#if defined(__SSSE3__)
// pshufb zeroes a byte when bit 7 of its index is set; saturating +0x70 sets it for every
// index >= 16 and leaves the low four bits of indices < 16 alone.
SHARD_SEM_X86_BIN(I8x16Swizzle, _mm_shuffle_epi8(x, _mm_adds_epu8(y, _mm_set1_epi8(0x70))))
#else
SHARD_SEM_PORTABLE_BIN(I8x16Swizzle)
#endif
#undef SHARD_SEM_X86_BIN
#undef SHARD_SEM_PORTABLE_BIN

#else  // no SSE2: the portable definitions are the only ones
using portable::I8x16AddSatS;
using portable::I8x16AddSatU;
using portable::I8x16SubSatS;
using portable::I8x16SubSatU;
using portable::I16x8AddSatS;
using portable::I16x8AddSatU;
using portable::I16x8SubSatS;
using portable::I16x8SubSatU;
using portable::I8x16AvgrU;
using portable::I16x8AvgrU;
using portable::I8x16MinU;
using portable::I8x16MaxU;
using portable::I16x8MinS;
using portable::I16x8MaxS;
using portable::I16x8Mul;
using portable::I8x16NarrowI16x8S;
using portable::I8x16NarrowI16x8U;
using portable::I16x8NarrowI32x4S;
using portable::I16x8NarrowI32x4U;
using portable::I32x4DotI16x8S;
using portable::F32x4Add;
using portable::F32x4Sub;
using portable::F32x4Mul;
using portable::F32x4Div;
using portable::F64x2Add;
using portable::F64x2Sub;
using portable::F64x2Mul;
using portable::F64x2Div;
using portable::F32x4Sqrt;
using portable::F64x2Sqrt;
using portable::I8x16Bitmask;
using portable::I32x4Bitmask;
using portable::I64x2Bitmask;
using portable::F32x4Ceil;
using portable::F32x4Floor;
using portable::F32x4Trunc;
using portable::F32x4Nearest;
using portable::F64x2Ceil;
using portable::F64x2Floor;
using portable::F64x2Trunc;
using portable::F64x2Nearest;
using portable::I8x16Swizzle;
#endif

// ---------------------------------------------------------------------------------------------
// Everything else, defined once.
// ---------------------------------------------------------------------------------------------

/// i8x16.shuffle: index < 16 picks from a, 16..31 from b (the validator rejects >= 32).
inline V128 I8x16Shuffle(V128 a, V128 b, const uint8_t* lanes) {
  uint8_t both[32];
  std::memcpy(both, a.bytes, 16);
  std::memcpy(both + 16, b.bytes, 16);
  V128 r;
  for (int i = 0; i < 16; ++i) r.bytes[i] = both[lanes[i] & 31];
  return r;
}

// Splats take the low bits of the scalar (exec/instructions.rst: shape.splat).
inline V128 I8x16Splat(uint32_t v) { return detail::splat<uint8_t>(static_cast<uint8_t>(v)); }
inline V128 I16x8Splat(uint32_t v) { return detail::splat<uint16_t>(static_cast<uint16_t>(v)); }
inline V128 I32x4Splat(uint32_t v) { return detail::splat<uint32_t>(v); }
inline V128 I64x2Splat(uint64_t v) { return detail::splat<uint64_t>(v); }
inline V128 F32x4Splat(float v) { return detail::splat<float>(v); }
inline V128 F64x2Splat(double v) { return detail::splat<double>(v); }

// Lane access; lane indices are validated, masking only keeps a bad caller in bounds.
inline uint32_t I8x16ExtractLaneS(V128 a, uint8_t lane) { return static_cast<uint32_t>(int32_t(detail::extract<int8_t>(a, lane))); }
inline uint32_t I8x16ExtractLaneU(V128 a, uint8_t lane) { return detail::extract<uint8_t>(a, lane); }
inline uint32_t I16x8ExtractLaneS(V128 a, uint8_t lane) { return static_cast<uint32_t>(int32_t(detail::extract<int16_t>(a, lane))); }
inline uint32_t I16x8ExtractLaneU(V128 a, uint8_t lane) { return detail::extract<uint16_t>(a, lane); }
inline uint32_t I32x4ExtractLane(V128 a, uint8_t lane) { return detail::extract<uint32_t>(a, lane); }
inline uint64_t I64x2ExtractLane(V128 a, uint8_t lane) { return detail::extract<uint64_t>(a, lane); }
inline float F32x4ExtractLane(V128 a, uint8_t lane) { return detail::extract<float>(a, lane); }
inline double F64x2ExtractLane(V128 a, uint8_t lane) { return detail::extract<double>(a, lane); }
inline V128 I8x16ReplaceLane(V128 a, uint32_t v, uint8_t lane) { return detail::replace<uint8_t>(a, static_cast<uint8_t>(v), lane); }
inline V128 I16x8ReplaceLane(V128 a, uint32_t v, uint8_t lane) { return detail::replace<uint16_t>(a, static_cast<uint16_t>(v), lane); }
inline V128 I32x4ReplaceLane(V128 a, uint32_t v, uint8_t lane) { return detail::replace<uint32_t>(a, v, lane); }
inline V128 I64x2ReplaceLane(V128 a, uint64_t v, uint8_t lane) { return detail::replace<uint64_t>(a, v, lane); }
inline V128 F32x4ReplaceLane(V128 a, float v, uint8_t lane) { return detail::replace<float>(a, v, lane); }
inline V128 F64x2ReplaceLane(V128 a, double v, uint8_t lane) { return detail::replace<double>(a, v, lane); }

// Integer comparisons.
inline V128 I8x16Eq(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x == y; }); }
inline V128 I8x16Ne(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x != y; }); }
inline V128 I8x16LtS(V128 a, V128 b) { return detail::compare<int8_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 I8x16LtU(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 I8x16GtS(V128 a, V128 b) { return detail::compare<int8_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 I8x16GtU(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 I8x16LeS(V128 a, V128 b) { return detail::compare<int8_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 I8x16LeU(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 I8x16GeS(V128 a, V128 b) { return detail::compare<int8_t>(a, b, [](auto x, auto y) { return x >= y; }); }
inline V128 I8x16GeU(V128 a, V128 b) { return detail::compare<uint8_t>(a, b, [](auto x, auto y) { return x >= y; }); }
inline V128 I16x8Eq(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x == y; }); }
inline V128 I16x8Ne(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x != y; }); }
inline V128 I16x8LtS(V128 a, V128 b) { return detail::compare<int16_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 I16x8LtU(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 I16x8GtS(V128 a, V128 b) { return detail::compare<int16_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 I16x8GtU(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 I16x8LeS(V128 a, V128 b) { return detail::compare<int16_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 I16x8LeU(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 I16x8GeS(V128 a, V128 b) { return detail::compare<int16_t>(a, b, [](auto x, auto y) { return x >= y; }); }
inline V128 I16x8GeU(V128 a, V128 b) { return detail::compare<uint16_t>(a, b, [](auto x, auto y) { return x >= y; }); }
inline V128 I32x4Eq(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x == y; }); }
inline V128 I32x4Ne(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x != y; }); }
inline V128 I32x4LtS(V128 a, V128 b) { return detail::compare<int32_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 I32x4LtU(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 I32x4GtS(V128 a, V128 b) { return detail::compare<int32_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 I32x4GtU(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 I32x4LeS(V128 a, V128 b) { return detail::compare<int32_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 I32x4LeU(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 I32x4GeS(V128 a, V128 b) { return detail::compare<int32_t>(a, b, [](auto x, auto y) { return x >= y; }); }
inline V128 I32x4GeU(V128 a, V128 b) { return detail::compare<uint32_t>(a, b, [](auto x, auto y) { return x >= y; }); }
inline V128 I64x2Eq(V128 a, V128 b) { return detail::compare<uint64_t>(a, b, [](auto x, auto y) { return x == y; }); }
inline V128 I64x2Ne(V128 a, V128 b) { return detail::compare<uint64_t>(a, b, [](auto x, auto y) { return x != y; }); }
inline V128 I64x2LtS(V128 a, V128 b) { return detail::compare<int64_t>(a, b, [](auto x, auto y) { return x < y; }); }
inline V128 I64x2GtS(V128 a, V128 b) { return detail::compare<int64_t>(a, b, [](auto x, auto y) { return x > y; }); }
inline V128 I64x2LeS(V128 a, V128 b) { return detail::compare<int64_t>(a, b, [](auto x, auto y) { return x <= y; }); }
inline V128 I64x2GeS(V128 a, V128 b) { return detail::compare<int64_t>(a, b, [](auto x, auto y) { return x >= y; }); }

// Float comparisons: the scalar relations per lane, widened to a lane mask.
inline V128 F32x4Eq(V128 a, V128 b) { return detail::compare<float>(a, b, F32Eq); }
inline V128 F32x4Ne(V128 a, V128 b) { return detail::compare<float>(a, b, F32Ne); }
inline V128 F32x4Lt(V128 a, V128 b) { return detail::compare<float>(a, b, F32Lt); }
inline V128 F32x4Gt(V128 a, V128 b) { return detail::compare<float>(a, b, F32Gt); }
inline V128 F32x4Le(V128 a, V128 b) { return detail::compare<float>(a, b, F32Le); }
inline V128 F32x4Ge(V128 a, V128 b) { return detail::compare<float>(a, b, F32Ge); }
inline V128 F64x2Eq(V128 a, V128 b) { return detail::compare<double>(a, b, F64Eq); }
inline V128 F64x2Ne(V128 a, V128 b) { return detail::compare<double>(a, b, F64Ne); }
inline V128 F64x2Lt(V128 a, V128 b) { return detail::compare<double>(a, b, F64Lt); }
inline V128 F64x2Gt(V128 a, V128 b) { return detail::compare<double>(a, b, F64Gt); }
inline V128 F64x2Le(V128 a, V128 b) { return detail::compare<double>(a, b, F64Le); }
inline V128 F64x2Ge(V128 a, V128 b) { return detail::compare<double>(a, b, F64Ge); }

// Bitwise operations (exec/instructions.rst: v128.vvunop, vvbinop, vvternop).
inline V128 V128Not(V128 a) { return detail::map1<uint64_t, uint64_t>(a, [](uint64_t x) { return ~x; }); }
inline V128 V128And(V128 a, V128 b) { return detail::map2<uint64_t, uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x & y; }); }
inline V128 V128Andnot(V128 a, V128 b) { return detail::map2<uint64_t, uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x & ~y; }); }
inline V128 V128Or(V128 a, V128 b) { return detail::map2<uint64_t, uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x | y; }); }
inline V128 V128Xor(V128 a, V128 b) { return detail::map2<uint64_t, uint64_t>(a, b, [](uint64_t x, uint64_t y) { return x ^ y; }); }
/// bitselect(a, b, c): bits of a where c is 1, of b where c is 0.
inline V128 V128Bitselect(V128 a, V128 b, V128 c) {
  auto x = detail::unpack<uint64_t>(a), y = detail::unpack<uint64_t>(b), m = detail::unpack<uint64_t>(c);
  detail::Lanes<uint64_t> r;
  for (int i = 0; i < 2; ++i) r.v[i] = (x.v[i] & m.v[i]) | (y.v[i] & ~m.v[i]);
  return detail::pack(r);
}
inline uint32_t V128AnyTrue(V128 a) {
  auto x = detail::unpack<uint64_t>(a);
  return (x.v[0] | x.v[1]) != 0;
}

// i8x16
inline V128 I8x16Abs(V128 a) { return detail::iabs<uint8_t>(a); }
inline V128 I8x16Neg(V128 a) { return detail::ineg<uint8_t>(a); }
inline V128 I8x16Popcnt(V128 a) { return detail::map1<uint8_t, uint8_t>(a, [](uint8_t x) { return uint8_t(std::popcount(x)); }); }
inline uint32_t I8x16AllTrue(V128 a) { return detail::all_true<uint8_t>(a); }
inline V128 I8x16Shl(V128 a, uint32_t n) { return detail::ishl<uint8_t>(a, n); }
inline V128 I8x16ShrS(V128 a, uint32_t n) { return detail::ishr_s<uint8_t>(a, n); }
inline V128 I8x16ShrU(V128 a, uint32_t n) { return detail::ishr_u<uint8_t>(a, n); }
inline V128 I8x16Add(V128 a, V128 b) { return detail::iadd<uint8_t>(a, b); }
inline V128 I8x16Sub(V128 a, V128 b) { return detail::isub<uint8_t>(a, b); }
inline V128 I8x16MinS(V128 a, V128 b) { return detail::imin<int8_t>(a, b); }
inline V128 I8x16MaxS(V128 a, V128 b) { return detail::imax<int8_t>(a, b); }

// i16x8
inline V128 I16x8ExtaddPairwiseI8x16S(V128 a) { return detail::extadd_pairwise<int16_t, int8_t>(a); }
inline V128 I16x8ExtaddPairwiseI8x16U(V128 a) { return detail::extadd_pairwise<uint16_t, uint8_t>(a); }
inline V128 I16x8Abs(V128 a) { return detail::iabs<uint16_t>(a); }
inline V128 I16x8Neg(V128 a) { return detail::ineg<uint16_t>(a); }
/// q15mulr_sat_s: (a * b + 2^14) >> 15, saturated; only -32768 * -32768 saturates
/// (exec/numerics.rst: iq15mulrsat_s).
inline V128 I16x8Q15mulrSatS(V128 a, V128 b) {
  return detail::map2<int16_t, int16_t>(a, b, [](int16_t x, int16_t y) {
    return detail::saturate<int16_t>((int32_t(x) * int32_t(y) + 0x4000) >> 15);
  });
}
inline uint32_t I16x8AllTrue(V128 a) { return detail::all_true<uint16_t>(a); }
inline uint32_t I16x8Bitmask(V128 a) { return detail::bitmask<uint16_t>(a); }
inline V128 I16x8ExtendLowI8x16S(V128 a) { return detail::extend<int16_t, int8_t>(a, false); }
inline V128 I16x8ExtendHighI8x16S(V128 a) { return detail::extend<int16_t, int8_t>(a, true); }
inline V128 I16x8ExtendLowI8x16U(V128 a) { return detail::extend<uint16_t, uint8_t>(a, false); }
inline V128 I16x8ExtendHighI8x16U(V128 a) { return detail::extend<uint16_t, uint8_t>(a, true); }
inline V128 I16x8Shl(V128 a, uint32_t n) { return detail::ishl<uint16_t>(a, n); }
inline V128 I16x8ShrS(V128 a, uint32_t n) { return detail::ishr_s<uint16_t>(a, n); }
inline V128 I16x8ShrU(V128 a, uint32_t n) { return detail::ishr_u<uint16_t>(a, n); }
inline V128 I16x8Add(V128 a, V128 b) { return detail::iadd<uint16_t>(a, b); }
inline V128 I16x8Sub(V128 a, V128 b) { return detail::isub<uint16_t>(a, b); }
inline V128 I16x8MinU(V128 a, V128 b) { return detail::imin<uint16_t>(a, b); }
inline V128 I16x8MaxU(V128 a, V128 b) { return detail::imax<uint16_t>(a, b); }
inline V128 I16x8ExtmulLowI8x16S(V128 a, V128 b) { return detail::extmul<int16_t, int8_t>(a, b, false); }
inline V128 I16x8ExtmulHighI8x16S(V128 a, V128 b) { return detail::extmul<int16_t, int8_t>(a, b, true); }
inline V128 I16x8ExtmulLowI8x16U(V128 a, V128 b) { return detail::extmul<uint16_t, uint8_t>(a, b, false); }
inline V128 I16x8ExtmulHighI8x16U(V128 a, V128 b) { return detail::extmul<uint16_t, uint8_t>(a, b, true); }

// i32x4
inline V128 I32x4ExtaddPairwiseI16x8S(V128 a) { return detail::extadd_pairwise<int32_t, int16_t>(a); }
inline V128 I32x4ExtaddPairwiseI16x8U(V128 a) { return detail::extadd_pairwise<uint32_t, uint16_t>(a); }
inline V128 I32x4Abs(V128 a) { return detail::iabs<uint32_t>(a); }
inline V128 I32x4Neg(V128 a) { return detail::ineg<uint32_t>(a); }
inline uint32_t I32x4AllTrue(V128 a) { return detail::all_true<uint32_t>(a); }
inline V128 I32x4ExtendLowI16x8S(V128 a) { return detail::extend<int32_t, int16_t>(a, false); }
inline V128 I32x4ExtendHighI16x8S(V128 a) { return detail::extend<int32_t, int16_t>(a, true); }
inline V128 I32x4ExtendLowI16x8U(V128 a) { return detail::extend<uint32_t, uint16_t>(a, false); }
inline V128 I32x4ExtendHighI16x8U(V128 a) { return detail::extend<uint32_t, uint16_t>(a, true); }
inline V128 I32x4Shl(V128 a, uint32_t n) { return detail::ishl<uint32_t>(a, n); }
inline V128 I32x4ShrS(V128 a, uint32_t n) { return detail::ishr_s<uint32_t>(a, n); }
inline V128 I32x4ShrU(V128 a, uint32_t n) { return detail::ishr_u<uint32_t>(a, n); }
inline V128 I32x4Add(V128 a, V128 b) { return detail::iadd<uint32_t>(a, b); }
inline V128 I32x4Sub(V128 a, V128 b) { return detail::isub<uint32_t>(a, b); }
inline V128 I32x4Mul(V128 a, V128 b) { return detail::imul<uint32_t>(a, b); }
inline V128 I32x4MinS(V128 a, V128 b) { return detail::imin<int32_t>(a, b); }
inline V128 I32x4MinU(V128 a, V128 b) { return detail::imin<uint32_t>(a, b); }
inline V128 I32x4MaxS(V128 a, V128 b) { return detail::imax<int32_t>(a, b); }
inline V128 I32x4MaxU(V128 a, V128 b) { return detail::imax<uint32_t>(a, b); }
inline V128 I32x4ExtmulLowI16x8S(V128 a, V128 b) { return detail::extmul<int32_t, int16_t>(a, b, false); }
inline V128 I32x4ExtmulHighI16x8S(V128 a, V128 b) { return detail::extmul<int32_t, int16_t>(a, b, true); }
inline V128 I32x4ExtmulLowI16x8U(V128 a, V128 b) { return detail::extmul<uint32_t, uint16_t>(a, b, false); }
inline V128 I32x4ExtmulHighI16x8U(V128 a, V128 b) { return detail::extmul<uint32_t, uint16_t>(a, b, true); }

// i64x2
inline V128 I64x2Abs(V128 a) { return detail::iabs<uint64_t>(a); }
inline V128 I64x2Neg(V128 a) { return detail::ineg<uint64_t>(a); }
inline uint32_t I64x2AllTrue(V128 a) { return detail::all_true<uint64_t>(a); }
inline V128 I64x2ExtendLowI32x4S(V128 a) { return detail::extend<int64_t, int32_t>(a, false); }
inline V128 I64x2ExtendHighI32x4S(V128 a) { return detail::extend<int64_t, int32_t>(a, true); }
inline V128 I64x2ExtendLowI32x4U(V128 a) { return detail::extend<uint64_t, uint32_t>(a, false); }
inline V128 I64x2ExtendHighI32x4U(V128 a) { return detail::extend<uint64_t, uint32_t>(a, true); }
inline V128 I64x2Shl(V128 a, uint32_t n) { return detail::ishl<uint64_t>(a, n); }
inline V128 I64x2ShrS(V128 a, uint32_t n) { return detail::ishr_s<uint64_t>(a, n); }
inline V128 I64x2ShrU(V128 a, uint32_t n) { return detail::ishr_u<uint64_t>(a, n); }
inline V128 I64x2Add(V128 a, V128 b) { return detail::iadd<uint64_t>(a, b); }
inline V128 I64x2Sub(V128 a, V128 b) { return detail::isub<uint64_t>(a, b); }
inline V128 I64x2Mul(V128 a, V128 b) { return detail::imul<uint64_t>(a, b); }
inline V128 I64x2ExtmulLowI32x4S(V128 a, V128 b) { return detail::extmul<int64_t, int32_t>(a, b, false); }
inline V128 I64x2ExtmulHighI32x4S(V128 a, V128 b) { return detail::extmul<int64_t, int32_t>(a, b, true); }
inline V128 I64x2ExtmulLowI32x4U(V128 a, V128 b) { return detail::extmul<uint64_t, uint32_t>(a, b, false); }
inline V128 I64x2ExtmulHighI32x4U(V128 a, V128 b) { return detail::extmul<uint64_t, uint32_t>(a, b, true); }

// f32x4 / f64x2: the scalar operations lane by lane (exec/instructions.rst: vunop, vbinop).
inline V128 F32x4Abs(V128 a) { return detail::map1<float, float>(a, F32Abs); }
inline V128 F32x4Neg(V128 a) { return detail::map1<float, float>(a, F32Neg); }
inline V128 F32x4Min(V128 a, V128 b) { return detail::map2<float, float>(a, b, F32Min); }
inline V128 F32x4Max(V128 a, V128 b) { return detail::map2<float, float>(a, b, F32Max); }
inline V128 F64x2Abs(V128 a) { return detail::map1<double, double>(a, F64Abs); }
inline V128 F64x2Neg(V128 a) { return detail::map1<double, double>(a, F64Neg); }
inline V128 F64x2Min(V128 a, V128 b) { return detail::map2<double, double>(a, b, F64Min); }
inline V128 F64x2Max(V128 a, V128 b) { return detail::map2<double, double>(a, b, F64Max); }
// pmin/pmax return an operand unchanged, NaN payload included (exec/numerics.rst: fpmin, fpmax).
inline V128 F32x4Pmin(V128 a, V128 b) { return detail::map2<float, float>(a, b, [](float x, float y) { return y < x ? y : x; }); }
inline V128 F32x4Pmax(V128 a, V128 b) { return detail::map2<float, float>(a, b, [](float x, float y) { return x < y ? y : x; }); }
inline V128 F64x2Pmin(V128 a, V128 b) { return detail::map2<double, double>(a, b, [](double x, double y) { return y < x ? y : x; }); }
inline V128 F64x2Pmax(V128 a, V128 b) { return detail::map2<double, double>(a, b, [](double x, double y) { return x < y ? y : x; }); }

// Conversions (exec/instructions.rst: vcvtop; the _zero forms fill the upper lanes with 0).
inline V128 I32x4TruncSatF32x4S(V128 a) { return detail::map1<uint32_t, float>(a, I32TruncSatF32S); }
inline V128 I32x4TruncSatF32x4U(V128 a) { return detail::map1<uint32_t, float>(a, I32TruncSatF32U); }
inline V128 F32x4ConvertI32x4S(V128 a) { return detail::map1<float, uint32_t>(a, F32ConvertI32S); }
inline V128 F32x4ConvertI32x4U(V128 a) { return detail::map1<float, uint32_t>(a, F32ConvertI32U); }
inline V128 I32x4TruncSatF64x2SZero(V128 a) {
  auto x = detail::unpack<double>(a);
  detail::Lanes<uint32_t> r{{I32TruncSatF64S(x.v[0]), I32TruncSatF64S(x.v[1]), 0, 0}};
  return detail::pack(r);
}
inline V128 I32x4TruncSatF64x2UZero(V128 a) {
  auto x = detail::unpack<double>(a);
  detail::Lanes<uint32_t> r{{I32TruncSatF64U(x.v[0]), I32TruncSatF64U(x.v[1]), 0, 0}};
  return detail::pack(r);
}
inline V128 F64x2ConvertLowI32x4S(V128 a) {
  auto x = detail::unpack<uint32_t>(a);
  detail::Lanes<double> r{{F64ConvertI32S(x.v[0]), F64ConvertI32S(x.v[1])}};
  return detail::pack(r);
}
inline V128 F64x2ConvertLowI32x4U(V128 a) {
  auto x = detail::unpack<uint32_t>(a);
  detail::Lanes<double> r{{F64ConvertI32U(x.v[0]), F64ConvertI32U(x.v[1])}};
  return detail::pack(r);
}
inline V128 F32x4DemoteF64x2Zero(V128 a) {
  auto x = detail::unpack<double>(a);
  detail::Lanes<float> r{{F32DemoteF64(x.v[0]), F32DemoteF64(x.v[1]), 0.0f, 0.0f}};
  return detail::pack(r);
}
inline V128 F64x2PromoteLowF32x4(V128 a) {
  auto x = detail::unpack<float>(a);
  detail::Lanes<double> r{{F64PromoteF32(x.v[0]), F64PromoteF32(x.v[1])}};
  return detail::pack(r);
}

// ---------------------------------------------------------------------------------------------
// Pure lane transforms for the vector memory instructions (exec/instructions.rst: v128.loadMxN_sx,
// v128.loadN_splat, v128.loadN_zero, v128.loadN_lane, v128.storeN_lane). The interpreter reads
// or writes the little-endian bytes; these shape them.
// ---------------------------------------------------------------------------------------------

namespace detail {
template <class W, class N>
inline V128 extend_load(uint64_t bits) {
  V128 lo{};
  std::memcpy(lo.bytes, &bits, 8);  // little-endian host, as V128 itself assumes
  return extend<W, N>(lo, false);
}
}  // namespace detail

inline V128 extend_load_8x8_s(uint64_t bits) { return detail::extend_load<int16_t, int8_t>(bits); }
inline V128 extend_load_8x8_u(uint64_t bits) { return detail::extend_load<uint16_t, uint8_t>(bits); }
inline V128 extend_load_16x4_s(uint64_t bits) { return detail::extend_load<int32_t, int16_t>(bits); }
inline V128 extend_load_16x4_u(uint64_t bits) { return detail::extend_load<uint32_t, uint16_t>(bits); }
inline V128 extend_load_32x2_s(uint64_t bits) { return detail::extend_load<int64_t, int32_t>(bits); }
inline V128 extend_load_32x2_u(uint64_t bits) { return detail::extend_load<uint64_t, uint32_t>(bits); }

inline V128 load_splat_8(uint8_t v) { return detail::splat<uint8_t>(v); }
inline V128 load_splat_16(uint16_t v) { return detail::splat<uint16_t>(v); }
inline V128 load_splat_32(uint32_t v) { return detail::splat<uint32_t>(v); }
inline V128 load_splat_64(uint64_t v) { return detail::splat<uint64_t>(v); }

inline V128 load_zero_32(uint32_t v) {
  V128 r{};
  std::memcpy(r.bytes, &v, 4);
  return r;
}
inline V128 load_zero_64(uint64_t v) {
  V128 r{};
  std::memcpy(r.bytes, &v, 8);
  return r;
}

inline V128 load_lane_8(V128 a, uint8_t v, uint8_t lane) { return detail::replace<uint8_t>(a, v, lane); }
inline V128 load_lane_16(V128 a, uint16_t v, uint8_t lane) { return detail::replace<uint16_t>(a, v, lane); }
inline V128 load_lane_32(V128 a, uint32_t v, uint8_t lane) { return detail::replace<uint32_t>(a, v, lane); }
inline V128 load_lane_64(V128 a, uint64_t v, uint8_t lane) { return detail::replace<uint64_t>(a, v, lane); }
inline uint8_t store_lane_8(V128 a, uint8_t lane) { return detail::extract<uint8_t>(a, lane); }
inline uint16_t store_lane_16(V128 a, uint8_t lane) { return detail::extract<uint16_t>(a, lane); }
inline uint32_t store_lane_32(V128 a, uint8_t lane) { return detail::extract<uint32_t>(a, lane); }
inline uint64_t store_lane_64(V128 a, uint8_t lane) { return detail::extract<uint64_t>(a, lane); }

}  // namespace shard::sem
