// CanonicalABI.md § Alignment, § Element Size, § Flattening: the static layout of every type.
#include "abi_test_util.h"

using namespace shard::component::abi;
using C = CoreType;
using V = std::vector<CoreType>;

namespace {

void check(const TypeRef& t, uint32_t align, uint64_t size, V flat, AddrType a = AddrType::I32) {
  INFO(to_string(t->kind));
  CHECK(t->alignment(a) == align);
  CHECK(t->elem_size(a) == size);
  CHECK(t->layout(a).flat == flat);
  CHECK(t->layout(a).flat_count == flat.size());
}

}  // namespace

TEST_CASE("layout: primitive types", "[abi][layout]") {
  check(ValType::bool_(), 1, 1, {C::I32});
  check(ValType::s8(), 1, 1, {C::I32});
  check(ValType::u8(), 1, 1, {C::I32});
  check(ValType::s16(), 2, 2, {C::I32});
  check(ValType::u16(), 2, 2, {C::I32});
  check(ValType::s32(), 4, 4, {C::I32});
  check(ValType::u32(), 4, 4, {C::I32});
  check(ValType::s64(), 8, 8, {C::I64});
  check(ValType::u64(), 8, 8, {C::I64});
  check(ValType::f32(), 4, 4, {C::F32});
  check(ValType::f64(), 8, 8, {C::F64});
  check(ValType::char_(), 4, 4, {C::I32});
  check(ValType::string(), 4, 8, {C::I32, C::I32});
  check(ValType::string(), 8, 16, {C::I64, C::I64}, AddrType::I64);
  check(ValType::own(nullptr), 4, 4, {C::I32});
  check(ValType::borrow(nullptr), 4, 4, {C::I32}, AddrType::I64);
}

TEST_CASE("layout: lists, records, tuples", "[abi][layout]") {
  check(ValType::list(ValType::u8()), 4, 8, {C::I32, C::I32});
  check(ValType::list(ValType::u64()), 8, 16, {C::I64, C::I64}, AddrType::I64);
  check(ValType::list(ValType::u16(), 3), 2, 6, {C::I32, C::I32, C::I32});
  check(ValType::list(ValType::string(), 2), 4, 16, {C::I32, C::I32, C::I32, C::I32});

  auto r = ValType::record({{"a", ValType::u8()}, {"b", ValType::u32()}, {"c", ValType::u16()}});
  check(r, 4, 12, {C::I32, C::I32, C::I32});
  CHECK(r->layout(AddrType::I32).field_offsets == std::vector<uint64_t>{0, 4, 8});

  auto t = ValType::tuple({ValType::u8(), ValType::u64(), ValType::f32()});
  check(t, 8, 24, {C::I32, C::I64, C::F32});
  CHECK(t->layout(AddrType::I32).field_offsets == std::vector<uint64_t>{0, 8, 16});
  CHECK(t->fields[1].label == "1");

  auto nested = ValType::record({{"s", ValType::string()}, {"x", ValType::u8()}});
  check(nested, 8, 24, {C::I64, C::I64, C::I32}, AddrType::I64);

  auto m = ValType::map(ValType::string(), ValType::u32());
  check(m, 4, 8, {C::I32, C::I32});
  CHECK(m->elem->elem_size(AddrType::I32) == 12);
}

TEST_CASE("layout: variants and their joined flattening", "[abi][layout]") {
  auto v = ValType::variant({{"a", ValType::u8()}, {"b", ValType::f32()}, {"c", nullptr}});
  check(v, 4, 8, {C::I32, C::I32});
  CHECK(v->layout(AddrType::I32).disc_size == 1);
  CHECK(v->layout(AddrType::I32).payload_offset == 4);

  check(ValType::variant({{"a", ValType::f32()}, {"b", ValType::f64()}}), 8, 16, {C::I32, C::I64});
  check(ValType::variant({{"a", ValType::u32()}, {"b", ValType::tuple({ValType::f32(), ValType::u64()})}}), 8, 24,
        {C::I32, C::I32, C::I64});
  check(ValType::variant({{"a", ValType::f32()}, {"b", ValType::f32()}}), 4, 8, {C::I32, C::F32});

  check(ValType::option(ValType::string()), 4, 12, {C::I32, C::I32, C::I32});
  check(ValType::option(ValType::u8()), 1, 2, {C::I32, C::I32});
  check(ValType::result(ValType::u64(), ValType::string()), 8, 16, {C::I32, C::I64, C::I32});
  check(ValType::result(nullptr, nullptr), 1, 1, {C::I32});
  check(ValType::result(ValType::f64(), nullptr), 8, 16, {C::I32, C::F64});
  check(ValType::enum_({"x", "y", "z"}), 1, 1, {C::I32});
}

TEST_CASE("layout: discriminant sizes", "[abi][layout]") {
  CHECK(discriminant_size(1) == 1);
  CHECK(discriminant_size(256) == 1);
  CHECK(discriminant_size(257) == 2);
  CHECK(discriminant_size(65536) == 2);
  CHECK(discriminant_size(65537) == 4);
  std::vector<std::string> labels;
  for (int i = 0; i < 257; ++i) labels.push_back("c" + std::to_string(i));
  check(ValType::enum_(labels), 2, 2, {C::I32});
  std::vector<Case> cases;
  for (int i = 0; i < 257; ++i) cases.push_back({"c" + std::to_string(i), i == 3 ? ValType::u8() : nullptr});
  auto v = ValType::variant(cases);
  check(v, 2, 4, {C::I32, C::I32});
  CHECK(v->layout(AddrType::I32).payload_offset == 2);
}

TEST_CASE("layout: flags of any count", "[abi][layout]") {
  check(ValType::flags_n(1), 1, 1, {C::I32});
  check(ValType::flags_n(8), 1, 1, {C::I32});
  check(ValType::flags_n(9), 2, 2, {C::I32});
  check(ValType::flags_n(16), 2, 2, {C::I32});
  check(ValType::flags_n(17), 4, 4, {C::I32});
  check(ValType::flags_n(32), 4, 4, {C::I32});
  // Beyond 32 flags: one i32 word per 32 flags.
  check(ValType::flags_n(33), 4, 8, {C::I32, C::I32});
  check(ValType::flags_n(64), 4, 8, {C::I32, C::I32});
  check(ValType::flags_n(65), 4, 12, {C::I32, C::I32, C::I32});
}

TEST_CASE("layout: flat counts saturate and stop being tracked", "[abi][layout]") {
  auto big = ValType::list(ValType::u8(), 100);
  CHECK(big->layout(AddrType::I32).flat_count == 100);
  CHECK_FALSE(big->layout(AddrType::I32).flat_complete());
  CHECK(big->elem_size(AddrType::I32) == 100);
  auto huge = ValType::list(ValType::list(ValType::u64(), 1u << 20), 1u << 20);
  CHECK_FALSE(huge->size_within_limits());
  CHECK(ValType::list(ValType::u8(), 1000)->size_within_limits());
  auto opt = ValType::option(big);
  CHECK(opt->layout(AddrType::I32).flat_count == 101);
  CHECK(opt->layout(AddrType::I32).flat.empty());
}

TEST_CASE("flatten_functype: MAX_FLAT_PARAMS / MAX_FLAT_RESULTS and pointer passing", "[abi][layout]") {
  auto ft = FuncType::make({ValType::u32(), ValType::f64()}, {ValType::u32()});
  CHECK(flatten_functype(ft, AddrType::I32, CallContext::Lift) == CoreFuncType{{C::I32, C::F64}, {C::I32}});
  CHECK(flatten_functype(ft, AddrType::I32, CallContext::Lower) == CoreFuncType{{C::I32, C::F64}, {C::I32}});

  std::vector<TypeRef> sixteen(16, ValType::u8()), seventeen(17, ValType::u8());
  CHECK(flatten_functype(FuncType::make(sixteen, {}), AddrType::I32, CallContext::Lift).params.size() == 16);
  CHECK(flatten_functype(FuncType::make(seventeen, {}), AddrType::I32, CallContext::Lift) == CoreFuncType{{C::I32}, {}});
  CHECK(flatten_functype(FuncType::make(seventeen, {}), AddrType::I64, CallContext::Lower) == CoreFuncType{{C::I64}, {}});

  auto str_result = FuncType::make({ValType::u8()}, {ValType::string()});
  CHECK(flatten_functype(str_result, AddrType::I32, CallContext::Lift) == CoreFuncType{{C::I32}, {C::I32}});
  CHECK(flatten_functype(str_result, AddrType::I32, CallContext::Lower) == CoreFuncType{{C::I32, C::I32}, {}});
  CHECK(flatten_functype(str_result, AddrType::I64, CallContext::Lift) == CoreFuncType{{C::I32}, {C::I64}});

  auto none = FuncType::make({}, {});
  CHECK(flatten_functype(none, AddrType::I32, CallContext::Lower) == CoreFuncType{{}, {}});

  // async: 4 flat params when lowering, results through a pointer, an i32 status.
  std::vector<TypeRef> five(5, ValType::u32());
  CHECK(flatten_functype(FuncType::make(five, {ValType::u8()}, true), AddrType::I32, CallContext::Lower, true) ==
        CoreFuncType{{C::I32, C::I32}, {C::I32}});
  CHECK(flatten_functype(FuncType::make({ValType::u8()}, {ValType::u8()}, true), AddrType::I32, CallContext::Lift, true,
                         true) == CoreFuncType{{C::I32}, {C::I32}});
  CHECK(flatten_functype(FuncType::make({ValType::u8()}, {ValType::u8()}, true), AddrType::I32, CallContext::Lift, true,
                         false) == CoreFuncType{{C::I32}, {}});
}
