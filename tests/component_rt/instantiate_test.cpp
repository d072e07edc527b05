// Component instantiation and calls on the runtime (component/runtime): component graphs
// written in the component text format, cross-component calls with strings, host imports,
// resources with destructors, traps and the reentrance rule, link errors.
#include <catch2/catch.hpp>

#include <fstream>

#include "rt_test_util.h"

using namespace shard;
using namespace shard::component;
using namespace shard::component::test;
namespace abi = shard::component::abi;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A core module with a bump allocator and `concat(a, b) -> string` in the canonical ABI:
// params (a.ptr, a.len, b.ptr, b.len), result a pointer to (ptr, len) in a return area.
const char* kConcatModule = R"(
  (core module $M
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $bump (i32.add (local.get $p) (local.get 3)))
      (local.get $p))
    (func (export "concat") (param $a i32) (param $al i32) (param $b i32) (param $bl i32) (result i32)
      (local $out i32) (local $ret i32)
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.add (local.get $al) (local.get $bl))))
      (memory.copy (local.get $out) (local.get $a) (local.get $al))
      (memory.copy (i32.add (local.get $out) (local.get $al)) (local.get $b) (local.get $bl))
      (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))
      (i32.store (local.get $ret) (local.get $out))
      (i32.store offset=4 (local.get $ret) (i32.add (local.get $al) (local.get $bl)))
      (local.get $ret))
    (func (export "boom") (unreachable)))
)";

}  // namespace

TEST_CASE("a lifted function takes and returns strings", "[component_rt]") {
  auto def = load_text(std::string("(component") + kConcatModule + R"(
    (core instance $m (instantiate $M))
    (func (export "concat") (param "a" string) (param "b" string) (result string)
      (canon lift (core func $m "concat") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  ))");
  run::Store store(rt::StoreConfig{}, &interp::tier());
  auto inst = store.instantiate(def, {});
  REQUIRE(inst.ok());
  auto r = call(*inst, "concat", {abi::Value::string("Hola "), abi::Value::string("mundo ✓")});
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].as_string() == "Hola mundo ✓");
  // a second instance of the same definition has its own memory and allocator
  auto inst2 = store.instantiate(def, {});
  REQUIRE(inst2.ok());
  auto r2 = call(*inst2, "concat", {abi::Value::string(""), abi::Value::string("x")});
  REQUIRE(r2.ok());
  CHECK((*r2)[0].as_string() == "x");
}

TEST_CASE("a component's import is satisfied by another component instance", "[component_rt]") {
  // $Lib exports concat; $App imports it, lowers it into its own core module and exports
  // `twice(s) = concat(s, s)`: strings cross two memories through lift and lower.
  auto def = load_text(std::string("(component") + R"(
    (component $Lib)" + kConcatModule + R"(
      (core instance $m (instantiate $M))
      (func (export "concat") (param "a" string) (param "b" string) (result string)
        (canon lift (core func $m "concat") (memory (core memory $m "mem")) (realloc (core func $m "realloc")))))
    (component $App
      (import "concat" (func $concat (param "a" string) (param "b" string) (result string)))
      (core module $Mem
        (memory (export "mem") 1)
        (global $bump (mut i32) (i32.const 2048))
        (func (export "realloc") (param i32 i32 i32 i32) (result i32)
          (local $p i32)
          (local.set $p (global.get $bump))
          (global.set $bump (i32.add (local.get $p) (i32.add (local.get 3) (i32.const 8))))
          (local.get $p)))
      (core instance $mem (instantiate $Mem))
      (core func $concat' (canon lower (func $concat) (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
      (core module $Twice
        (import "env" "concat" (func $concat (param i32 i32 i32 i32 i32)))
        (import "env" "mem" (memory 1))
        (func (export "twice") (param $p i32) (param $l i32) (result i32)
          (call $concat (local.get $p) (local.get $l) (local.get $p) (local.get $l) (i32.const 16))
          (i32.const 16)))
      (core instance $t (instantiate $Twice (with "env" (instance
        (export "concat" (func $concat')) (export "mem" (memory $mem "mem"))))))
      (func (export "twice") (param "s" string) (result string)
        (canon lift (core func $t "twice") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc")))))
    (instance $lib (instantiate $Lib))
    (instance $app (instantiate $App (with "concat" (func $lib "concat"))))
    (export "twice" (func $app "twice"))
  ))");
  run::Store store(rt::StoreConfig{}, &interp::tier());
  auto inst = store.instantiate(def, {});
  INFO((inst ? std::string() : inst.error().to_string()));
  REQUIRE(inst.ok());
  auto r = call(*inst, "twice", {abi::Value::string("ab")});
  INFO((r ? std::string() : r.error().to_string()));
  REQUIRE(r.ok());
  CHECK((*r)[0].as_string() == "abab");
}

TEST_CASE("host functions satisfy imports, missing imports are link errors", "[component_rt]") {
  auto def = load_text(R"((component
    (import "add" (func $add (param "a" u32) (param "b" u32) (result u32)))
    (core func $add' (canon lower (func $add)))
    (core module $M
      (import "" "add" (func $add (param i32 i32) (result i32)))
      (func (export "run") (param i32) (result i32) (call $add (local.get 0) (i32.const 100))))
    (core instance $m (instantiate $M (with "" (instance (export "add" (func $add'))))))
    (func (export "run") (param "x" u32) (result u32) (canon lift (core func $m "run")))
  ))");
  run::Store store(rt::StoreConfig{}, &interp::tier());

  auto missing = store.instantiate(def, {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::Unlinkable);
  CHECK(missing.error().message.find("add") != std::string::npos);

  auto host = std::make_shared<run::Func>();
  host->type = abi::FuncType::make({abi::ValType::u32(), abi::ValType::u32()}, {abi::ValType::u32()});
  int calls = 0;
  host->call = [&calls](std::span<const abi::Value> args, abi::ComponentInstance*) -> Result<std::vector<abi::Value>> {
    ++calls;
    return std::vector<abi::Value>{abi::Value::u32(static_cast<uint32_t>(args[0].as_unsigned() + args[1].as_unsigned()))};
  };
  run::Item item;
  item.kind = component::ExternKind::Func;
  item.func = host;
  auto inst = store.instantiate(def, {{"add", item}});
  REQUIRE(inst.ok());
  auto r = call(*inst, "run", {abi::Value::u32(23)});
  REQUIRE(r.ok());
  CHECK((*r)[0].as_unsigned() == 123);
  CHECK(calls == 1);

  // a host function with another type is refused at link time
  auto wrong = std::make_shared<run::Func>(*host);
  wrong->type = abi::FuncType::make({abi::ValType::string()}, {});
  run::Item bad;
  bad.kind = component::ExternKind::Func;
  bad.func = wrong;
  auto mismatch = store.instantiate(def, {{"add", bad}});
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().kind == ErrorKind::Unlinkable);
}

TEST_CASE("a trap leaves the instance unenterable", "[component_rt]") {
  auto def = load_text(std::string("(component") + kConcatModule + R"(
    (core instance $m (instantiate $M))
    (func (export "boom") (canon lift (core func $m "boom")))
    (func (export "concat") (param "a" string) (param "b" string) (result string)
      (canon lift (core func $m "concat") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  ))");
  run::Store store(rt::StoreConfig{}, &interp::tier());
  auto inst = store.instantiate(def, {});
  REQUIRE(inst.ok());
  auto r = call(*inst, "boom", {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Trap);
  CHECK(r.error().trap == TrapKind::Unreachable);
  // CanonicalABI.md § Embedding: a trapped instance may not be entered again
  auto again = call(*inst, "concat", {abi::Value::string("a"), abi::Value::string("b")});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message.find("cannot enter component instance") != std::string::npos);
  // a wrongly typed host argument is a usage error, before the guest runs
  auto inst2 = store.instantiate(def, {});
  REQUIRE(inst2.ok());
  auto bad = call(*inst2, "concat", {abi::Value::u32(1), abi::Value::string("b")});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::Usage);
}

TEST_CASE("resources: handles, borrows and destructors across the boundary", "[component_rt]") {
  auto def = load_text(read_text(std::string(SHARD_SOURCE_DIR) + "/tests/data/resource_component.wat"));
  run::Store store(rt::StoreConfig{}, &interp::tier());
  auto inst = store.instantiate(def, {});
  INFO((inst ? std::string() : inst.error().to_string()));
  REQUIRE(inst.ok());
  auto made = call(*inst, "make", {abi::Value::u32(41)});
  REQUIRE(made.ok());
  REQUIRE((*made)[0].kind() == abi::TypeKind::Own);
  const uint32_t rep = (*made)[0].rep();
  CHECK(rep == 41);
  // a borrow into the implementing instance passes the representation itself
  auto peek = call(*inst, "peek", {abi::Value::borrow(rep)});
  REQUIRE(peek.ok());
  CHECK((*peek)[0].as_unsigned() == 42);
  // handing the own back and dropping it inside runs the destructor with the rep
  auto consumed = call(*inst, "consume", {abi::Value::own(rep)});
  INFO((consumed ? std::string() : consumed.error().to_string()));
  REQUIRE(consumed.ok());
  auto dropped = call(*inst, "dropped", {});
  REQUIRE(dropped.ok());
  CHECK((*dropped)[0].as_unsigned() == 41);
}
