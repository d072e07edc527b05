// The public embedding API (include/shard/shard.h), used as an embedder would.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "shard/shard.h"

using namespace shard;

namespace {

Module must_load(const Engine& engine, std::string_view wat) {
  auto m = Module::from_text(engine, wat);
  INFO((m ? std::string() : m.error().to_string()));
  REQUIRE(m.ok());
  return std::move(m).value();
}

constexpr std::string_view kGuest = R"wat(
  (module
    (import "env" "log" (func $log (param i32)))
    (import "env" "twice" (func $twice (param i64) (result i64)))
    (import "env" "sum_mem" (func $sum_mem (param i32 i32) (result i32)))
    (memory (export "memory") 1 4)
    (global $g (export "counter") (mut i32) (i32.const 5))
    (table (export "table") 2 funcref)
    (data (i32.const 16) "\01\02\03\04")
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "call_log") (param i32) (call $log (local.get 0)))
    (func (export "quad") (param i64) (result i64) (call $twice (call $twice (local.get 0))))
    (func (export "sum16") (result i32) (call $sum_mem (i32.const 16) (i32.const 4)))
    (func $deep (export "deep") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0))
        (then (unreachable))
        (else (call $deep (i32.sub (local.get 0) (i32.const 1))))))
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))
)wat";

}  // namespace

TEST_CASE("api: host functions from lambdas, typed and untyped calls") {
  Engine engine;
  Module module = must_load(engine, kGuest);
  Store store(engine);
  Linker linker(engine);
  int32_t logged = 0;
  linker.func("env", "log", [&](int32_t x) { logged = x; });
  linker.func("env", "twice", [](int64_t x) -> int64_t { return 2 * x; });
  linker.func("env", "sum_mem", [](Caller& caller, int32_t ptr, int32_t len) -> Result<int32_t> {
    auto mem = caller.memory();
    if (!mem) return Error{ErrorKind::Usage, "no memory"};
    auto bytes = mem->view(uint32_t(ptr), uint32_t(len));
    if (!bytes) return std::move(bytes).error();
    int32_t sum = 0;
    for (uint8_t b : *bytes) sum += b;
    return sum;
  });
  auto inst = linker.instantiate(store, module);
  REQUIRE(inst.ok());

  auto add = inst->typed_func<int32_t(int32_t, int32_t)>("add");
  REQUIRE(add.ok());
  CHECK(*(*add)(2, 40) == 42);

  auto call_log = inst->func("call_log");
  REQUIRE(call_log.ok());
  REQUIRE(call_log->call({Val::i32(7)}).ok());
  CHECK(logged == 7);

  auto quad = inst->typed_func<int64_t(int64_t)>("quad");
  REQUIRE(quad.ok());
  CHECK(*(*quad)(5) == 20);

  auto sum16 = inst->typed_func<int32_t()>("sum16");
  REQUIRE(sum16.ok());
  CHECK(*(*sum16)() == 10);

  // Wrong C++ signature, wrong dynamic arguments: usage errors, not crashes.
  CHECK(inst->typed_func<int64_t(int32_t)>("add").error().kind == ErrorKind::Usage);
  CHECK(inst->func("add")->call({Val::i32(1)}).error().kind == ErrorKind::Usage);
  CHECK(inst->func("add")->call({Val::i64(1), Val::i32(1)}).error().kind == ErrorKind::Usage);
  CHECK(inst->func("nope").error().kind == ErrorKind::Usage);
  CHECK(inst->memory("add").error().kind == ErrorKind::Usage);
}

TEST_CASE("api: traps are errors with kind and backtrace, the store stays usable") {
  Engine engine;
  Module module = must_load(engine, kGuest);
  Store store(engine);
  Linker linker(engine);
  linker.func("env", "log", [](int32_t) {});
  linker.func("env", "twice", [](int64_t x) -> Result<int64_t> {
    if (x > 100) return Error{ErrorKind::Usage, "too big"};
    return 2 * x;
  });
  linker.func("env", "sum_mem", [](int32_t, int32_t) -> int32_t { return 0; });
  auto inst = linker.instantiate(store, module);
  REQUIRE(inst.ok());

  auto r = inst->func("deep")->call({Val::i32(3)});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Trap);
  CHECK(r.error().trap == TrapKind::Unreachable);
  CHECK(r.error().backtrace.size() == 4);  // deep(0) .. deep(3)
  CHECK(r.error().to_string().find("unreachable") != std::string::npos);

  auto d = inst->typed_func<int32_t(int32_t, int32_t)>("div");
  CHECK((*d)(1, 0).error().trap == TrapKind::IntegerDivideByZero);
  CHECK((*d)(INT32_MIN, -1).error().trap == TrapKind::IntegerOverflow);
  CHECK(*(*d)(9, 3) == 3);  // still usable

  // A host function's error traps the guest with the host's message.
  auto q = inst->typed_func<int64_t(int64_t)>("quad");
  auto e = (*q)(1000);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().trap == TrapKind::HostError);
  CHECK(e.error().message == "too big");
}

TEST_CASE("api: memory, globals and tables are bounds- and type-checked") {
  Engine engine;
  Module module = must_load(engine, kGuest);
  Store store(engine);
  Linker linker(engine);
  linker.func("env", "log", [](int32_t) {});
  linker.func("env", "twice", [](int64_t x) { return x; });
  linker.func("env", "sum_mem", [](int32_t, int32_t) { return int32_t{0}; });
  auto inst = linker.instantiate(store, module);
  REQUIRE(inst.ok());

  auto mem = inst->memory("memory");
  REQUIRE(mem.ok());
  CHECK(mem->pages() == 1);
  uint8_t buf[4];
  REQUIRE(mem->read(16, buf).ok());
  CHECK(buf[3] == 4);
  CHECK_FALSE(mem->read(65534, buf).ok());
  CHECK_FALSE(mem->view(UINT64_MAX, 2).ok());
  CHECK(*mem->grow(3) == 1);
  CHECK_FALSE(mem->grow(1).ok());  // declared max 4
  CHECK(mem->size() == 4 * 65536);

  auto g = inst->global("counter");
  REQUIRE(g.ok());
  CHECK(g->get().i32() == 5);
  REQUIRE(g->set(Val::i32(9)).ok());
  CHECK(g->get().i32() == 9);
  CHECK(g->set(Val::i64(1)).error().kind == ErrorKind::Usage);

  auto t = inst->table("table");
  REQUIRE(t.ok());
  CHECK(t->size() == 2);
  CHECK(t->get(0)->is_null());
  auto add = inst->func("add");
  REQUIRE(t->set(1, Val::funcref(*add)).ok());
  CHECK_FALSE(t->get(1)->is_null());
  CHECK_FALSE(t->get(2).ok());
  CHECK_FALSE(t->set(0, Val::i32(1)).ok());
}

TEST_CASE("api: link errors name the import, malformed and invalid modules are values") {
  Engine engine;
  Module module = must_load(engine, kGuest);
  Store store(engine);
  Linker linker(engine);
  auto inst = linker.instantiate(store, module);
  REQUIRE_FALSE(inst.ok());
  CHECK(inst.error().kind == ErrorKind::Unlinkable);
  CHECK(inst.error().message.find("\"env\" \"log\"") != std::string::npos);

  // Wrong type for an import.
  linker.func("env", "log", [](int64_t) {});
  linker.func("env", "twice", [](int64_t x) { return x; });
  linker.func("env", "sum_mem", [](int32_t, int32_t) { return int32_t{0}; });
  auto bad = linker.instantiate(store, module);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::Unlinkable);

  const uint8_t junk[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
  auto m1 = Module::from_binary(engine, junk);
  REQUIRE_FALSE(m1.ok());
  CHECK(m1.error().kind == ErrorKind::Malformed);
  CHECK(m1.error().offset != SIZE_MAX);

  auto m2 = Module::from_text(engine, "(module (func (result i32) (i64.const 0)))");
  REQUIRE_FALSE(m2.ok());
  CHECK(m2.error().kind == ErrorKind::Invalid);

  auto m3 = Module::from_text(engine, "(module (func (i32.bogus)))");
  REQUIRE_FALSE(m3.ok());
  CHECK(m3.error().line == 1);
}

TEST_CASE("api: modules describe imports and exports, instances link to instances") {
  Engine engine;
  Module lib = must_load(engine, R"wat((module
      (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (memory (export "mem") 1)
      (global (export "g") i64 (i64.const 3))))wat");
  auto exports = lib.exports();
  REQUIRE(exports.size() == 3);
  CHECK(exports[0].name == "inc");
  CHECK(exports[0].type.kind == ExternKind::Func);
  CHECK(exports[0].type.func.params == std::vector<ValType>{ValType::I32});
  CHECK(exports[2].type.global.type == ValType::I64);

  Module app = must_load(engine, R"wat((module
      (import "lib" "inc" (func $inc (param i32) (result i32)))
      (import "lib" "mem" (memory 1))
      (func (export "run") (result i32) (call $inc (i32.const 41)))))wat");
  auto imports = app.imports();
  REQUIRE(imports.size() == 2);
  CHECK(imports[1].type.kind == ExternKind::Memory);

  Store store(engine);
  Linker linker(engine);
  auto l = linker.instantiate(store, lib);
  REQUIRE(l.ok());
  linker.define_instance("lib", *l);
  auto a = linker.instantiate(store, app);
  REQUIRE(a.ok());
  CHECK(*(*a->typed_func<int32_t()>("run"))() == 42);

  // A handle from another store cannot be linked.
  Store other(engine);
  auto l2 = Linker(engine).instantiate(other, lib);
  REQUIRE(l2.ok());
  Linker cross(engine);
  cross.define_instance("lib", *l2);
  CHECK(cross.instantiate(store, app).error().kind == ErrorKind::Unlinkable);
}

TEST_CASE("api: limits from the engine config apply") {
  EngineConfig config;
  config.max_memory_pages = 2;
  config.max_call_depth = 100;
  Engine engine(config);
  Module m = must_load(engine, R"wat((module
      (memory (export "m") 1)
      (func $r (export "r") (param i32) (result i32) (call $r (local.get 0)))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))))wat");
  Store store(engine);
  auto inst = Linker(engine).instantiate(store, m);
  REQUIRE(inst.ok());
  auto grow = inst->typed_func<int32_t(int32_t)>("grow");
  CHECK(*(*grow)(1) == 1);
  CHECK(*(*grow)(1) == -1);  // the engine's limit, below the module's
  auto r = inst->typed_func<int32_t(int32_t)>("r");
  CHECK((*r)(0).error().trap == TrapKind::CallStackExhausted);
}
