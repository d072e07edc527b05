// Scalars both ways (flat and memory): bool, integers, floats with NaN canonicalisation, char.
#include <bit>
#include <cmath>
#include <limits>

#include "abi_test_util.h"

using namespace shard::component::abi;
using namespace shard::component::abi::test;
using shard::Result;

namespace {

Result<Value> lift_one(Guest& g, const ValType& t, Flat f) {
  auto cx = g.cx();
  std::vector<Flat> flat{f};
  FlatListSource src(flat);
  return lift_flat(cx, src, t);
}

std::vector<Flat> lower_one(Guest& g, const Value& v, const ValType& t) {
  auto cx = g.cx();
  std::vector<Flat> flat;
  REQUIRE(lower_flat(cx, v, t, flat).ok());
  return flat;
}

}  // namespace

TEST_CASE("scalars: round trips through flat values and memory", "[abi][scalar]") {
  Guest g;
  const std::vector<std::pair<Value, TypeRef>> cases = {
      {Value::bool_(true), ValType::bool_()},        {Value::bool_(false), ValType::bool_()},
      {Value::s8(-128), ValType::s8()},              {Value::u8(255), ValType::u8()},
      {Value::s16(-32768), ValType::s16()},          {Value::u16(65535), ValType::u16()},
      {Value::s32(INT32_MIN), ValType::s32()},       {Value::u32(UINT32_MAX), ValType::u32()},
      {Value::s64(INT64_MIN), ValType::s64()},       {Value::u64(UINT64_MAX), ValType::u64()},
      {Value::f32(-1.5f), ValType::f32()},           {Value::f64(3.25e300), ValType::f64()},
      {Value::f32(-0.0f), ValType::f32()},           {Value::f64(std::numeric_limits<double>::infinity()), ValType::f64()},
      {Value::char_(U'A'), ValType::char_()},        {Value::char_(0x10FFFF), ValType::char_()},
      {Value::char_(0xD7FF), ValType::char_()},      {Value::char_(0xE000), ValType::char_()},
  };
  for (const auto& [v, t] : cases) {
    INFO(to_string(v));
    CHECK(round_trip_flat(g, v, *t) == v);
    CHECK(round_trip_memory(g, v, *t, 128) == v);
  }
}

TEST_CASE("scalars: core representation", "[abi][scalar]") {
  Guest g;
  CHECK(lower_one(g, Value::s8(-1), *ValType::s8()) == std::vector<Flat>{Flat::i32(0xffffffff)});
  CHECK(lower_one(g, Value::s64(-2), *ValType::s64()) == std::vector<Flat>{Flat::i64(0xfffffffffffffffe)});
  CHECK(lower_one(g, Value::u16(7), *ValType::u16()) == std::vector<Flat>{Flat::i32(7)});
  CHECK(lower_one(g, Value::bool_(true), *ValType::bool_()) == std::vector<Flat>{Flat::i32(1)});
  CHECK(lower_one(g, Value::f32(1.0f), *ValType::f32()) == std::vector<Flat>{Flat::f32(1.0f)});
  CHECK(lower_one(g, Value::char_(U'é'), *ValType::char_()) == std::vector<Flat>{Flat::i32(0xE9)});

  auto cx = g.cx();
  REQUIRE(store(cx, Value::s16(-2), *ValType::s16(), 10).ok());
  CHECK(g.mem.bytes[10] == 0xfe);
  CHECK(g.mem.bytes[11] == 0xff);
  REQUIRE(store(cx, Value::u64(0x0102030405060708), *ValType::u64(), 16).ok());
  CHECK(g.get64(16) == 0x0102030405060708);
}

TEST_CASE("scalars: lifting wraps integers to the type's width and reads any non-zero as true", "[abi][scalar]") {
  Guest g;
  CHECK(*lift_one(g, *ValType::u8(), Flat::i32(0x1ff)) == Value::u8(0xff));
  CHECK(*lift_one(g, *ValType::s8(), Flat::i32(0x80)) == Value::s8(-128));
  CHECK(*lift_one(g, *ValType::s16(), Flat::i32(0x12348000)) == Value::s16(-32768));
  CHECK(*lift_one(g, *ValType::u16(), Flat::i32(0xffff0001)) == Value::u16(1));
  CHECK(*lift_one(g, *ValType::s32(), Flat::i32(0xffffffff)) == Value::s32(-1));
  // convert_int_to_bool: no trap for values other than 0/1 (§ Loading).
  CHECK(*lift_one(g, *ValType::bool_(), Flat::i32(2)) == Value::bool_(true));
  CHECK(*lift_one(g, *ValType::bool_(), Flat::i32(0x80000000)) == Value::bool_(true));
  g.mem.bytes[5] = 7;
  auto cx = g.cx();
  CHECK(*load(cx, 5, *ValType::bool_()) == Value::bool_(true));
}

TEST_CASE("scalars: NaNs are canonicalised in both directions", "[abi][scalar]") {
  Guest g;
  const uint32_t payload_nan32 = 0xffc12345;
  const uint64_t payload_nan64 = 0xfff0000000000123;
  auto l32 = lift_one(g, *ValType::f32(), Flat{CoreType::F32, payload_nan32});
  REQUIRE(l32.ok());
  CHECK(l32->raw_bits() == 0x7fc00000);
  CHECK(std::isnan(l32->as_f32()));
  auto l64 = lift_one(g, *ValType::f64(), Flat{CoreType::F64, payload_nan64});
  CHECK(l64->raw_bits() == 0x7ff8000000000000);

  CHECK(lower_one(g, Value::f32(std::bit_cast<float>(payload_nan32)), *ValType::f32())[0].bits == 0x7fc00000);
  CHECK(lower_one(g, Value::f64(std::bit_cast<double>(payload_nan64)), *ValType::f64())[0].bits == 0x7ff8000000000000);

  g.put32(32, 0x7f800001);  // signalling NaN in memory
  auto cx = g.cx();
  CHECK(load(cx, 32, *ValType::f32())->raw_bits() == 0x7fc00000);
  REQUIRE(store(cx, Value::f64(std::bit_cast<double>(payload_nan64)), *ValType::f64(), 40).ok());
  CHECK(g.get64(40) == 0x7ff8000000000000);
  // Infinities are not NaNs.
  CHECK(lift_one(g, *ValType::f32(), Flat{CoreType::F32, 0x7f800000})->raw_bits() == 0x7f800000);
}

TEST_CASE("scalars: char must be a Unicode scalar value", "[abi][scalar][trap]") {
  Guest g;
  for (uint32_t bad : {0xD800u, 0xDBFFu, 0xDC00u, 0xDFFFu, 0x110000u, 0xffffffffu}) {
    INFO(bad);
    CHECK(trap_of(lift_one(g, *ValType::char_(), Flat::i32(bad))) == AbiTrap::InvalidChar);
    g.put32(64, bad);
    auto cx = g.cx();
    CHECK(trap_of(load(cx, 64, *ValType::char_())) == AbiTrap::InvalidChar);
  }
  // The host cannot lower an invalid char either (a Usage error, not a trap).
  auto cx = g.cx();
  std::vector<Flat> flat;
  auto r = lower_flat(cx, Value::char_(0xD800), *ValType::char_(), flat);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == shard::ErrorKind::Usage);
}

TEST_CASE("scalars: load/store check alignment and bounds", "[abi][scalar][trap]") {
  Guest g(StringEncoding::Utf8, 64);
  auto cx = g.cx();
  CHECK(trap_of(load(cx, 2, *ValType::u32())) == AbiTrap::MisalignedPointer);
  CHECK(trap_of(load(cx, 64, *ValType::u8())) == AbiTrap::OutOfBounds);
  CHECK(trap_of(load(cx, 60, *ValType::u64())) == AbiTrap::MisalignedPointer);
  CHECK(trap_of(load(cx, 64, *ValType::u64())) == AbiTrap::OutOfBounds);
  CHECK(trap_of(load(cx, UINT64_MAX - 7, *ValType::u64())) == AbiTrap::OutOfBounds);
  CHECK(trap_of(store(cx, Value::u16(1), *ValType::u16(), 1)) == AbiTrap::MisalignedPointer);
  CHECK(trap_of(store(cx, Value::u16(1), *ValType::u16(), 64)) == AbiTrap::OutOfBounds);
  CHECK(load(cx, 63, *ValType::u8()).ok());
}

TEST_CASE("scalars: a value of the wrong kind is a usage error", "[abi][scalar]") {
  Guest g;
  auto cx = g.cx();
  std::vector<Flat> flat;
  auto r = lower_flat(cx, Value::u8(1), *ValType::s8(), flat);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == shard::ErrorKind::Usage);
  CHECK(flat.empty());
  auto s = store(cx, Value::string("x"), *ValType::u32(), 0);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == shard::ErrorKind::Usage);
}

TEST_CASE("scalars: missing memory option is a usage error", "[abi][scalar]") {
  Guest g;
  g.opts.memory = nullptr;
  auto cx = g.cx();
  auto r = load(cx, 0, *ValType::u8());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == shard::ErrorKind::Usage);
  // Scalars need no memory when flat.
  CHECK(round_trip_flat(g, Value::u32(5), *ValType::u32()) == Value::u32(5));
}
