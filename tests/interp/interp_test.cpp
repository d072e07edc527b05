// Interpreter: compiled code shape (fusions), execution, traps with backtraces, call-stack
// exhaustion on small host stacks, and calls to and from host functions.
#include <catch2/catch.hpp>
#include <pthread.h>

#include "../runtime/test_module.h"
#include "interp/code.h"
#include "interp/interp.h"

using namespace shard;
using namespace shard::test;

namespace {

struct Env {
  rt::Store store{rt::StoreConfig{}, &interp::tier()};
  rt::Instance* inst = nullptr;

  explicit Env(const ModuleBuilder& b, std::span<const rt::Extern> imports = {}, rt::StoreConfig cfg = {})
      : store(cfg, &interp::tier()) {
    auto mod = b.load();
    REQUIRE(mod);
    auto r = rt::instantiate(store, mod, imports);
    REQUIRE(r.ok());
    inst = *r;
  }
  rt::CallResult call(const std::string& name, std::vector<rt::Value> args = {}) {
    rt::FuncInst* f = inst->find_func(name);
    REQUIRE(f != nullptr);
    return rt::call(store, f, args);
  }
  std::string listing(const std::string& name) {
    rt::FuncInst* f = inst->find_func(name);
    std::string err;
    REQUIRE(interp::compile_all(*inst, &err));
    return interp::disassemble(*static_cast<interp::CompiledFunc*>(f->code));
  }
};

rt::Value i32(uint32_t v) { return rt::Value::from_i32(v); }
rt::Value i64(uint64_t v) { return rt::Value::from_i64(v); }

// (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
ModuleBuilder add_module() {
  ModuleBuilder b;
  uint32_t t = b.type({I32, I32}, {I32});
  uint32_t f = b.func(t, {}, code({op::local_get(0), op::local_get(1), {0x6a}}));
  b.export_("add", ExternKind::Func, f);
  return b;
}

// Recursive factorial on i64.
ModuleBuilder fac_module() {
  ModuleBuilder b;
  uint32_t t = b.type({I64}, {I64});
  // if (result i64) (i64.eqz (local.get 0)) then 1 else local0 * fac(local0 - 1)
  Bytes body = code({op::local_get(0), {0x50}, {0x04, 0x7e}, op::i64_const(1), {0x05}, op::local_get(0),
                     op::local_get(0), op::i64_const(1), {0x7d}, op::call(0), {0x7e}, {0x0b}});
  b.func(t, {}, body);
  b.export_("fac", ExternKind::Func, 0);
  return b;
}

}  // namespace

TEST_CASE("i32.add of two locals compiles to one instruction", "[interp]") {
  Env env(add_module());
  auto r = env.call("add", {i32(40), i32(2)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == 42);
  std::string l = env.listing("add");
  CHECK(l.find("i32.add [16|0] [16|0]") == std::string::npos);  // reads the locals in place
  CHECK(l.find("Copy") != std::string::npos);                    // only the result move
}

TEST_CASE("local.set stores the producer's result directly and compare+br_if fuse", "[interp]") {
  // (func (param i32) (result i32) (local i32)
  //   loop: local1 = local1 + local0; local0 = local0 - 1; br_if loop (local0 != 0) ; local1)
  ModuleBuilder b;
  uint32_t t = b.type({I32}, {I32});
  Bytes body = code({{0x03, 0x40}, op::local_get(1), op::local_get(0), {0x6a}, op::local_set(1), op::local_get(0),
                     op::i32_const(1), {0x6b}, op::local_tee(0), op::i32_const(0), {0x47}, op::br_if(0), {0x0b},
                     op::local_get(1)});
  uint32_t f = b.func(t, {I32}, body);
  b.export_("sum", ExternKind::Func, f);
  Env env(b);
  auto r = env.call("sum", {i32(100)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i32 == 5050);
  std::string l = env.listing("sum");
  INFO(l);
  CHECK(l.find("i32.add [16|16] [0|0]") != std::string::npos);  // local1 = local1 + local0, in place
  CHECK(l.find("br_si.I32Ne") != std::string::npos);     // compare-and-branch with an immediate
}

TEST_CASE("recursion, multi-value and br_table", "[interp]") {
  Env env(fac_module());
  auto r = env.call("fac", {i64(20)});
  REQUIRE(r.ok());
  CHECK(r.values[0].i64 == 2432902008176640000ull);

  ModuleBuilder b;
  uint32_t swap_t = b.type({I32, I32}, {I32, I32});
  uint32_t sel_t = b.type({I32}, {I32});
  uint32_t swap = b.func(swap_t, {}, code({op::local_get(1), op::local_get(0)}));
  // block block block (br_table 0 1 2 (local.get 0)) return 10 end return 11 end return 12 end 13
  Bytes sel = code({{0x02, 0x40, 0x02, 0x40, 0x02, 0x40}, op::local_get(0), {0x0e, 0x02, 0x00, 0x01, 0x02},
                    {0x0b}, op::i32_const(10), {0x0f, 0x0b}, op::i32_const(11), {0x0f, 0x0b}, op::i32_const(12),
                    {0x0f}});
  uint32_t selector = b.func(sel_t, {}, sel);
  b.export_("swap", ExternKind::Func, swap);
  b.export_("sel", ExternKind::Func, selector);
  Env env2(b);
  auto s = env2.call("swap", {i32(1), i32(2)});
  REQUIRE(s.ok());
  CHECK(s.values[0].i32 == 2);
  CHECK(s.values[1].i32 == 1);
  for (uint32_t i = 0; i < 5; ++i) {
    auto v = env2.call("sel", {i32(i)});
    REQUIRE(v.ok());
    CHECK(v.values[0].i32 == (i < 2 ? 10 + i : 12));
  }
}

TEST_CASE("memory accesses are bounds checked and traps carry a backtrace", "[interp][trap]") {
  ModuleBuilder b;
  b.memory(1);
  uint32_t t_load = b.type({I32}, {I32});
  uint32_t load = b.func(t_load, {}, code({op::local_get(0), op::mem(0x28, 4, 2)}));  // i32.load offset=4
  uint32_t outer = b.func(t_load, {}, code({op::local_get(0), op::call(load)}));
  b.export_("load", ExternKind::Func, load);
  b.export_("outer", ExternKind::Func, outer);
  b.data(8, "\x2a");
  Env env(b);
  auto ok = env.call("outer", {i32(4)});
  REQUIRE(ok.ok());
  CHECK(ok.values[0].i32 == 42);
  CHECK(env.call("load", {i32(65532)}).trap->message == "out of bounds memory access");
  auto r = env.call("outer", {i32(65529)});
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap->kind == TrapKind::OutOfBoundsMemory);
  REQUIRE(r.trap->backtrace.size() == 2);
  CHECK(r.trap->backtrace[0].func_index == load);
  CHECK(r.trap->backtrace[1].func_index == outer);
  const WasmModule& m = *env.inst->module;
  // The faulting i32.load is the second instruction of its body (after local.get 0).
  CHECK(r.trap->backtrace[0].offset == m.functions[0].body_offset + 2);
  CHECK(r.trap->backtrace[1].offset == m.functions[1].body_offset + 2);  // the call
  // The store is still usable after the trap.
  CHECK(env.call("outer", {i32(4)}).ok());
}

TEST_CASE("integer traps and unreachable", "[interp][trap]") {
  ModuleBuilder b;
  uint32_t t = b.type({I32, I32}, {I32});
  uint32_t div = b.func(t, {}, code({op::local_get(0), op::local_get(1), {0x6d}}));
  uint32_t un = b.func(b.type({}, {}), {}, Bytes{0x00});
  b.export_("div", ExternKind::Func, div);
  b.export_("un", ExternKind::Func, un);
  Env env(b);
  CHECK(env.call("div", {i32(7), i32(0)}).trap->message == "integer divide by zero");
  CHECK(env.call("div", {i32(0x80000000u), i32(0xffffffffu)}).trap->message == "integer overflow");
  CHECK(env.call("div", {i32(-7), i32(2)}).values[0].i32 == uint32_t(-3));
  CHECK(env.call("un").trap->message == "unreachable");
}

namespace {

// (func $f (call $f)) — unbounded recursion.
ModuleBuilder runaway_module() {
  ModuleBuilder b;
  uint32_t t = b.type({}, {});
  b.func(t, {}, op::call(0));
  b.export_("runaway", ExternKind::Func, 0);
  return b;
}

void* run_runaway(void* out) {
  Env env(runaway_module());
  auto r = env.call("runaway");
  *static_cast<std::string*>(out) = r.ok() ? "no trap" : r.trap->message;
  return nullptr;
}

}  // namespace

TEST_CASE("deep recursion ends in call stack exhausted", "[interp][trap]") {
  Env env(runaway_module());
  auto r = env.call("runaway");
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap->message == "call stack exhausted");
  CHECK(env.store.exec().depth == 0);
  CHECK(env.call("runaway").trap->message == "call stack exhausted");  // again: store still usable

  rt::StoreConfig small;
  small.max_call_depth = 50;
  Env env2(fac_module(), {}, small);
  CHECK(env2.call("fac", {i64(20)}).ok());
  CHECK(env2.call("fac", {i64(60)}).trap->message == "call stack exhausted");

  rt::StoreConfig tiny_stack;
  tiny_stack.value_stack_bytes = 64 << 10;  // the value stack runs out before the depth limit
  Env env3(runaway_module(), {}, tiny_stack);
  CHECK(env3.call("runaway").trap->message == "call stack exhausted");
}

TEST_CASE("wasm recursion does not use the host stack", "[interp][trap]") {
  // 20000 wasm frames on a thread with a 256 KiB host stack (ASan builds need the margin).
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 << 10);
  std::string result;
  pthread_t th;
  REQUIRE(pthread_create(&th, &attr, run_runaway, &result) == 0);
  pthread_join(th, nullptr);
  pthread_attr_destroy(&attr);
  CHECK(result == "call stack exhausted");
}

TEST_CASE("wasm calls host functions and host functions call back into wasm", "[interp][host]") {
  rt::Store store(rt::StoreConfig{}, &interp::tier());
  rt::FuncInst* twice = nullptr;
  rt::Instance* inst = nullptr;
  rt::FuncInst* host = store.create_host_func(FuncType{{I32}, {I32}}, [&](rt::HostCall& hc, const rt::Value* a,
                                                                           rt::Value* res) {
    if (a[0].i32 == 99) {
      hc.message = "host says no";
      return TrapKind::HostError;
    }
    // Re-enter wasm from the host.
    rt::FuncInst* add = inst->find_func("add1");
    rt::Value arg[] = {a[0]};
    auto r = rt::call(hc.store, add, arg);
    if (!r.ok()) return r.trap->kind;
    res[0] = rt::Value::from_i32(r.values[0].i32 * 2);
    CHECK(hc.caller == inst);
    return TrapKind::None;
  });
  ModuleBuilder b;
  uint32_t t = b.type({I32}, {I32});
  uint32_t imp = b.import_func("env", "host", t);
  uint32_t add1 = b.func(t, {}, code({op::local_get(0), op::i32_const(1), {0x6a}}));
  uint32_t via = b.func(t, {}, code({op::local_get(0), op::call(imp), op::i32_const(3), {0x6a}}));
  b.export_("add1", ExternKind::Func, add1);
  b.export_("via", ExternKind::Func, via);
  rt::Extern ex[] = {rt::Extern::func(host)};
  auto r = rt::instantiate(store, b.load(), ex);
  REQUIRE(r.ok());
  inst = *r;
  twice = inst->find_func("via");
  rt::Value arg[] = {i32(10)};
  auto v = rt::call(store, twice, arg);
  REQUIRE(v.ok());
  CHECK(v.values[0].i32 == 25);  // (10 + 1) * 2 + 3
  rt::Value bad[] = {i32(99)};
  auto t2 = rt::call(store, twice, bad);
  REQUIRE_FALSE(t2.ok());
  CHECK(t2.trap->message == "host says no");
  REQUIRE(t2.trap->backtrace.size() == 1);
  CHECK(t2.trap->backtrace[0].func_index == via);
  CHECK(rt::call(store, twice, arg).ok());
}
