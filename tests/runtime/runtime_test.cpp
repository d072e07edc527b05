// Runtime core: memories, tables, globals, host functions, instantiation and its errors.
#include <catch2/catch.hpp>

#include "runtime/layout.h"
#include "runtime/runtime.h"
#include "test_module.h"

using namespace shard;
using namespace shard::test;

TEST_CASE("memory reserves its range up front and grows in place", "[runtime][memory]") {
  rt::Store store;
  auto m = store.create_memory(MemoryType{Limits{1, 3}});
  REQUIRE(m.ok());
  rt::MemoryInst* mem = *m;
  uint8_t* base = mem->base;
  CHECK(mem->size == 65536);
  CHECK(mem->reserved >= (8ull << 30));  // full reservation by default (8 GiB)
  mem->base[65535] = 7;
  CHECK(mem->grow(1) == 1);
  CHECK(mem->size == 2 * 65536);
  CHECK(mem->base == base);
  CHECK(mem->base[65535] == 7);
  CHECK(mem->base[65536] == 0);  // fresh pages are zero
  CHECK(mem->grow(2) == UINT32_MAX);  // past the declared max
  CHECK(mem->grow(1) == 2);
  CHECK(mem->grow(0) == 3);
  CHECK(mem->pages() == 3);
  CHECK(mem->in_bounds(3 * 65536 - 4, 4));
  CHECK_FALSE(mem->in_bounds(3 * 65536 - 3, 4));
  CHECK_FALSE(mem->in_bounds(UINT64_MAX, 2));
}

TEST_CASE("memory limits come from the store config", "[runtime][memory]") {
  rt::StoreConfig cfg;
  cfg.max_memory_pages = 4;
  cfg.reserve_full_memory = false;
  cfg.guard_bytes = 65536;
  rt::Store store(cfg);
  auto m = store.create_memory(MemoryType{Limits{1, std::nullopt}});
  REQUIRE(m.ok());
  CHECK((*m)->reserved == 4 * 65536 + 65536);
  CHECK((*m)->grow(3) == 1);
  CHECK((*m)->grow(1) == UINT32_MAX);
  auto too_big = store.create_memory(MemoryType{Limits{5, std::nullopt}});
  CHECK_FALSE(too_big.ok());
}

TEST_CASE("tables grow up to their maximum", "[runtime][table]") {
  rt::StoreConfig cfg;
  cfg.max_table_elements = 100;
  rt::Store store(cfg);
  auto t = store.create_table(TableType{ValType::FuncRef, Limits{2, 10}});
  REQUIRE(t.ok());
  rt::TableInst* table = *t;
  CHECK(table->size == 2);
  CHECK(table->elements[0] == nullptr);
  int marker = 0;
  CHECK(table->grow(3, &marker) == 2);
  CHECK(table->size == 5);
  CHECK(table->elements[4] == &marker);
  CHECK(table->grow(6, nullptr) == UINT32_MAX);
  CHECK(table->grow(5, nullptr) == 5);
  auto unbounded = store.create_table(TableType{ValType::ExternRef, Limits{0, std::nullopt}});
  REQUIRE(unbounded.ok());
  CHECK((*unbounded)->grow(101, nullptr) == UINT32_MAX);  // config limit
  CHECK((*unbounded)->grow(100, nullptr) == 0);
}

TEST_CASE("layout offsets match the structs", "[runtime][layout]") {
  // The static_asserts in layout.h do the real work; this keeps the header compiled.
  CHECK(rt::layout::kSlotSize == sizeof(rt::Slot));
}

TEST_CASE("host functions are called through the common convention", "[runtime][host]") {
  rt::Store store;
  FuncType t{{ValType::I32, ValType::I64}, {ValType::I64, ValType::I32}};
  rt::FuncInst* f = store.create_host_func(t, [](rt::HostCall&, const rt::Value* args, rt::Value* results) {
    results[0] = rt::Value::from_i64(args[1].i64 * 2);
    results[1] = rt::Value::from_i32(args[0].i32 + 1);
    return TrapKind::None;
  });
  rt::Value args[] = {rt::Value::from_i32(41), rt::Value::from_i64(21)};
  rt::CallResult r = rt::call(store, f, args);
  REQUIRE(r.ok());
  REQUIRE(r.values.size() == 2);
  CHECK(r.values[0].type == ValType::I64);
  CHECK(r.values[0].i64 == 42);
  CHECK(r.values[1].i32 == 42);

  // Wrong argument types are reported, not executed.
  rt::Value bad[] = {rt::Value::from_i64(1), rt::Value::from_i64(2)};
  CHECK_FALSE(rt::call(store, f, bad).ok());
}

TEST_CASE("a host trap is a value with the host's message", "[runtime][host][trap]") {
  rt::Store store;
  rt::FuncInst* f = store.create_host_func(FuncType{}, [](rt::HostCall& hc, const rt::Value*, rt::Value*) {
    hc.message = "boom";
    return TrapKind::HostError;
  });
  rt::CallResult r = rt::call(store, f, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.trap->kind == TrapKind::HostError);
  CHECK(r.trap->message == "boom");
  // The store stays usable.
  rt::CallResult again = rt::call(store, f, {});
  CHECK(again.trap->message == "boom");
}

TEST_CASE("imports are type-checked with the spec's matching rules", "[runtime][instantiate]") {
  rt::Store store(rt::StoreConfig{}, &interp::tier());
  ModuleBuilder b;
  uint32_t t = b.type({I32}, {});
  b.import_func("env", "f", t);
  b.import_memory("env", "mem", 1, 4);
  b.import_table("env", "tab", 2, std::nullopt);
  b.import_global("env", "g", I32, false);
  auto mod = b.load();
  REQUIRE(mod);

  rt::FuncInst* good_f = store.create_host_func(FuncType{{I32}, {}}, [](auto&, auto, auto) { return TrapKind::None; });
  rt::FuncInst* bad_f = store.create_host_func(FuncType{{I64}, {}}, [](auto&, auto, auto) { return TrapKind::None; });
  rt::MemoryInst* mem_ok = *store.create_memory(MemoryType{Limits{2, 3}});
  rt::MemoryInst* mem_nomax = *store.create_memory(MemoryType{Limits{2, std::nullopt}});
  rt::TableInst* tab = *store.create_table(TableType{ValType::FuncRef, Limits{3, std::nullopt}});
  rt::TableInst* small = *store.create_table(TableType{ValType::FuncRef, Limits{1, std::nullopt}});
  rt::GlobalInst* g = store.create_global({I32, false}, rt::Value::from_i32(5));
  rt::GlobalInst* g_mut = store.create_global({I32, true}, rt::Value::from_i32(5));

  auto try_link = [&](rt::FuncInst* f, rt::MemoryInst* m, rt::TableInst* tb, rt::GlobalInst* gl) {
    rt::Extern ex[] = {rt::Extern::func(f), rt::Extern::memory(m), rt::Extern::table(tb), rt::Extern::global(gl)};
    return rt::instantiate(store, mod, ex);
  };
  CHECK(try_link(good_f, mem_ok, tab, g).ok());
  for (auto r : {try_link(bad_f, mem_ok, tab, g), try_link(good_f, mem_nomax, tab, g),
                 try_link(good_f, mem_ok, small, g), try_link(good_f, mem_ok, tab, g_mut)}) {
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Unlinkable);
    CHECK(r.error().message == "incompatible import type");
  }
  // Kind mismatch and count mismatch.
  rt::Extern swapped[] = {rt::Extern::memory(mem_ok), rt::Extern::func(good_f), rt::Extern::table(tab),
                          rt::Extern::global(g)};
  CHECK(rt::instantiate(store, mod, swapped).error().kind == ErrorKind::Unlinkable);
  CHECK(rt::instantiate(store, mod, {}).error().kind == ErrorKind::Unlinkable);
}

TEST_CASE("segments apply in order and earlier writes survive a failing one", "[runtime][instantiate]") {
  rt::Store store(rt::StoreConfig{}, &interp::tier());
  rt::TableInst* tab = *store.create_table(TableType{ValType::FuncRef, Limits{4, std::nullopt}});
  rt::MemoryInst* mem = *store.create_memory(MemoryType{Limits{1, std::nullopt}});

  SECTION("elem out of bounds") {
    ModuleBuilder b;
    b.import_table("env", "tab", 4, std::nullopt);
    uint32_t t = b.type({}, {});
    uint32_t f = b.func(t, {}, {});
    b.elem(0, {f});
    b.elem(3, {f, f});  // 3 + 2 > 4
    rt::Extern ex[] = {rt::Extern::table(tab)};
    auto r = rt::instantiate(store, b.load(), ex);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Uninstantiable);
    CHECK(r.error().message == "out of bounds table access");
    CHECK(tab->elements[0] != nullptr);  // the first segment stays applied
    CHECK(tab->elements[3] == nullptr);  // the failing one wrote nothing
  }
  SECTION("data out of bounds") {
    ModuleBuilder b;
    b.import_memory("env", "mem", 1, std::nullopt);
    b.data(10, "ab");
    b.data(65535, "xy");
    rt::Extern ex[] = {rt::Extern::memory(mem)};
    auto r = rt::instantiate(store, b.load(), ex);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "out of bounds memory access");
    CHECK(mem->base[10] == 'a');
    CHECK(mem->base[65535] == 0);
  }
}

TEST_CASE("each instance's functions are one block, its segments point at its own functions", "[runtime][instantiate]") {
  ModuleBuilder b;
  uint32_t t = b.type({}, {});
  uint32_t f0 = b.func(t, {}, {});
  uint32_t f1 = b.func(t, {}, {});
  b.table(4);
  b.elem(1, {f1, f0, f1});
  b.export_("f0", ExternKind::Func, f0);
  auto m = b.load();
  REQUIRE(m);
  rt::Store store(rt::StoreConfig{}, &interp::tier());
  rt::Instance* x = *rt::instantiate(store, m, {});
  rt::Instance* y = *rt::instantiate(store, m, {});
  for (rt::Instance* inst : {x, y}) {
    REQUIRE(inst->defined_funcs.size() == 2);
    CHECK(inst->funcs[f0] == &inst->defined_funcs[0]);
    CHECK(inst->funcs[f1] == &inst->defined_funcs[1]);
    CHECK(inst->find_func("f0") == inst->funcs[f0]);
    CHECK(inst->funcs[f1]->index == f1);
    CHECK(inst->funcs[f1]->instance == inst);
    CHECK(inst->funcs[f1]->entry == x->funcs[f0]->entry);  // one entry point for the module
    void** el = inst->table_vec[0]->elements;
    CHECK(el[0] == nullptr);
    CHECK(el[1] == inst->funcs[f1]);
    CHECK(el[2] == inst->funcs[f0]);
    CHECK(el[3] == inst->funcs[f1]);
    CHECK(inst->elem_vec[0]->refs.empty());  // dropped after initialising the table
  }
  CHECK(x->funcs[f0] != y->funcs[f0]);
}

TEST_CASE("the start function runs, and its trap makes the module uninstantiable", "[runtime][instantiate]") {
  rt::Store store(rt::StoreConfig{}, &interp::tier());
  int calls = 0;
  rt::FuncInst* host = store.create_host_func(FuncType{}, [&](rt::HostCall&, const rt::Value*, rt::Value*) {
    ++calls;
    return calls == 1 ? TrapKind::None : TrapKind::Unreachable;
  });
  ModuleBuilder b;
  uint32_t t = b.type({}, {});
  uint32_t imp = b.import_func("env", "h", t);
  b.start(imp);
  auto mod = b.load();
  rt::Extern ex[] = {rt::Extern::func(host)};
  CHECK(rt::instantiate(store, mod, ex).ok());
  CHECK(calls == 1);
  auto r = rt::instantiate(store, mod, ex);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Uninstantiable);
  CHECK(r.error().message == "unreachable");
}

TEST_CASE("exports and globals are found by name", "[runtime][instantiate]") {
  rt::Store store(rt::StoreConfig{}, &interp::tier());
  ModuleBuilder b;
  b.global_i32(false, 666);
  b.memory(1, 2);
  b.table(3);
  b.export_("g", ExternKind::Global, 0);
  b.export_("m", ExternKind::Memory, 0);
  b.export_("t", ExternKind::Table, 0);
  auto inst = rt::instantiate(store, b.load(), {});
  REQUIRE(inst.ok());
  auto g = (*inst)->get_global("g");
  REQUIRE(g);
  CHECK(g->type == I32);
  CHECK(g->i32 == 666);
  CHECK((*inst)->find_export("m")->as_memory()->pages() == 1);
  CHECK((*inst)->find_export("t")->as_table()->size == 3);
  CHECK_FALSE((*inst)->find_export("nope"));
  CHECK((*inst)->exports.size() == 3);
  CHECK((*inst)->mem0_base == (*inst)->mem0->base);
}

TEST_CASE("multi-memory: imported memories come first, data segments reach their memory", "[runtime][multi-memory]") {
  rt::Store store(rt::StoreConfig{}, &interp::tier());
  rt::MemoryInst* imported = *store.create_memory(MemoryType{Limits{1, std::nullopt}});
  ModuleBuilder b;
  b.import_memory("env", "m", 1, std::nullopt);  // memory 0
  b.memory(1);                                   // memory 1
  b.memory(2, 2);                                // memory 2
  b.data(4, "zero");
  b.data(8, "one", 1);
  b.data(65536 + 2, "two", 2);
  b.export_("m1", ExternKind::Memory, 1);
  b.export_("m2", ExternKind::Memory, 2);
  rt::Extern ex[] = {rt::Extern::memory(imported)};
  auto r = rt::instantiate(store, b.load(), ex);
  REQUIRE(r.ok());
  rt::Instance* inst = *r;
  REQUIRE(inst->memory_vec.size() == 3);
  CHECK(inst->memories == inst->memory_vec.data());
  CHECK(inst->mem0 == imported);
  CHECK(inst->mem0_base == imported->base);
  rt::MemoryInst* m1 = inst->memory_vec[1];
  rt::MemoryInst* m2 = inst->memory_vec[2];
  CHECK(inst->find_export("m1")->as_memory() == m1);
  CHECK(inst->find_export("m2")->as_memory() == m2);
  CHECK(m1->pages() == 1);
  CHECK(m2->pages() == 2);
  CHECK(m2->max_pages == 2);
  CHECK(std::string(reinterpret_cast<const char*>(imported->base + 4), 4) == "zero");
  CHECK(std::string(reinterpret_cast<const char*>(m1->base + 8), 3) == "one");
  CHECK(std::string(reinterpret_cast<const char*>(m2->base + 65538), 3) == "two");
  // Each segment wrote only its own memory.
  CHECK(imported->base[8] == 0);
  CHECK(m1->base[4] == 0);
  CHECK(m2->base[8] == 0);
}

TEST_CASE("multi-memory: a data segment out of bounds of its memory fails instantiation", "[runtime][multi-memory]") {
  rt::Store store(rt::StoreConfig{}, &interp::tier());
  ModuleBuilder b;
  b.memory(2);  // memory 0 has room at 65536 ...
  b.memory(1);  // ... memory 1 does not
  b.data(0, "a", 1);
  b.data(65536, "b", 1);
  auto r = rt::instantiate(store, b.load(), {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Uninstantiable);
  CHECK(r.error().message == "out of bounds memory access");
}

TEST_CASE("multi-memory: each memory import is matched on its own", "[runtime][multi-memory]") {
  rt::Store store(rt::StoreConfig{}, &interp::tier());
  ModuleBuilder b;
  b.import_memory("env", "a", 1, std::nullopt);
  b.import_memory("env", "b", 2, 3);
  auto mod = b.load();
  REQUIRE(mod);
  rt::MemoryInst* one = *store.create_memory(MemoryType{Limits{1, std::nullopt}});
  rt::MemoryInst* two = *store.create_memory(MemoryType{Limits{2, 3}});
  rt::Extern good[] = {rt::Extern::memory(one), rt::Extern::memory(two)};
  auto ok = rt::instantiate(store, mod, good);
  REQUIRE(ok.ok());
  CHECK((*ok)->memory_vec == std::vector<rt::MemoryInst*>{one, two});
  rt::Extern swapped[] = {rt::Extern::memory(two), rt::Extern::memory(one)};  // `one` is too small for "b"
  auto bad = rt::instantiate(store, mod, swapped);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "incompatible import type");
  // The same memory may be imported twice: both indices then name one memory.
  rt::Extern twice[] = {rt::Extern::memory(two), rt::Extern::memory(two)};
  auto same = rt::instantiate(store, mod, twice);
  REQUIRE(same.ok());
  CHECK((*same)->memories[0] == (*same)->memories[1]);
}
