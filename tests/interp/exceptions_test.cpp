// Exception handling in the interpreter (exec/instructions.rst: throw, throw_ref, try_table):
// catching in the same frame and across wasm frames, the four catch kinds, rethrowing an
// exnref, uncaught exceptions reaching the host, host functions throwing, and tag identity.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "interp/interp.h"
#include "runtime/runtime.h"
#include "text/wat.h"
#include "valid/validator.h"

using namespace shard;

namespace {

std::shared_ptr<const WasmModule> load_wat(std::string_view text) {
  auto bin = wat_to_binary(text);
  REQUIRE(bin);
  auto m = load_module(std::move(bin).value());
  if (!m) FAIL(m.error().to_string());
  return std::make_shared<const WasmModule>(std::move(m).value());
}

struct Env {
  rt::Store store{rt::StoreConfig{}, &interp::tier()};

  rt::Instance* instantiate(std::string_view text, std::vector<rt::Extern> imports = {}) {
    auto r = rt::instantiate(store, load_wat(text), imports);
    if (!r) FAIL(r.error().to_string());
    return *r;
  }
  rt::CallResult call(rt::Instance* inst, const std::string& name, std::vector<rt::Value> args = {}) {
    rt::FuncInst* f = inst->find_func(name);
    REQUIRE(f != nullptr);
    return rt::call(store, f, args);
  }
};

rt::Value i32(uint32_t v) { return rt::Value::from_i32(v); }

uint32_t ret_i32(const rt::CallResult& r) {
  if (!r.ok()) FAIL(r.trap->to_string());
  REQUIRE(r.values.size() == 1);
  return r.values[0].i32;
}

constexpr std::string_view kModule = R"((module
  (tag $e (param i32))
  (tag $f (param i32 i64))
  (tag $empty)
  ;; Three wasm frames deep; the value on the stack below the try_table survives the unwind.
  (func $thrower (param i32)
    (if (local.get 0) (then (throw $e (local.get 0)))))
  (func $middle (param i32) (result i32)
    (call $thrower (local.get 0))
    (i32.const 1000))
  (func (export "catch-across") (param i32) (result i32)
    (i32.const 7)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h)
        (call $middle (local.get 0))))
    (i32.add))
  ;; catch with two payload values, chosen among several clauses.
  (func (export "multi") (param i32) (result i64)
    (block $hf (result i32 i64)
      (block $he (result i32)
        (try_table (catch $e $he) (catch $f $hf)
          (if (local.get 0)
            (then (throw $f (i32.const 3) (i64.const 40)))
            (else (throw $e (i32.const 5)))))
        (unreachable))
      (i64.extend_i32_u)
      (return))
    (return))  ;; $f's i64, with its i32 left below
  ;; catch_all and catch_all_ref, then throw_ref to an outer handler in a caller.
  (func $rethrow-inner
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $e (i32.const 11)))
      (unreachable))
    (throw_ref))
  (func (export "rethrow") (result i32)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (call $rethrow-inner))
      (unreachable))
    (drop))
  (func (export "catch-all") (result i32)
    (block $h
      (try_table (catch_all $h) (throw $empty))
      (return (i32.const 0)))
    (i32.const 1))
  ;; The innermost try_table whose clauses match wins; a non-matching inner one is skipped.
  (func (export "inner-first") (result i32)
    (block $outer (result i32)
      (block $inner
        (try_table (catch $e $outer)
          (try_table (catch $empty $inner)
            (throw $e (i32.const 21))))
        (return (i32.const 0)))
      (return (i32.const 1))))
  ;; A catch clause whose label is the function: the payload is returned.
  (func (export "to-function") (result i32)
    (try_table (catch $e 0) (throw $e (i32.const 33)))
    (i32.const 0))
  ;; Loops through a try_table many times; exceptions must not leak stack or depth.
  (func (export "loop") (param i32) (result i32) (local i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h) (call $thrower (i32.const 1)))
        (i32.const 0))
      (local.get 1) (i32.add) (local.set 1)
      (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l))
    (local.get 1))
  (func (export "uncaught") (throw $e (i32.const 1)))
  (func (export "null-ref") (throw_ref (ref.null exn)))
  (func (export "trap-not-caught") (result i32)
    (block $h
      (try_table (catch_all $h) (unreachable)))
    (i32.const 1))
))";

}  // namespace

TEST_CASE("interp exceptions: throw caught across wasm frames", "[interp][exceptions]") {
  Env env;
  rt::Instance* inst = env.instantiate(kModule);
  CHECK(ret_i32(env.call(inst, "catch-across", {i32(0)})) == 7 + 1000);
  // Thrown two frames down: $h gets the payload, the 7 below the block is still there.
  CHECK(ret_i32(env.call(inst, "catch-across", {i32(5)})) == 7 + 5);
  auto r = env.call(inst, "multi", {i32(1)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i64 == 40);
  r = env.call(inst, "multi", {i32(0)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i64 == 5);
  CHECK(ret_i32(env.call(inst, "rethrow")) == 11);
  CHECK(ret_i32(env.call(inst, "catch-all")) == 1);
  CHECK(ret_i32(env.call(inst, "inner-first")) == 21);
  CHECK(ret_i32(env.call(inst, "to-function")) == 33);
  size_t before = env.store.exception_count();
  CHECK(ret_i32(env.call(inst, "loop", {i32(100000)})) == 100000);
  CHECK(env.store.exec().depth == 0);
  // Exceptions consumed by a plain catch are reused, so throwing in a loop does not grow the store.
  CHECK(env.store.exception_count() <= before + 1);
  // ... but one wasm holds as an exnref is not: "rethrow" still sees its payload after more throws.
  CHECK(ret_i32(env.call(inst, "rethrow")) == 11);
}

TEST_CASE("interp exceptions: uncaught exceptions and traps", "[interp][exceptions]") {
  Env env;
  rt::Instance* inst = env.instantiate(kModule);
  auto r = env.call(inst, "uncaught");
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::Exception);
  r = env.call(inst, "null-ref");
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::NullReference);
  CHECK(r.trap->message == "null exception reference");
  // Traps are not exceptions: catch_all does not see them.
  r = env.call(inst, "trap-not-caught");
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::Unreachable);
  // The store stays usable.
  CHECK(ret_i32(env.call(inst, "catch-all")) == 1);
}

TEST_CASE("interp exceptions: host functions throw and pass exceptions through", "[interp][exceptions]") {
  Env env;
  rt::TagInst* tag = env.store.create_tag(FuncType{{ValType::I32}, {}});
  rt::FuncInst* thrower = nullptr;
  // A host function that throws the imported tag with payload 42.
  rt::FuncInst* host_throw = env.store.create_host_func(FuncType{}, [&](rt::HostCall& hc, const rt::Value*, rt::Value*) {
    rt::Slot s{};
    s.i32 = 42;
    hc.ctx->exception = hc.store.alloc_exn(tag, &s);
    return TrapKind::Exception;
  });
  // A host function that calls back into wasm and passes its exception on.
  rt::FuncInst* host_reenter = env.store.create_host_func(FuncType{}, [&](rt::HostCall& hc, const rt::Value*, rt::Value*) {
    auto r = rt::call(hc.store, thrower, {});
    return r.ok() ? TrapKind::None : r.trap->kind;
  });
  rt::Instance* inst = env.instantiate(R"((module
    (import "host" "tag" (tag $t (param i32)))
    (import "host" "throw" (func $host-throw))
    (import "host" "reenter" (func $host-reenter))
    (func (export "wasm-throw") (throw $t (i32.const 9)))
    (func (export "catch-host") (result i32)
      (block $h (result i32)
        (try_table (catch $t $h) (call $host-throw))
        (i32.const 0)))
    (func (export "catch-reentered") (result i32)
      (block $h (result i32)
        (try_table (catch $t $h) (call $host-reenter))
        (i32.const 0)))
  ))",
                                       {rt::Extern::tag(tag), rt::Extern::func(host_throw), rt::Extern::func(host_reenter)});
  thrower = inst->find_func("wasm-throw");
  CHECK(ret_i32(env.call(inst, "catch-host")) == 42);
  CHECK(ret_i32(env.call(inst, "catch-reentered")) == 9);
}

TEST_CASE("interp exceptions: a defined tag is a new identity per instance", "[interp][exceptions]") {
  Env env;
  constexpr std::string_view kDefines = R"((module
    (tag $t (export "t") (param i32))
    (func (export "throw") (param i32) (throw $t (local.get 0)))
  ))";
  rt::Instance* a = env.instantiate(kDefines);
  rt::Instance* b = env.instantiate(kDefines);
  rt::Extern ta = *a->find_export("t");
  constexpr std::string_view kCatcher = R"((module
    (import "a" "t" (tag $t (param i32)))
    (import "x" "throw" (func $throw (param i32)))
    (func (export "run") (result i32)
      (block $h (result i32)
        (try_table (catch $t $h) (call $throw (i32.const 5)))
        (i32.const -1))))
  )";
  rt::Instance* same = env.instantiate(kCatcher, {ta, rt::Extern::func(a->find_func("throw"))});
  rt::Instance* other = env.instantiate(kCatcher, {ta, rt::Extern::func(b->find_func("throw"))});
  CHECK(ret_i32(env.call(same, "run")) == 5);
  auto r = env.call(other, "run");  // b's tag is another tag: not caught
  REQUIRE(!r.ok());
  CHECK(r.trap->kind == TrapKind::Exception);
  // Import matching compares tag types.
  rt::TagInst* wrong = env.store.create_tag(FuncType{{ValType::I64}, {}});
  auto bad = rt::instantiate(env.store, load_wat(kCatcher), std::vector<rt::Extern>{rt::Extern::tag(wrong), rt::Extern::func(a->find_func("throw"))});
  REQUIRE(!bad);
  CHECK(bad.error().kind == ErrorKind::Unlinkable);
}
