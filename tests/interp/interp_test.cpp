// Interpreter: compiled code shape (fusions), execution, traps with backtraces, call-stack
// exhaustion on small host stacks, and calls to and from host functions.
#include <catch2/catch.hpp>
#include <pthread.h>

#include <cstring>
#include <string>

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
    return interp::disassemble(*static_cast<interp::CompiledFunc*>(f->code->load()));
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

// ---- multi-memory ------------------------------------------------------------------------------

namespace {

Bytes v128_const(uint64_t lo, uint64_t hi) {
  Bytes b{0xfd, 0x0c};
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(lo >> (8 * i)));
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(hi >> (8 * i)));
  return b;
}
/// A prefixed SIMD memory instruction (0xfd code) with a memarg on `memidx` and optionally a lane.
Bytes simd_mem(uint8_t code, uint32_t memidx, int lane = -1) {
  Bytes b = op::mem(code, 0, 0, memidx);
  b.insert(b.begin(), 0xfd);
  if (lane >= 0) b.push_back(static_cast<uint8_t>(lane));
  return b;
}

}  // namespace

TEST_CASE("multi-memory: a store to memory 1 leaves memory 0 alone", "[interp][multi-memory]") {
  ModuleBuilder b;
  b.memory(2);  // memory 0
  b.memory(1);  // memory 1
  uint32_t st = b.type({I32, I32}, {});
  uint32_t ld = b.type({I32}, {I32});
  uint32_t ld64 = b.type({I32}, {I64});
  b.export_("store0", ExternKind::Func, b.func(st, {}, code({op::local_get(0), op::local_get(1), op::mem(0x36, 4, 2)})));
  b.export_("store1", ExternKind::Func, b.func(st, {}, code({op::local_get(0), op::local_get(1), op::mem(0x36, 4, 2, 1)})));
  b.export_("load0", ExternKind::Func, b.func(ld, {}, code({op::local_get(0), op::mem(0x28, 4, 2)})));
  b.export_("load1", ExternKind::Func, b.func(ld, {}, code({op::local_get(0), op::mem(0x28, 4, 2, 1)})));
  b.export_("store8_1", ExternKind::Func, b.func(st, {}, code({op::local_get(0), op::local_get(1), op::mem(0x3a, 0, 0, 1)})));
  b.export_("load8s_1", ExternKind::Func, b.func(ld64, {}, code({op::local_get(0), op::mem(0x30, 0, 0, 1)})));
  Env env(b);
  rt::MemoryInst* m0 = env.inst->memories[0];
  rt::MemoryInst* m1 = env.inst->memories[1];

  REQUIRE(env.call("store1", {i32(0), i32(0xdeadbeef)}).ok());
  CHECK(env.call("load1", {i32(0)}).values[0].i32 == 0xdeadbeef);
  CHECK(env.call("load0", {i32(0)}).values[0].i32 == 0);
  CHECK(m1->base[4] == 0xef);
  for (int k = 0; k < 16; ++k) CHECK(m0->base[k] == 0);
  REQUIRE(env.call("store0", {i32(0), i32(7)}).ok());
  CHECK(env.call("load0", {i32(0)}).values[0].i32 == 7);
  CHECK(env.call("load1", {i32(0)}).values[0].i32 == 0xdeadbeef);

  // Narrow accesses convert as on memory 0.
  REQUIRE(env.call("store8_1", {i32(100), i32(0x1ff)}).ok());
  CHECK(env.call("load8s_1", {i32(100)}).values[0].i64 == ~uint64_t{0});
  CHECK(m0->base[100] == 0);

  // Bounds are memory 1's own: it has one page, memory 0 two.
  CHECK(env.call("load0", {i32(65532)}).ok());
  auto r = env.call("load1", {i32(65532)});
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap->kind == TrapKind::OutOfBoundsMemory);
  REQUIRE(r.trap->backtrace.size() == 1);
  const WasmModule& m = *env.inst->module;
  CHECK(r.trap->backtrace[0].offset == m.functions[3].body_offset + 2);  // the i32.load after local.get 0
  CHECK(env.call("store1", {i32(65533), i32(1)}).trap->message == "out of bounds memory access");

  // Memory 0 keeps its plain handlers; memory 1 gets the MemN forms.
  std::string l0 = env.listing("store0"), l1 = env.listing("store1");
  INFO(l0 << l1);
  CHECK(l0.find("i32.store") != std::string::npos);
  CHECK(l0.find("memN.") == std::string::npos);
  CHECK(l1.find("memN.i32.store") != std::string::npos);
}

TEST_CASE("multi-memory: SIMD loads and stores, lane forms included, on memory 1", "[interp][multi-memory]") {
  ModuleBuilder b;
  b.memory(1);
  b.memory(1);
  uint32_t a_void = b.type({I32}, {});
  uint32_t a_i32 = b.type({I32}, {I32});
  uint32_t a_i64 = b.type({I32}, {I64});
  // v128.store64_lane 1 lane 1 of (0x1111, 0x2222) at addr
  b.export_("store_lane", ExternKind::Func,
            b.func(a_void, {}, code({op::local_get(0), v128_const(0x1111, 0x2222), simd_mem(0x5b, 1, 1)})));
  // i8x16.extract_lane_u 3 (v128.load8_lane 1 lane 3 addr (v128.const 0))
  b.export_("load_lane", ExternKind::Func,
            b.func(a_i32, {}, code({op::local_get(0), v128_const(0, 0), simd_mem(0x54, 1, 3), {0xfd, 0x16, 0x03}})));
  // i64x2.extract_lane 0 (v128.load 1 addr)
  b.export_("load", ExternKind::Func, b.func(a_i64, {}, code({op::local_get(0), simd_mem(0x00, 1), {0xfd, 0x1d, 0x00}})));
  Env env(b);
  REQUIRE(env.call("store_lane", {i32(16)}).ok());
  CHECK(env.call("load", {i32(16)}).values[0].i64 == 0x2222);
  CHECK(env.call("load_lane", {i32(17)}).values[0].i32 == 0x22);
  CHECK(env.inst->memories[0]->base[16] == 0);
  CHECK(env.call("store_lane", {i32(65529)}).trap->message == "out of bounds memory access");
  CHECK(env.call("load_lane", {i32(65536)}).trap->message == "out of bounds memory access");
}

TEST_CASE("multi-memory: memory.size, grow, fill, copy and init name their memory", "[interp][multi-memory]") {
  ModuleBuilder b;
  b.memory(1, 3);  // memory 0
  b.memory(2, 4);  // memory 1
  b.passive_data("hello");
  uint32_t none_i32 = b.type({}, {I32});
  uint32_t i32_i32 = b.type({I32}, {I32});
  uint32_t three = b.type({I32, I32, I32}, {});
  auto args3 = [](const Bytes& instr) { return code({op::local_get(0), op::local_get(1), op::local_get(2), instr}); };
  b.export_("size0", ExternKind::Func, b.func(none_i32, {}, op::memory_size(0)));
  b.export_("size1", ExternKind::Func, b.func(none_i32, {}, op::memory_size(1)));
  b.export_("grow0", ExternKind::Func, b.func(i32_i32, {}, code({op::local_get(0), op::memory_grow(0)})));
  b.export_("grow1", ExternKind::Func, b.func(i32_i32, {}, code({op::local_get(0), op::memory_grow(1)})));
  b.export_("fill1", ExternKind::Func, b.func(three, {}, args3(op::memory_fill(1))));
  b.export_("copy_1_to_0", ExternKind::Func, b.func(three, {}, args3(op::memory_copy(0, 1))));
  b.export_("copy_0_to_1", ExternKind::Func, b.func(three, {}, args3(op::memory_copy(1, 0))));
  b.export_("copy_1_to_1", ExternKind::Func, b.func(three, {}, args3(op::memory_copy(1, 1))));
  b.export_("init1", ExternKind::Func, b.func(three, {}, args3(op::memory_init(0, 1))));
  Env env(b);
  uint8_t* m0 = env.inst->memories[0]->base;
  uint8_t* m1 = env.inst->memories[1]->base;
  auto bytes = [](const uint8_t* p, size_t n) { return std::string(reinterpret_cast<const char*>(p), n); };

  CHECK(env.call("size0").values[0].i32 == 1);
  CHECK(env.call("size1").values[0].i32 == 2);
  CHECK(env.call("grow1", {i32(1)}).values[0].i32 == 2);
  CHECK(env.call("size1").values[0].i32 == 3);
  CHECK(env.call("size0").values[0].i32 == 1);
  CHECK(env.call("grow1", {i32(2)}).values[0].i32 == UINT32_MAX);  // past memory 1's maximum of 4
  CHECK(env.call("grow0", {i32(2)}).values[0].i32 == 1);
  CHECK(env.call("size0").values[0].i32 == 3);
  CHECK(env.call("size1").values[0].i32 == 3);

  REQUIRE(env.call("fill1", {i32(10), i32(0x55), i32(3)}).ok());
  CHECK(bytes(m1 + 9, 5) == std::string("\0\x55\x55\x55\0", 5));
  CHECK(m0[10] == 0);
  CHECK(env.call("fill1", {i32(3 * 65536 - 1), i32(1), i32(2)}).trap->message == "out of bounds memory access");

  REQUIRE(env.call("init1", {i32(2 * 65536 + 1), i32(1), i32(4)}).ok());
  CHECK(bytes(m1 + 2 * 65536 + 1, 4) == "ello");
  CHECK(m0[2 * 65536 + 1] == 0);
  CHECK(env.call("init1", {i32(3 * 65536 - 2), i32(0), i32(5)}).trap->message == "out of bounds memory access");

  // Between memories, both ways, and within memory 1 (overlapping).
  REQUIRE(env.call("copy_1_to_0", {i32(100), i32(9), i32(5)}).ok());
  CHECK(bytes(m0 + 100, 5) == std::string("\0\x55\x55\x55\0", 5));
  std::memcpy(m0 + 200, "abcd", 4);
  REQUIRE(env.call("copy_0_to_1", {i32(2 * 65536 + 100), i32(200), i32(4)}).ok());
  CHECK(bytes(m1 + 2 * 65536 + 100, 4) == "abcd");
  REQUIRE(env.call("copy_1_to_1", {i32(2 * 65536 + 101), i32(2 * 65536 + 100), i32(4)}).ok());
  CHECK(bytes(m1 + 2 * 65536 + 100, 5) == "aabcd");
  // Each side is checked against its own memory, before anything is written.
  m0[3 * 65536 - 1] = 0x77;
  CHECK(env.call("copy_1_to_0", {i32(3 * 65536 - 1), i32(10), i32(2)}).trap->message == "out of bounds memory access");
  CHECK(m0[3 * 65536 - 1] == 0x77);
  CHECK(env.call("copy_0_to_1", {i32(0), i32(3 * 65536 - 1), i32(2)}).trap->message == "out of bounds memory access");

  std::string l = env.listing("copy_1_to_0");
  INFO(l);
  CHECK(l.find("MemoryCopyN") != std::string::npos);
}

TEST_CASE("multi-memory: one memory imported twice grows under both indices", "[interp][multi-memory]") {
  rt::Store store(rt::StoreConfig{}, &interp::tier());
  rt::MemoryInst* shared = *store.create_memory(MemoryType{Limits{1, std::nullopt}});
  ModuleBuilder b;
  b.import_memory("env", "a", 1, std::nullopt);
  b.import_memory("env", "b", 1, std::nullopt);
  // grow memory 1 by a page, store 5 at 65536 through memory 0, load it back through memory 1,
  // and add memory 0's size: memory 0's cached bounds must see the growth.
  Bytes body = code({op::i32_const(1), op::memory_grow(1), {0x1a}, op::i32_const(65536), op::i32_const(5),
                     op::mem(0x36, 0, 2, 0), op::i32_const(65536), op::mem(0x28, 0, 2, 1), op::memory_size(0), {0x6a}});
  b.export_("f", ExternKind::Func, b.func(b.type({}, {I32}), {}, body));
  rt::Extern ex[] = {rt::Extern::memory(shared), rt::Extern::memory(shared)};
  auto r = rt::instantiate(store, b.load(), ex);
  REQUIRE(r.ok());
  auto v = rt::call(store, (*r)->find_func("f"), {});
  REQUIRE(v.ok());
  CHECK(v.values[0].i32 == 5 + 2);
  CHECK(shared->pages() == 2);
}
