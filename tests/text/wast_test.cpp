// The .wast script parser (SCRIPT-FORMAT.md): commands, actions, values and result patterns.
#include <catch2/catch.hpp>

#include <cstring>

#include "text/wast.h"

using namespace shard;
using namespace shard::wast;

namespace {

Script parse(std::string_view text) {
  auto r = parse_script(text);
  if (!r) INFO(r.error().to_string());
  REQUIRE(r.ok());
  return std::move(r).value();
}

template <class T>
T bits_as(const std::array<uint8_t, 16>& b) {
  T v;
  std::memcpy(&v, b.data(), sizeof v);
  return v;
}

}  // namespace

TEST_CASE("wast: module forms", "[text][wast]") {
  auto s = parse(R"wast(
(module $a (func (export "f")))
(module binary "\00asm" "\01\00\00\00")
(module $q quote "(func" ")")
(module definition $d (memory 1))
(module instance $i $d)
(module instance $d)
(register "reg" $a)
)wast");
  REQUIRE(s.commands.size() == 7);
  const auto& a = s.commands[0];
  CHECK(a.kind == Command::Kind::Module);
  CHECK(a.line == 2);
  CHECK(a.module.line == 2);
  CHECK(a.module.name == "a");
  CHECK(a.module.form == ModuleSource::Form::Text);
  CHECK_FALSE(a.module.error);
  CHECK(a.module.bytes.size() > 8);
  CHECK(s.commands[1].module.form == ModuleSource::Form::Binary);
  CHECK(s.commands[1].module.bytes == std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0});
  CHECK(s.commands[2].module.form == ModuleSource::Form::Quote);
  CHECK(s.commands[2].module.quote == "(func)");
  CHECK(s.commands[3].module.definition);
  CHECK(s.commands[3].module.name == "d");
  CHECK(s.commands[4].kind == Command::Kind::ModuleInstance);
  CHECK(s.commands[4].name == "i");
  CHECK(s.commands[4].definition == "d");
  CHECK_FALSE(s.commands[5].name);
  CHECK(s.commands[5].definition == "d");
  CHECK(s.commands[6].kind == Command::Kind::Register);
  CHECK(s.commands[6].text == "reg");
  CHECK(s.commands[6].name == "a");
}

TEST_CASE("wast: a module that does not encode keeps its error, the script goes on", "[text][wast]") {
  auto s = parse(R"wast((assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module (func (i32.const 0x1_0000_0000))) "constant out of range")
(module (func $f (call $nowhere)))
(invoke "f"))wast");
  REQUIRE(s.commands.size() == 4);
  CHECK(s.commands[0].kind == Command::Kind::AssertInvalid);
  CHECK_FALSE(s.commands[0].module.error);
  CHECK(s.commands[0].text == "type mismatch");
  CHECK(s.commands[1].kind == Command::Kind::AssertMalformed);
  REQUIRE(s.commands[1].module.error);
  CHECK(s.commands[1].module.error->message == "constant out of range");
  CHECK(s.commands[1].module.error->line == 2);
  REQUIRE(s.commands[2].module.error);
  CHECK(s.commands[2].module.error->message.starts_with("unknown function"));
  CHECK(s.commands[3].kind == Command::Kind::Action);
}

TEST_CASE("wast: actions and argument values", "[text][wast]") {
  auto s = parse(R"wast((invoke $m "f" (i32.const -1) (i64.const 0x10) (f32.const -0x1p-1) (f64.const nan:0x1)
                  (v128.const i16x8 1 2 3 4 5 6 7 -1) (ref.null func) (ref.null extern) (ref.extern 7))
(get "g"))wast");
  REQUIRE(s.commands.size() == 2);
  const auto& a = s.commands[0].action;
  CHECK(a.kind == Action::Kind::Invoke);
  CHECK(a.module == "m");
  CHECK(a.field == "f");
  REQUIRE(a.args.size() == 8);
  CHECK(a.args[0].type == ValType::I32);
  CHECK(bits_as<uint32_t>(a.args[0].bits) == 0xffffffff);
  CHECK(bits_as<uint64_t>(a.args[1].bits) == 0x10);
  CHECK(bits_as<uint32_t>(a.args[2].bits) == 0xbf000000);
  CHECK(bits_as<uint64_t>(a.args[3].bits) == 0x7ff0000000000001);
  CHECK(a.args[4].type == ValType::V128);
  CHECK(a.args[4].bits[0] == 1);
  CHECK(a.args[4].bits[14] == 0xff);
  CHECK(a.args[4].bits[15] == 0xff);
  CHECK(a.args[5].type == ValType::FuncRef);
  CHECK(a.args[5].is_null);
  CHECK(a.args[6].type == ValType::ExternRef);
  CHECK(a.args[7].type == ValType::ExternRef);
  CHECK_FALSE(a.args[7].is_null);
  CHECK(a.args[7].extern_index == 7);
  CHECK(s.commands[1].action.kind == Action::Kind::Get);
  CHECK_FALSE(s.commands[1].action.module);
}

TEST_CASE("wast: assertions and result patterns", "[text][wast]") {
  auto s = parse(R"wast(
(assert_return (invoke "f") (i32.const 1) (f32.const nan:canonical) (f64.const nan:arithmetic) (f64.const -0))
(assert_return (invoke "v") (v128.const f32x4 1 nan:canonical -inf nan:arithmetic) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1))
(assert_return (invoke "r") (ref.null func) (ref.extern 3) (ref.extern) (ref.func) (ref.null))
(assert_return (invoke "e") (either (i32.const 1) (i32.const 2)))
(assert_trap (invoke "t") "unreachable")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_exhaustion (invoke "x") "call stack exhausted")
(assert_exception (invoke "y"))
(assert_unlinkable (module (import "m" "f" (func))) "unknown import")
(assert_malformed (module quote "(func") "unexpected end")
)wast");
  REQUIRE(s.commands.size() == 10);
  const auto& r0 = s.commands[0].expected;
  REQUIRE(r0.size() == 4);
  CHECK(r0[0].kind == ResultPat::Kind::Exact);
  CHECK(bits_as<uint32_t>(r0[0].bits) == 1);
  CHECK(r0[1].kind == ResultPat::Kind::NanCanonical);
  CHECK(r0[1].type == ValType::F32);
  CHECK(r0[2].kind == ResultPat::Kind::NanArithmetic);
  CHECK(r0[2].type == ValType::F64);
  CHECK(bits_as<uint64_t>(r0[3].bits) == 0x8000000000000000);

  const auto& v = s.commands[1].expected;
  CHECK(v[0].type == ValType::V128);
  CHECK(v[0].shape == LaneShape::F32x4);
  CHECK(v[0].lanes[0] == ResultPat::Kind::Exact);
  CHECK(v[0].lanes[1] == ResultPat::Kind::NanCanonical);
  CHECK(v[0].lanes[2] == ResultPat::Kind::Exact);
  CHECK(v[0].lanes[3] == ResultPat::Kind::NanArithmetic);
  CHECK(bits_as<uint32_t>(v[0].bits) == 0x3f800000);
  CHECK(v[1].shape == LaneShape::I8x16);
  CHECK(v[1].bits[15] == 0xff);

  const auto& r = s.commands[2].expected;
  CHECK(r[0].kind == ResultPat::Kind::RefNull);
  CHECK(r[0].type == ValType::FuncRef);
  CHECK(r[1].kind == ResultPat::Kind::RefExtern);
  CHECK(r[1].extern_index == 3u);
  CHECK(r[2].kind == ResultPat::Kind::RefExtern);
  CHECK_FALSE(r[2].extern_index);
  CHECK(r[3].kind == ResultPat::Kind::RefFunc);
  CHECK(r[4].kind == ResultPat::Kind::RefNull);

  const auto& e = s.commands[3].expected[0];
  CHECK(e.kind == ResultPat::Kind::Either);
  CHECK(e.alternatives.size() == 2);

  CHECK(s.commands[4].kind == Command::Kind::AssertTrap);
  CHECK(s.commands[4].text == "unreachable");
  CHECK(s.commands[5].kind == Command::Kind::AssertUninstantiable);
  CHECK(s.commands[5].module.bytes.size() > 8);
  CHECK(s.commands[6].kind == Command::Kind::AssertExhaustion);
  CHECK(s.commands[7].kind == Command::Kind::AssertException);
  CHECK(s.commands[8].kind == Command::Kind::AssertUnlinkable);
  CHECK(s.commands[9].kind == Command::Kind::AssertMalformed);
  CHECK(s.commands[9].module.quote == "(func");
}

TEST_CASE("wast: a script of bare module fields is one module", "[text][wast]") {
  auto s = parse("(func) (memory 0) (func (export \"f\"))");
  REQUIRE(s.commands.size() == 1);
  CHECK(s.commands[0].kind == Command::Kind::Module);
  CHECK_FALSE(s.commands[0].module.error);
}

TEST_CASE("wast: malformed scripts report line and column", "[text][wast]") {
  auto r = parse_script("(module)\n(assert_return (invoke \"f\") (i32.const 0x1_0000_0000))");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "constant out of range");
  CHECK(r.error().line == 2);
  CHECK(r.error().column == 40);
  auto u = parse_script("(frobnicate)");
  REQUIRE_FALSE(u.ok());
  CHECK(u.error().column == 2);
  CHECK_FALSE(parse_script("(module").ok());
  CHECK_FALSE(parse_script("(invoke \"f\"").ok());
}
