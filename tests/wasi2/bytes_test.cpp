// Byte lists (list<u8>, list<s8>) as the canonical ABI lifts and lowers them for WASI streams:
// one copy of the bytes, not a Value per byte, and indistinguishable from an element list to
// every other consumer (equality, shape checks, element access).
#include "../component_abi/abi_test_util.h"

using namespace shard::component::abi;
using namespace shard::component::abi::test;

TEST_CASE("wasi2: byte lists lift packed and lower with one copy", "[wasi2][abi]") {
  Guest g;
  g.put_bytes(100, "hello");
  g.put32(8, 100);
  g.put32(12, 5);
  auto cx = g.cx();
  auto bytes_t = ValType::list(ValType::u8());
  auto v = load(cx, 8, *bytes_t);
  REQUIRE(v.ok());
  CHECK(v->is_bytes());
  CHECK(v->byte_view() == "hello");
  // generic consumers see elements
  REQUIRE(v->items().size() == 5);
  CHECK(v->items()[1] == Value::u8('e'));
  CHECK(*v == Value::list({Value::u8('h'), Value::u8('e'), Value::u8('l'), Value::u8('l'), Value::u8('o')}));
  CHECK(Value::list({Value::u8('h')}) != *v);
  CHECK(value_matches(*v, *bytes_t));
  CHECK(value_matches(*v, *ValType::list(ValType::u8(), 5)));
  CHECK_FALSE(value_matches(*v, *ValType::list(ValType::u8(), 4)));
  CHECK_FALSE(value_matches(*v, *ValType::list(ValType::u32())));

  // s8 keeps its sign
  g.put_bytes(200, "\xff\x01");
  g.put32(16, 200);
  g.put32(20, 2);
  auto s = load(cx, 16, *ValType::list(ValType::s8()));
  REQUIRE(s.ok());
  CHECK(s->items()[0] == Value::s8(-1));

  // lowering a packed list: one realloc of the exact size, then the bytes
  Value out = Value::bytes("stream data");
  REQUIRE(store(cx, out, *bytes_t, 24).ok());
  REQUIRE(g.calls.size() == 1);
  CHECK(g.calls[0].new_size == 11);
  CHECK(g.calls[0].align == 1);
  CHECK(g.get32(28) == 11);
  CHECK(g.bytes_at(g.get32(24), 11) == "stream data");

  // changing the elements unpacks for good
  Value m = Value::bytes("ab");
  m.items()[0] = Value::u8('z');
  CHECK_FALSE(m.is_bytes());
  CHECK(m == Value::list({Value::u8('z'), Value::u8('b')}));

  // out of bounds stays a trap
  g.put32(32, 4090);
  g.put32(36, 100);
  CHECK_FALSE(load(cx, 32, *bytes_t).ok());
}
