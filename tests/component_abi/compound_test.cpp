// Lists, records, tuples, variants (and enum/option/result), flags and maps, both directions,
// with the variant flattening coercions and the traps.
#include <bit>

#include "abi_test_util.h"

using namespace shard::component::abi;
using namespace shard::component::abi::test;
using shard::Result;

namespace {

std::vector<Flat> lower_all(Guest& g, const Value& v, const ValType& t) {
  auto cx = g.cx();
  std::vector<Flat> flat;
  auto r = lower_flat(cx, v, t, flat);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return flat;
}

Result<Value> lift_all(Guest& g, const ValType& t, std::vector<Flat> flat) {
  auto cx = g.cx();
  FlatListSource src(flat);
  return lift_flat(cx, src, t);
}

void both_ways(Guest& g, const Value& v, const TypeRef& t) {
  INFO(to_string(v));
  CHECK(round_trip_flat(g, v, *t) == v);
  CHECK(round_trip_memory(g, v, *t, 64) == v);
}

}  // namespace

TEST_CASE("compound: lists", "[abi][list]") {
  Guest g;
  both_ways(g, Value::list({}), ValType::list(ValType::u32()));
  both_ways(g, Value::list({Value::u16(1), Value::u16(2), Value::u16(3)}), ValType::list(ValType::u16()));
  both_ways(g, Value::list({Value::string("a"), Value::string("\xC3\xA9t\xC3\xA9")}), ValType::list(ValType::string()));
  both_ways(g, Value::list({Value::list({Value::u8(1)}), Value::list({})}), ValType::list(ValType::list(ValType::u8())));
  both_ways(g, Value::list({Value::u64(1), Value::u64(2)}), ValType::list(ValType::u64(), 2));

  // The element array is allocated with the element's alignment and size.
  g.calls.clear();
  auto flat = lower_all(g, Value::list({Value::u64(7), Value::u64(8)}), *ValType::list(ValType::u64()));
  REQUIRE(flat.size() == 2);
  CHECK(g.calls == std::vector<ReallocCall>{{0, 0, 8, 16}});
  CHECK(flat[1].bits == 2);
  CHECK(g.get64(flat[0].bits + 8) == 8);

  // Fixed-length lists flatten like tuples and need no allocation.
  g.calls.clear();
  flat = lower_all(g, Value::list({Value::u8(1), Value::u8(2), Value::u8(3)}), *ValType::list(ValType::u8(), 3));
  CHECK(flat == std::vector<Flat>{Flat::i32(1), Flat::i32(2), Flat::i32(3)});
  CHECK(g.calls.empty());
}

TEST_CASE("compound: list traps", "[abi][list][trap]") {
  Guest g(StringEncoding::Utf8, 1024);
  auto t = ValType::list(ValType::u32());
  auto lift = [&](uint64_t ptr, uint64_t len) {
    return lift_all(g, *t, {Flat::i32(static_cast<uint32_t>(ptr)), Flat::i32(static_cast<uint32_t>(len))});
  };
  CHECK(trap_of(lift(2, 1)) == AbiTrap::MisalignedPointer);
  CHECK(trap_of(lift(1020, 2)) == AbiTrap::OutOfBounds);
  CHECK(trap_of(lift(0, 1u << 26)) == AbiTrap::ListTooLong);  // 2^28 bytes
  CHECK(trap_of(lift(0, (1u << 26) - 1)) == AbiTrap::OutOfBounds);
  CHECK(lift(1020, 1).ok());
  CHECK(lift(1024, 0).ok());
  // Element traps surface from inside the list.
  g.put32(100, 0xD800);
  CHECK(trap_of(lift_all(g, *ValType::list(ValType::char_()), {Flat::i32(96), Flat::i32(2)})) == AbiTrap::InvalidChar);
  // A fixed-length list of the wrong length is a usage error.
  auto cx = g.cx();
  std::vector<Flat> flat;
  auto r = lower_flat(cx, Value::list({Value::u8(1)}), *ValType::list(ValType::u8(), 2), flat);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == shard::ErrorKind::Usage);
}

TEST_CASE("compound: records and tuples", "[abi][record]") {
  Guest g;
  auto rec = ValType::record({{"a", ValType::u8()}, {"b", ValType::string()}, {"c", ValType::f64()}});
  both_ways(g, Value::record({Value::u8(9), Value::string("hi"), Value::f64(2.5)}), rec);
  auto tup = ValType::tuple({ValType::bool_(), ValType::s64(), ValType::char_()});
  both_ways(g, Value::tuple({Value::bool_(true), Value::s64(-5), Value::char_(U'\u20ac')}), tup);

  // Field placement in memory: u8 at 0, string at 4, f64 at 16.
  auto cx = g.cx();
  REQUIRE(store(cx, Value::record({Value::u8(9), Value::string("hi"), Value::f64(2.5)}), *rec, 200).ok());
  CHECK(g.mem.bytes[200] == 9);
  CHECK(g.bytes_at(g.get32(204), g.get32(208)) == "hi");
  CHECK(std::bit_cast<double>(g.get64(216)) == 2.5);
  // Lifted tuples keep their kind.
  CHECK(round_trip_flat(g, Value::tuple({Value::bool_(false), Value::s64(1), Value::char_('x')}), *tup).kind() ==
        TypeKind::Tuple);
}

TEST_CASE("compound: variants, enums, options, results", "[abi][variant]") {
  Guest g;
  auto v = ValType::variant({{"a", ValType::u8()}, {"b", ValType::string()}, {"c", nullptr}, {"d", ValType::f64()}});
  both_ways(g, Value::variant(0, Value::u8(200)), v);
  both_ways(g, Value::variant(1, Value::string("s")), v);
  both_ways(g, Value::variant(2), v);
  both_ways(g, Value::variant(3, Value::f64(-0.5)), v);
  both_ways(g, Value::enum_(2), ValType::enum_({"x", "y", "z"}));
  both_ways(g, Value::none(), ValType::option(ValType::u32()));
  both_ways(g, Value::some(Value::u32(4)), ValType::option(ValType::u32()));
  both_ways(g, Value::some(Value::some(Value::bool_(true))), ValType::option(ValType::option(ValType::bool_())));
  both_ways(g, Value::ok(Value::string("fine")), ValType::result(ValType::string(), ValType::u8()));
  both_ways(g, Value::err(Value::u8(3)), ValType::result(ValType::string(), ValType::u8()));
  both_ways(g, Value::ok(), ValType::result(nullptr, nullptr));
  both_ways(g, Value::err(), ValType::result(nullptr, nullptr));

  // Memory layout: discriminant then payload at max case alignment.
  auto cx = g.cx();
  REQUIRE(store(cx, Value::variant(3, Value::f64(1.0)), *v, 128).ok());
  CHECK(g.mem.bytes[128] == 3);
  CHECK(std::bit_cast<double>(g.get64(136)) == 1.0);
  // A u16 discriminant for 257 cases.
  std::vector<std::string> labels;
  for (int i = 0; i < 300; ++i) labels.push_back("l" + std::to_string(i));
  auto e = ValType::enum_(labels);
  both_ways(g, Value::enum_(299), e);
  REQUIRE(store(cx, Value::enum_(299), *e, 300).ok());
  CHECK(g.mem.bytes[300] == (299 & 0xff));
  CHECK(g.mem.bytes[301] == 1);
}

TEST_CASE("compound: variant flattening joins payload types", "[abi][variant]") {
  Guest g;
  auto v = ValType::variant({{"f", ValType::f32()}, {"i", ValType::u64()}, {"d", ValType::f64()}, {"n", nullptr}});
  // flat: [i32, i64]
  CHECK(lower_all(g, Value::variant(0, Value::f32(1.5f)), *v) ==
        std::vector<Flat>{Flat::i32(0), Flat::i64(std::bit_cast<uint32_t>(1.5f))});
  CHECK(lower_all(g, Value::variant(2, Value::f64(-2.0)), *v) ==
        std::vector<Flat>{Flat::i32(2), Flat::i64(std::bit_cast<uint64_t>(-2.0))});
  CHECK(lower_all(g, Value::variant(3), *v) == std::vector<Flat>{Flat::i32(3), Flat::i64(0)});
  both_ways(g, Value::variant(0, Value::f32(1.5f)), v);
  both_ways(g, Value::variant(1, Value::u64(UINT64_MAX)), v);
  both_ways(g, Value::variant(2, Value::f64(1e300)), v);

  // Lifting an f32 case from an i64 slot wraps to the low 32 bits first.
  auto lifted = lift_all(g, *v, {Flat::i32(0), Flat::i64(0xdeadbeef00000000ull | std::bit_cast<uint32_t>(2.0f))});
  REQUIRE(lifted.ok());
  CHECK(*lifted == Value::variant(0, Value::f32(2.0f)));
  // ... and canonicalises a NaN that arrives as integer bits.
  lifted = lift_all(g, *v, {Flat::i32(0), Flat::i64(0x7f800001)});
  CHECK(lifted->payload()->raw_bits() == 0x7fc00000);

  auto w = ValType::variant({{"a", ValType::f32()}, {"b", ValType::u32()}});  // flat [i32, i32]
  CHECK(lower_all(g, Value::variant(0, Value::f32(1.0f)), *w) ==
        std::vector<Flat>{Flat::i32(0), Flat::i32(std::bit_cast<uint32_t>(1.0f))});
  both_ways(g, Value::variant(0, Value::f32(-3.0f)), w);

  // Nested variants consume exactly their joined slots; the rest is padding.
  auto nested = ValType::variant({{"x", ValType::option(ValType::f32())}, {"y", ValType::tuple({ValType::u64(), ValType::u64()})}});
  CHECK(nested->layout(AddrType::I32).flat == std::vector<CoreType>{CoreType::I32, CoreType::I64, CoreType::I64});
  both_ways(g, Value::variant(0, Value::some(Value::f32(0.25f))), nested);
  both_ways(g, Value::variant(1, Value::tuple({Value::u64(1), Value::u64(2)})), nested);
  CHECK(lower_all(g, Value::variant(0, Value::none()), *nested) ==
        std::vector<Flat>{Flat::i32(0), Flat::i64(0), Flat::i64(0)});
}

TEST_CASE("compound: invalid discriminants trap", "[abi][variant][trap]") {
  Guest g;
  auto v = ValType::variant({{"a", ValType::u8()}, {"b", nullptr}});
  CHECK(trap_of(lift_all(g, *v, {Flat::i32(2), Flat::i32(0)})) == AbiTrap::InvalidDiscriminant);
  CHECK(trap_of(lift_all(g, *ValType::option(ValType::u8()), {Flat::i32(0xffffffff), Flat::i32(0)})) ==
        AbiTrap::InvalidDiscriminant);
  CHECK(trap_of(lift_all(g, *ValType::enum_({"a"}), {Flat::i32(1)})) == AbiTrap::InvalidDiscriminant);
  CHECK(trap_of(lift_all(g, *ValType::result(nullptr, nullptr), {Flat::i32(2)})) == AbiTrap::InvalidDiscriminant);
  g.mem.bytes[40] = 5;
  auto cx = g.cx();
  CHECK(trap_of(load(cx, 40, *v)) == AbiTrap::InvalidDiscriminant);
  CHECK(trap_of(load(cx, 40, *ValType::option(ValType::u8()))) == AbiTrap::InvalidDiscriminant);
  // A payload-bearing case needs its payload (host side).
  std::vector<Flat> flat;
  auto r = lower_flat(cx, Value::variant(0), *v, flat);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == shard::ErrorKind::Usage);
}

TEST_CASE("compound: flags", "[abi][flags]") {
  Guest g;
  for (uint32_t n : {1u, 7u, 8u, 9u, 16u, 17u, 31u, 32u, 33u, 64u, 70u}) {
    INFO(n);
    auto t = ValType::flags_n(n);
    std::vector<uint32_t> words((n + 31) / 32, 0);
    for (uint32_t i = 0; i < n; i += 3) words[i / 32] |= 1u << (i % 32);
    words.back() |= 1u << ((n - 1) % 32);
    Value v = Value::flags(words);
    both_ways(g, v, t);
    CHECK(lower_all(g, v, *t).size() == words.size());
  }
  // Packing: flag i is bit i; bits beyond the labels are ignored both ways.
  auto t9 = ValType::flags({"a", "b", "c", "d", "e", "f", "g", "h", "i"});
  auto cx = g.cx();
  REQUIRE(store(cx, Value::flags_of({true, false, false, false, false, false, false, false, true}), *t9, 20).ok());
  CHECK(g.mem.bytes[20] == 0x01);
  CHECK(g.mem.bytes[21] == 0x01);
  g.mem.bytes[20] = 0xff;
  g.mem.bytes[21] = 0xff;
  CHECK(load(cx, 20, *t9)->flag_words() == std::vector<uint32_t>{0x1ff});
  CHECK(*lift_all(g, *ValType::flags_n(3), {Flat::i32(0xfffffffd)}) == Value::flags_of({true, false, true}));
  CHECK(lower_all(g, Value::flags({0xffffffff}), *ValType::flags_n(4)) == std::vector<Flat>{Flat::i32(0xf)});
}

TEST_CASE("compound: maps are lists of pairs", "[abi][map]") {
  Guest g;
  auto t = ValType::map(ValType::string(), ValType::u32());
  Value m = Value::map({{Value::string("one"), Value::u32(1)}, {Value::string("two"), Value::u32(2)}});
  both_ways(g, m, t);
  auto flat = lower_all(g, m, *t);
  REQUIRE(flat.size() == 2);
  CHECK(flat[1].bits == 2);
  CHECK(g.get32(flat[0].bits + 12 + 8) == 2);  // second entry's value
}

TEST_CASE("compound: memory64 lists and records", "[abi][list]") {
  Guest g(StringEncoding::Utf8, 4096, AddrType::I64);
  auto t = ValType::record({{"l", ValType::list(ValType::string())}, {"x", ValType::u8()}});
  Value v = Value::record({Value::list({Value::string("a"), Value::string("bc")}), Value::u8(1)});
  both_ways(g, v, t);
  auto flat = lower_all(g, v, *t);
  REQUIRE(flat.size() == 3);
  CHECK(flat[0].type == CoreType::I64);
  CHECK(flat[1].type == CoreType::I64);
  const uint64_t elems = flat[0].bits;
  CHECK(g.get64(elems + 16 + 8) == 2);  // second string's length, 16-byte elements
}
