// Hand-picked SIMD edge cases, the load-side lane helpers, and a differential test of the x86
// fast paths against their portable definitions on random and edge-case inputs.
#include <catch2/catch.hpp>

#include <bit>
#include <cstring>
#include <random>
#include <vector>

#include "runtime/simd.h"

using namespace shard;
using namespace shard::sem;

namespace {

template <class T, class... Ts>
V128 make(Ts... vs) {
  static_assert(sizeof...(Ts) * sizeof(T) == 16);
  V128 r;
  T lanes[] = {static_cast<T>(vs)...};
  std::memcpy(r.bytes, lanes, 16);
  return r;
}
template <class T>
T lane(const V128& v, int i) {
  return v.lane<T>(i);
}

}  // namespace

TEST_CASE("simd: integer lane arithmetic edges") {
  V128 a = make<int8_t>(-128, 127, -1, 0, 100, -100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  V128 b = make<int8_t>(-1, 1, -1, 0, 100, -100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  V128 s = I8x16AddSatS(a, b);
  CHECK(lane<int8_t>(s, 0) == -128);
  CHECK(lane<int8_t>(s, 1) == 127);
  CHECK(lane<int8_t>(s, 4) == 127);
  CHECK(lane<int8_t>(s, 5) == -128);
  V128 u = I8x16SubSatU(make<uint8_t>(0, 1, 255, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                        make<uint8_t>(1, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  CHECK(lane<uint8_t>(u, 0) == 0);
  CHECK(lane<uint8_t>(u, 2) == 255);
  CHECK(lane<uint8_t>(u, 3) == 0);
  CHECK(lane<int8_t>(I8x16Abs(a), 0) == -128);  // wraps
  CHECK(lane<int8_t>(I8x16Neg(a), 0) == -128);
  CHECK(lane<uint8_t>(I8x16AvgrU(make<uint8_t>(255, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                                 make<uint8_t>(255, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                      0) == 255);
  CHECK(lane<uint8_t>(I8x16AvgrU(make<uint8_t>(255, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                                 make<uint8_t>(255, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                      1) == 1);
  V128 m = I16x8Mul(make<int16_t>(-32768, 300, 0, 0, 0, 0, 0, 0), make<int16_t>(-1, 300, 0, 0, 0, 0, 0, 0));
  CHECK(lane<int16_t>(m, 0) == -32768);
  CHECK(lane<uint16_t>(m, 1) == uint16_t(90000));
  V128 q = I16x8Q15mulrSatS(make<int16_t>(-32768, -32768, 16384, -1, 0, 0, 0, 0),
                            make<int16_t>(-32768, 32767, 16384, 1, 0, 0, 0, 0));
  CHECK(lane<int16_t>(q, 0) == 32767);
  CHECK(lane<int16_t>(q, 1) == -32767);
  CHECK(lane<int16_t>(q, 2) == 8192);
  CHECK(lane<int16_t>(q, 3) == 0);
  V128 d = I32x4DotI16x8S(make<int16_t>(-32768, -32768, 1, 2, 0, 0, 0, 0), make<int16_t>(-32768, -32768, 3, 4, 0, 0, 0, 0));
  CHECK(lane<uint32_t>(d, 0) == 0x8000'0000u);
  CHECK(lane<uint32_t>(d, 1) == 11);
  CHECK(lane<int64_t>(I64x2Abs(make<int64_t>(INT64_MIN, -5)), 0) == INT64_MIN);
  CHECK(lane<int64_t>(I64x2Abs(make<int64_t>(INT64_MIN, -5)), 1) == 5);
  CHECK(lane<uint64_t>(I64x2Mul(make<uint64_t>(~0ull, 3), make<uint64_t>(~0ull, 5)), 0) == 1);
}

TEST_CASE("simd: shifts take the count modulo the lane width") {
  V128 a = make<int8_t>(-128, 64, 1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  CHECK(lane<uint8_t>(I8x16Shl(a, 9), 1) == 128);
  CHECK(lane<int8_t>(I8x16ShrS(a, 15), 0) == -1);
  CHECK(lane<uint8_t>(I8x16ShrU(a, 15), 0) == 1);
  CHECK(lane<uint8_t>(I8x16ShrU(a, 8), 0) == 128);
  V128 w = make<int16_t>(-32768, 1, 0, 0, 0, 0, 0, 0);
  CHECK(lane<int16_t>(I16x8ShrS(w, 31), 0) == -1);
  CHECK(lane<uint16_t>(I16x8Shl(w, 16), 1) == 1);
  V128 x = make<int64_t>(INT64_MIN, 1);
  CHECK(lane<int64_t>(I64x2ShrS(x, 127), 0) == -1);
  CHECK(lane<uint64_t>(I64x2ShrU(x, 64), 0) == 0x8000'0000'0000'0000ull);
  CHECK(lane<uint64_t>(I64x2Shl(x, 65), 1) == 2);
  CHECK(lane<uint32_t>(I32x4Shl(make<uint32_t>(1, 1, 1, 1), 0xffff'ffffu), 0) == 0x8000'0000u);
}

TEST_CASE("simd: narrow, extend, extmul, extadd, bitmask, all_true") {
  V128 a = make<int16_t>(-129, 128, 255, 256, -1, 0, 127, -128);
  V128 n = I8x16NarrowI16x8S(a, a);
  CHECK(lane<int8_t>(n, 0) == -128);
  CHECK(lane<int8_t>(n, 1) == 127);
  CHECK(lane<int8_t>(n, 4) == -1);
  CHECK(lane<int8_t>(n, 15) == -128);
  V128 nu = I8x16NarrowI16x8U(a, a);
  CHECK(lane<uint8_t>(nu, 0) == 0);
  CHECK(lane<uint8_t>(nu, 2) == 255);
  CHECK(lane<uint8_t>(nu, 3) == 255);
  CHECK(lane<uint8_t>(nu, 4) == 0);  // the input is signed
  V128 nu16 = I16x8NarrowI32x4U(make<int32_t>(-1, 65536, 65535, 7), make<int32_t>(0, 0, 0, INT32_MIN));
  CHECK(lane<uint16_t>(nu16, 0) == 0);
  CHECK(lane<uint16_t>(nu16, 1) == 65535);
  CHECK(lane<uint16_t>(nu16, 2) == 65535);
  CHECK(lane<uint16_t>(nu16, 7) == 0);
  V128 b = make<int8_t>(-1, 2, 3, 4, 5, 6, 7, 8, -128, 10, 11, 12, 13, 14, 15, -2);
  CHECK(lane<int16_t>(I16x8ExtendLowI8x16S(b), 0) == -1);
  CHECK(lane<uint16_t>(I16x8ExtendLowI8x16U(b), 0) == 255);
  CHECK(lane<int16_t>(I16x8ExtendHighI8x16S(b), 0) == -128);
  CHECK(lane<int16_t>(I16x8ExtendHighI8x16S(b), 7) == -2);
  CHECK(lane<int16_t>(I16x8ExtmulHighI8x16S(b, b), 0) == 16384);
  CHECK(lane<uint16_t>(I16x8ExtmulLowI8x16U(b, b), 0) == 65025);
  V128 c = make<uint16_t>(65535, 65535, 0, 0, 0, 0, 0, 0);
  CHECK(lane<uint32_t>(I32x4ExtmulLowI16x8U(c, c), 0) == 4294836225u);
  CHECK(lane<int32_t>(I32x4ExtmulLowI16x8S(c, c), 0) == 1);
  CHECK(lane<uint32_t>(I32x4ExtaddPairwiseI16x8U(c), 0) == 131070u);
  CHECK(lane<int32_t>(I32x4ExtaddPairwiseI16x8S(c), 0) == -2);
  V128 e = make<uint32_t>(0xffff'ffffu, 0xffff'ffffu, 0, 0);
  CHECK(lane<uint64_t>(I64x2ExtmulLowI32x4U(e, e), 0) == 0xffff'fffe'0000'0001ull);
  CHECK(lane<int64_t>(I64x2ExtmulLowI32x4S(e, e), 0) == 1);
  CHECK(I8x16Bitmask(b) == ((1u << 0) | (1u << 8) | (1u << 15)));
  CHECK(I16x8Bitmask(a) == ((1u << 0) | (1u << 4) | (1u << 7)));
  CHECK(I32x4Bitmask(make<int32_t>(-1, 0, INT32_MIN, 1)) == 5u);
  CHECK(I64x2Bitmask(make<int64_t>(0, -1)) == 2u);
  CHECK(I8x16AllTrue(b) == 1);
  CHECK(I16x8AllTrue(a) == 0);
  CHECK(I64x2AllTrue(make<uint64_t>(1ull << 63, 1)) == 1);
  CHECK(V128AnyTrue(make<uint64_t>(0, 1ull << 63)) == 1);
  CHECK(V128AnyTrue(V128{}) == 0);
}

TEST_CASE("simd: swizzle, shuffle, lanes, splat, bitselect") {
  V128 a = make<uint8_t>(10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25);
  V128 b = make<uint8_t>(30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45);
  V128 idx = make<uint8_t>(0, 15, 16, 255, 128, 17, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x8f);
  V128 s = I8x16Swizzle(a, idx);
  CHECK(lane<uint8_t>(s, 0) == 10);
  CHECK(lane<uint8_t>(s, 1) == 25);
  CHECK(lane<uint8_t>(s, 2) == 0);
  CHECK(lane<uint8_t>(s, 3) == 0);
  CHECK(lane<uint8_t>(s, 4) == 0);
  CHECK(lane<uint8_t>(s, 5) == 0);
  CHECK(lane<uint8_t>(s, 15) == 0);
  const uint8_t sh[16] = {0, 31, 16, 15, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22};
  V128 r = I8x16Shuffle(a, b, sh);
  CHECK(lane<uint8_t>(r, 0) == 10);
  CHECK(lane<uint8_t>(r, 1) == 45);
  CHECK(lane<uint8_t>(r, 2) == 30);
  CHECK(lane<uint8_t>(r, 3) == 25);
  CHECK(I8x16ExtractLaneS(make<int8_t>(0, 0, 0, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 3) == uint32_t(-3));
  CHECK(I8x16ExtractLaneU(make<int8_t>(0, 0, 0, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 3) == 253u);
  CHECK(I16x8ExtractLaneS(make<int16_t>(0, 0, 0, 0, 0, 0, 0, -2), 7) == uint32_t(-2));
  CHECK(lane<uint16_t>(I16x8ReplaceLane(V128{}, 0x12345, 2), 2) == 0x2345);
  CHECK(lane<uint8_t>(I8x16Splat(0x1ff), 9) == 0xff);
  CHECK(std::bit_cast<uint32_t>(F32x4ExtractLane(F32x4Splat(std::bit_cast<float>(0x7f80'0001u)), 3)) == 0x7f80'0001u);
  CHECK(std::bit_cast<uint64_t>(F64x2ExtractLane(F64x2ReplaceLane(V128{}, -0.0, 1), 1)) == 0x8000'0000'0000'0000ull);
  CHECK(I64x2ExtractLane(I64x2Splat(0x1122334455667788ull), 1) == 0x1122334455667788ull);
  V128 sel = V128Bitselect(make<uint64_t>(~0ull, 0), make<uint64_t>(0, ~0ull), make<uint64_t>(0xf0f0ull, 0xff00ull));
  CHECK(lane<uint64_t>(sel, 0) == 0xf0f0ull);
  CHECK(lane<uint64_t>(sel, 1) == ~0xff00ull);
  CHECK(lane<uint64_t>(V128Andnot(make<uint64_t>(0xff, 0), make<uint64_t>(0x0f, 0)), 0) == 0xf0);
  CHECK(lane<uint8_t>(I8x16Popcnt(make<uint8_t>(255, 0, 0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), 0) == 8);
}

TEST_CASE("simd: float lanes") {
  const float snan = std::bit_cast<float>(0x7f80'0001u);
  V128 a = make<float>(0.0f, -0.0f, snan, 1.0f);
  V128 b = make<float>(-0.0f, 0.0f, 1.0f, snan);
  V128 mn = F32x4Min(a, b);
  CHECK(lane<uint32_t>(mn, 0) == 0x8000'0000u);
  CHECK(lane<uint32_t>(mn, 1) == 0x8000'0000u);
  CHECK((lane<uint32_t>(mn, 2) & 0x7fc0'0000u) == 0x7fc0'0000u);
  CHECK((lane<uint32_t>(mn, 3) & 0x7fc0'0000u) == 0x7fc0'0000u);
  // pmin(a, b) = b < a ? b : a returns operands untouched (NaN payloads included).
  V128 pm = F32x4Pmin(a, b);
  CHECK(lane<uint32_t>(pm, 0) == 0);
  CHECK(lane<uint32_t>(pm, 1) == 0x8000'0000u);
  CHECK(lane<uint32_t>(pm, 2) == 0x7f80'0001u);
  CHECK(lane<float>(pm, 3) == 1.0f);
  V128 px = F64x2Pmax(make<double>(std::bit_cast<double>(0x7ff0'0000'0000'0001ull), -0.0), make<double>(1.0, 0.0));
  CHECK(lane<uint64_t>(px, 0) == 0x7ff0'0000'0000'0001ull);
  CHECK(lane<uint64_t>(px, 1) == 0x8000'0000'0000'0000ull);
  V128 ne = F32x4Ne(a, a);
  CHECK(lane<uint32_t>(ne, 0) == 0);
  CHECK(lane<uint32_t>(ne, 2) == 0xffff'ffffu);
  V128 rn = F32x4Nearest(make<float>(2.5f, -0.5f, 3.5f, snan));
  CHECK(lane<float>(rn, 0) == 2.0f);
  CHECK(lane<uint32_t>(rn, 1) == 0x8000'0000u);
  CHECK(lane<float>(rn, 2) == 4.0f);
  CHECK(lane<uint32_t>(rn, 3) == 0x7fc0'0001u);
  CHECK(lane<uint32_t>(F32x4Neg(a), 2) == 0xff80'0001u);
  CHECK(lane<uint64_t>(F64x2Abs(make<double>(-0.0, -1.0)), 0) == 0);
}

TEST_CASE("simd: conversions") {
  V128 t = I32x4TruncSatF32x4S(make<float>(std::bit_cast<float>(0x7fc0'0000u), 3e9f, -3e9f, -1.9f));
  CHECK(lane<int32_t>(t, 0) == 0);
  CHECK(lane<int32_t>(t, 1) == INT32_MAX);
  CHECK(lane<int32_t>(t, 2) == INT32_MIN);
  CHECK(lane<int32_t>(t, 3) == -1);
  V128 tu = I32x4TruncSatF64x2UZero(make<double>(-1.0, 4294967296.0));
  CHECK(lane<uint32_t>(tu, 0) == 0);
  CHECK(lane<uint32_t>(tu, 1) == 0xffff'ffffu);
  CHECK(lane<uint64_t>(tu, 1) == 0);
  V128 cv = F32x4ConvertI32x4U(make<uint32_t>(0xffff'ffffu, 16777217u, 0, 1));
  CHECK(lane<float>(cv, 0) == 4294967296.0f);
  CHECK(lane<float>(cv, 1) == 16777216.0f);
  V128 cl = F64x2ConvertLowI32x4S(make<int32_t>(INT32_MIN, -1, 5, 6));
  CHECK(lane<double>(cl, 0) == -2147483648.0);
  CHECK(lane<double>(cl, 1) == -1.0);
  V128 dz = F32x4DemoteF64x2Zero(make<double>(std::bit_cast<double>(0x7ff8'0000'0000'0000ull), 1e300));
  CHECK(lane<uint32_t>(dz, 0) == 0x7fc0'0000u);
  CHECK(lane<float>(dz, 1) == INFINITY);
  CHECK(lane<uint64_t>(dz, 1) == 0);
  V128 pl = F64x2PromoteLowF32x4(make<float>(0x1p-149f, std::bit_cast<float>(0x7fc0'0000u), 9.0f, 9.0f));
  CHECK(lane<double>(pl, 0) == 0x1p-149);
  CHECK(lane<uint64_t>(pl, 1) == 0x7ff8'0000'0000'0000ull);
}

TEST_CASE("simd: load-side lane helpers") {
  V128 e = extend_load_8x8_s(0x80ff'0102'0304'057full);
  CHECK(lane<int16_t>(e, 0) == 0x7f);
  CHECK(lane<int16_t>(e, 6) == -1);
  CHECK(lane<int16_t>(e, 7) == -128);
  CHECK(lane<uint16_t>(extend_load_8x8_u(0x80ff'0000'0000'0000ull), 7) == 0x80);
  CHECK(lane<int32_t>(extend_load_16x4_s(0x8000'0000'0000'0000ull), 3) == -32768);
  CHECK(lane<uint32_t>(extend_load_16x4_u(0x8000'0000'0000'0000ull), 3) == 32768u);
  CHECK(lane<int64_t>(extend_load_32x2_s(0xffff'ffff'0000'0001ull), 1) == -1);
  CHECK(lane<uint64_t>(extend_load_32x2_u(0xffff'ffff'0000'0001ull), 1) == 0xffff'ffffull);
  CHECK(lane<uint16_t>(load_splat_16(0xbeef), 7) == 0xbeef);
  CHECK(lane<uint64_t>(load_splat_64(42), 1) == 42);
  V128 z = load_zero_32(0xdeadbeef);
  CHECK(lane<uint32_t>(z, 0) == 0xdeadbeefu);
  CHECK(lane<uint32_t>(z, 1) == 0);
  CHECK(lane<uint64_t>(load_zero_64(~0ull), 1) == 0);
  V128 l = load_lane_16(V128{}, 0xabcd, 5);
  CHECK(store_lane_16(l, 5) == 0xabcd);
  CHECK(store_lane_8(l, 10) == 0xcd);
  CHECK(store_lane_64(load_lane_64(V128{}, 7, 1), 1) == 7);
  CHECK(store_lane_32(load_lane_32(V128{}, 9, 3), 3) == 9);
  CHECK(store_lane_8(load_lane_8(V128{}, 9, 15), 15) == 9);
}

TEST_CASE("simd: x86 fast paths agree with the portable definitions") {
  // Inputs: random bits plus lanes full of edge values (0, -1, min/max of every width, NaNs,
  // zeros of both signs, ties for rounding).
  std::mt19937_64 rng(12345);
  std::vector<V128> inputs;
  for (int i = 0; i < 2000; ++i) {
    V128 v;
    uint64_t w[2] = {rng(), rng()};
    std::memcpy(v.bytes, w, 16);
    inputs.push_back(v);
  }
  inputs.push_back(make<uint8_t>(0, 1, 0x7f, 0x80, 0xff, 0x10, 0x0f, 0x8f, 0x90, 16, 31, 32, 255, 254, 0x70, 0x71));
  inputs.push_back(make<int16_t>(-32768, 32767, -1, 0, 255, 256, -129, 128));
  inputs.push_back(make<int32_t>(INT32_MIN, INT32_MAX, 65535, -65536));
  inputs.push_back(make<float>(0.5f, -2.5f, std::bit_cast<float>(0x7f80'0001u), -0.0f));
  inputs.push_back(make<float>(INFINITY, std::bit_cast<float>(0xffc0'0000u), 8388607.5f, -1e30f));
  inputs.push_back(make<double>(-0.5, std::bit_cast<double>(0x7ff0'0000'0000'0001ull)));
  inputs.push_back(make<double>(4503599627370495.5, -INFINITY));
  using Bin = V128 (*)(V128, V128);
  using Un = V128 (*)(V128);
  using Mask = uint32_t (*)(V128);
  struct BinCase { const char* name; Bin fast; Bin portable; };
  struct UnCase { const char* name; Un fast; Un portable; };
  struct MaskCase { const char* name; Mask fast; Mask portable; };
#define BIN(id) BinCase{#id, &sem::id, &sem::portable::id}
#define UN(id) UnCase{#id, &sem::id, &sem::portable::id}
#define MASK(id) MaskCase{#id, &sem::id, &sem::portable::id}
  const BinCase bins[] = {BIN(I8x16AddSatS), BIN(I8x16AddSatU), BIN(I8x16SubSatS), BIN(I8x16SubSatU),
                          BIN(I16x8AddSatS), BIN(I16x8AddSatU), BIN(I16x8SubSatS), BIN(I16x8SubSatU),
                          BIN(I8x16AvgrU), BIN(I16x8AvgrU), BIN(I8x16MinU), BIN(I8x16MaxU),
                          BIN(I16x8MinS), BIN(I16x8MaxS), BIN(I16x8Mul), BIN(I8x16NarrowI16x8S),
                          BIN(I8x16NarrowI16x8U), BIN(I16x8NarrowI32x4S), BIN(I16x8NarrowI32x4U),
                          BIN(I32x4DotI16x8S), BIN(I8x16Swizzle), BIN(F32x4Add), BIN(F32x4Sub),
                          BIN(F32x4Mul), BIN(F32x4Div), BIN(F64x2Add), BIN(F64x2Sub), BIN(F64x2Mul),
                          BIN(F64x2Div)};
  const UnCase uns[] = {UN(F32x4Sqrt), UN(F64x2Sqrt), UN(F32x4Ceil), UN(F32x4Floor), UN(F32x4Trunc),
                        UN(F32x4Nearest), UN(F64x2Ceil), UN(F64x2Floor), UN(F64x2Trunc), UN(F64x2Nearest)};
  const MaskCase masks[] = {MASK(I8x16Bitmask), MASK(I32x4Bitmask), MASK(I64x2Bitmask)};
#undef BIN
#undef UN
#undef MASK
  for (const BinCase& c : bins) {
    INFO(c.name);
    int mismatches = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const V128& x = inputs[i];
      const V128& y = inputs[(i * 7 + 3) % inputs.size()];
      mismatches += !(c.fast(x, y) == c.portable(x, y));
      mismatches += !(c.fast(x, x) == c.portable(x, x));
    }
    CHECK(mismatches == 0);
  }
  for (const UnCase& c : uns) {
    INFO(c.name);
    int mismatches = 0;
    for (const V128& x : inputs) mismatches += !(c.fast(x) == c.portable(x));
    CHECK(mismatches == 0);
  }
  for (const MaskCase& c : masks) {
    INFO(c.name);
    int mismatches = 0;
    for (const V128& x : inputs) mismatches += c.fast(x) != c.portable(x);
    CHECK(mismatches == 0);
  }
}
