// Compiled code belongs to the module: instances in one store, in several stores and on
// several threads share it, instantiation compiles nothing, instance state (globals,
// memories, tables) stays per instance, and traps and backtraces are the same in every
// instance. Also: the trusted (validation compiled out) body walk compiles exactly what the
// validating walk compiles.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "../runtime/test_module.h"
#include "interp/code.h"
#include "interp/interp.h"

using namespace shard;
using namespace shard::test;

namespace {

rt::Value i32(uint32_t v) { return rt::Value::from_i32(v); }
rt::Value i64(uint64_t v) { return rt::Value::from_i64(v); }

constexpr uint32_t kInc = 0, kFac = 1, kInd = 2, kLoad = 3;

// A mutable global, a memory, a table with one element: everything compiled code must reach
// through the instance at run time.
//   inc  () -> i32      global0 += 1; return global0
//   fac  (i64) -> i64   recursive factorial
//   ind  (i32) -> i32   call_indirect (type of inc) through table 0
//   load (i32) -> i32   i32.load
ModuleBuilder shared_module() {
  ModuleBuilder b;
  uint32_t t_inc = b.type({}, {I32});
  uint32_t t_fac = b.type({I64}, {I64});
  uint32_t t_i = b.type({I32}, {I32});
  b.memory(1);
  b.table(2);
  b.global_i32(true, 0);
  b.func(t_inc, {}, code({op::global_get(0), op::i32_const(1), {0x6a}, {0x24, 0x00}, op::global_get(0)}));
  b.func(t_fac, {}, code({op::local_get(0), {0x50}, {0x04, 0x7e}, op::i64_const(1), {0x05}, op::local_get(0),
                          op::local_get(0), op::i64_const(1), {0x7d}, op::call(kFac), {0x7e}, {0x0b}}));
  b.func(t_i, {}, code({op::local_get(0), {0x11, static_cast<uint8_t>(t_inc), 0x00}}));
  b.func(t_i, {}, code({op::local_get(0), op::mem(0x28, 0, 2)}));
  b.export_("inc", ExternKind::Func, kInc);
  b.export_("fac", ExternKind::Func, kFac);
  b.export_("ind", ExternKind::Func, kInd);
  b.export_("load", ExternKind::Func, kLoad);
  b.elem(0, {kInc});  // table[1] stays null
  b.data(0, "\x07");
  return b;
}

rt::Instance* instantiate(rt::Store& store, const std::shared_ptr<const WasmModule>& m) {
  auto r = rt::instantiate(store, m, {});
  REQUIRE(r.ok());
  return *r;
}

rt::CallResult call(rt::Store& store, rt::Instance* inst, const char* name, std::vector<rt::Value> args = {}) {
  rt::FuncInst* f = inst->find_func(name);
  REQUIRE(f != nullptr);
  return rt::call(store, f, args);
}

uint32_t call_i32(rt::Store& store, rt::Instance* inst, const char* name, std::vector<rt::Value> args = {}) {
  auto r = call(store, inst, name, std::move(args));
  REQUIRE(r.ok());
  return r.values[0].i32;
}

}  // namespace

TEST_CASE("instantiation compiles nothing, instances and stores share one module's code", "[interp][shared]") {
  auto m = shared_module().load();
  REQUIRE(m);
  rt::Store s1(rt::StoreConfig{}, &interp::tier());
  rt::Store s2(rt::StoreConfig{}, &interp::tier());
  rt::Instance* a = instantiate(s1, m);
  rt::Instance* b = instantiate(s1, m);
  rt::Instance* c = instantiate(s2, m);
  CHECK(interp::compiled_functions(*m) == 0);
  for (rt::Instance* inst : {a, b, c})
    for (const rt::FuncInst& f : inst->defined_funcs) {
      REQUIRE(f.code != nullptr);  // the function's slot in the module's code table
      CHECK(f.code->load() == nullptr);
    }

  // Globals are per instance although the code is the same.
  CHECK(call_i32(s1, a, "inc") == 1);
  CHECK(call_i32(s1, a, "inc") == 2);
  CHECK(interp::compiled_functions(*m) == 1);
  CHECK(call_i32(s1, b, "inc") == 1);
  CHECK(call_i32(s2, c, "inc") == 1);
  CHECK(interp::compiled_functions(*m) == 1);  // nothing compiled again for b and c
  CHECK(a->func_vec[kInc]->code->load() != nullptr);
  // One slot per module and variant: publishing code there (tier-up) reaches every instance.
  CHECK(a->func_vec[kInc]->code == b->func_vec[kInc]->code);
  CHECK(a->func_vec[kInc]->code == c->func_vec[kInc]->code);

  // Tables and memories too; call_indirect reaches the calling instance's own inc.
  CHECK(call_i32(s2, c, "ind", {i32(0)}) == 2);
  CHECK(call_i32(s1, a, "ind", {i32(0)}) == 3);
  CHECK(call_i32(s1, a, "load", {i32(0)}) == 7);
  b->memory_vec[0]->base[0] = 9;
  CHECK(call_i32(s1, b, "load", {i32(0)}) == 9);
  CHECK(call_i32(s2, c, "load", {i32(0)}) == 7);
  auto f = call(s2, c, "fac", {i64(20)});
  REQUIRE(f.ok());
  CHECK(f.values[0].i64 == 2432902008176640000ull);
  CHECK(interp::compiled_functions(*m) == 4);

  // A later instance finds everything compiled.
  rt::Store s3(rt::StoreConfig{}, &interp::tier());
  rt::Instance* d = instantiate(s3, m);
  CHECK(call_i32(s3, d, "ind", {i32(0)}) == 1);
  CHECK(interp::compiled_functions(*m) == 4);
  CHECK(d->func_vec[kInd]->code == a->func_vec[kInd]->code);
  CHECK(d->func_vec[kInc]->code == a->func_vec[kInc]->code);
  CHECK(d->func_vec[kFac]->code == a->func_vec[kFac]->code);  // one slot: no per-instance pointer to fill
  // compile_all compiles nothing the module already has.
  rt::Instance* e = instantiate(s3, m);
  REQUIRE(interp::compile_all(*e));
  CHECK(interp::compiled_functions(*m) == 4);
  CHECK(e->func_vec[kLoad]->code == a->func_vec[kLoad]->code);
}

TEST_CASE("the module's compiled code outlives the stores that ran it", "[interp][shared]") {
  auto m = shared_module().load();
  REQUIRE(m);
  {
    rt::Store s(rt::StoreConfig{}, &interp::tier());
    CHECK(call_i32(s, instantiate(s, m), "ind", {i32(0)}) == 1);
  }
  CHECK(interp::compiled_functions(*m) == 2);
  rt::Store s(rt::StoreConfig{}, &interp::tier());
  CHECK(call_i32(s, instantiate(s, m), "ind", {i32(0)}) == 1);
  CHECK(interp::compiled_functions(*m) == 2);
}

TEST_CASE("traps and backtraces are the same in every instance sharing the code", "[interp][shared][trap]") {
  auto m = shared_module().load();
  REQUIRE(m);
  rt::Store s1(rt::StoreConfig{}, &interp::tier());
  rt::Store s2(rt::StoreConfig{}, &interp::tier());
  for (auto [store, inst] : {std::pair{&s1, instantiate(s1, m)}, std::pair{&s1, instantiate(s1, m)},
                             std::pair{&s2, instantiate(s2, m)}}) {
    auto r = call(*store, inst, "ind", {i32(1)});
    REQUIRE_FALSE(r.ok());
    CHECK(r.trap->kind == TrapKind::UninitializedElement);
    CHECK(r.trap->message == "uninitialized element 1");
    REQUIRE(r.trap->backtrace.size() == 1);
    CHECK(r.trap->backtrace[0].instance == inst);
    CHECK(r.trap->backtrace[0].func_index == kInd);
    CHECK(r.trap->backtrace[0].offset == m->functions[kInd].body_offset + 2);  // the call_indirect

    auto oob = call(*store, inst, "load", {i32(65534)});
    REQUIRE_FALSE(oob.ok());
    CHECK(oob.trap->message == "out of bounds memory access");
    REQUIRE(oob.trap->backtrace.size() == 1);
    CHECK(oob.trap->backtrace[0].instance == inst);
    CHECK(oob.trap->backtrace[0].func_index == kLoad);
    CHECK(oob.trap->backtrace[0].offset == m->functions[kLoad].body_offset + 2);
    CHECK(call_i32(*store, inst, "load", {i32(0)}) == 7);  // still usable
  }
  CHECK(interp::compiled_functions(*m) == 2);  // ind and load; inc was never reached
}

TEST_CASE("two threads, each with its own store, run one module concurrently", "[interp][shared][threads]") {
  // Several fresh modules, so the threads also race to compile the same functions first.
  for (int round = 0; round < 8; ++round) {
    auto m = shared_module().load();
    REQUIRE(m);
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::atomic<int> failures{0};
    auto worker = [&] {
      rt::Store store(rt::StoreConfig{}, &interp::tier());
      std::vector<rt::Instance*> insts;
      for (int i = 0; i < 3; ++i) {
        auto r = rt::instantiate(store, m, {});
        if (!r) {
          failures.fetch_add(1);
          return;
        }
        insts.push_back(*r);
      }
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      // Catch2's assertion macros are not thread-safe: count failures, check after join.
      for (int iter = 0; iter < 50; ++iter) {
        for (rt::Instance* inst : insts) {
          rt::Value n = i64(12);
          auto f = rt::call(store, inst->find_func("fac"), {&n, 1});
          if (!f.ok() || f.values[0].i64 != 479001600ull) failures.fetch_add(1);
          rt::Value zero = i32(0);
          auto v = rt::call(store, inst->find_func("ind"), {&zero, 1});
          if (!v.ok() || v.values[0].i32 != uint32_t(iter + 1)) failures.fetch_add(1);
          auto l = rt::call(store, inst->find_func("load"), {&zero, 1});
          if (!l.ok() || l.values[0].i32 != 7) failures.fetch_add(1);
          rt::Value one = i32(1);
          auto t = rt::call(store, inst->find_func("ind"), {&one, 1});
          if (t.ok() || t.trap->backtrace.size() != 1 || t.trap->backtrace[0].instance != inst) failures.fetch_add(1);
        }
      }
    };
    std::thread t1(worker), t2(worker);
    while (ready.load() < 2 && failures.load() == 0) std::this_thread::yield();
    go.store(true, std::memory_order_release);
    t1.join();
    t2.join();
    CHECK(failures.load() == 0);
    CHECK(interp::compiled_functions(*m) == 4);  // each function compiled once, by one thread
  }
}

TEST_CASE("the trusted body walk compiles what the validating walk compiles", "[interp][shared]") {
  // Same module twice: once as load_module left it (validated: compiled without checks), once
  // marked unvalidated (compiled through the checking BodyDecoder).
  for (const ModuleBuilder& b : {shared_module()}) {
    auto trusted = b.load();
    REQUIRE(trusted);
    REQUIRE(trusted->validated);
    auto copy = std::make_shared<WasmModule>(*trusted);
    copy->validated = false;
    std::shared_ptr<const WasmModule> checked = copy;
    rt::Store store(rt::StoreConfig{}, &interp::tier());
    rt::Instance* x = instantiate(store, trusted);
    rt::Instance* y = instantiate(store, checked);
    REQUIRE(interp::compile_all(*x));
    REQUIRE(interp::compile_all(*y));
    REQUIRE(x->defined_funcs.size() == y->defined_funcs.size());
    for (size_t i = 0; i < x->defined_funcs.size(); ++i) {
      const auto& cx = *static_cast<const interp::CompiledFunc*>(x->defined_funcs[i].code->load());
      const auto& cy = *static_cast<const interp::CompiledFunc*>(y->defined_funcs[i].code->load());
      CHECK(&cx != &cy);
      CHECK(interp::disassemble(cx) == interp::disassemble(cy));
      CHECK(cx.offsets == cy.offsets);
      CHECK(cx.frame_slots == cy.frame_slots);
    }
  }
}
