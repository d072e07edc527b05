// Stopping a guest through the public API: fuel, epochs (from another thread, with and
// without a deadline callback), the tier choice, and the native stack limit on a small
// host thread.
#include <catch2/catch.hpp>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "shard/component.h"
#include "shard/shard.h"

using namespace shard;

namespace {

// spin: the Done-means infinite loop. count(n): n iterations of a loop, so it consumes
// exactly 1 (entry) + n (loop starts) units. rec(n): n nested calls, each 1 unit.
constexpr std::string_view kLoops = R"wat(
  (module
    (func (export "spin") (loop $l (br $l)))
    (func (export "count") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))
    (func $rec (export "rec") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))
)wat";

Module must_load(const Engine& engine, std::string_view wat) {
  auto m = Module::from_text(engine, wat);
  INFO((m ? std::string() : m.error().to_string()));
  REQUIRE(m.ok());
  return std::move(m).value();
}

Instance must_instantiate(Store& store, const Engine& engine, const Module& m) {
  Linker linker(engine);
  auto inst = linker.instantiate(store, m);
  INFO((inst ? std::string() : inst.error().to_string()));
  REQUIRE(inst.ok());
  return *inst;
}

/// An engine, the loops module, a store and an instance of it.
struct Guest {
  explicit Guest(const EngineConfig& config)
      : engine(config), module(must_load(engine, kLoops)), store(engine), inst(must_instantiate(store, engine, module)) {}
  Engine engine;
  Module module;
  Store store;
  Instance inst;
};

}  // namespace

TEST_CASE("fuel: a documented budget, the trap when it runs out, refills", "[api][fuel]") {
  Guest g(EngineConfig{.tier = TierKind::Interpreter, .consume_fuel = true});
  Store& store = g.store;
  Instance& inst = g.inst;
  auto count = inst.typed_func<int32_t(int32_t)>("count");
  REQUIRE(count.ok());

  CHECK(*store.fuel() == 0);
  // count(9): 1 unit at entry + 9 loop iterations = 10 units.
  REQUIRE(store.set_fuel(10).ok());
  CHECK(*(*count)(9) == 9);
  CHECK(*store.fuel() == 0);
  REQUIRE(store.set_fuel(10).ok());
  auto r = (*count)(10);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::Trap);
  CHECK(r.error().trap == TrapKind::OutOfFuel);
  CHECK(r.error().message == "all fuel consumed");
  REQUIRE_FALSE(r.error().backtrace.empty());
  CHECK(r.error().backtrace[0].func_name == "count");

  // Calls consume at entry: rec(n) is n + 1 entries.
  REQUIRE(store.set_fuel(6).ok());
  CHECK(*inst.typed_func<int32_t(int32_t)>("rec").value()(5) == 5);
  CHECK(*store.fuel() == 0);

  // The infinite loop stops, and the store stays usable.
  REQUIRE(store.set_fuel(1'000'000).ok());
  auto spin = inst.func("spin");
  REQUIRE(spin.ok());
  auto s = spin->call({});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().trap == TrapKind::OutOfFuel);
  REQUIRE(store.set_fuel(100).ok());
  CHECK(*(*count)(3) == 3);
  CHECK(*store.fuel() == 96);
}

TEST_CASE("fuel and epochs must be enabled in the engine", "[api][fuel]") {
  Engine engine;
  Store store(engine);
  auto f = store.set_fuel(10);
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().kind == ErrorKind::Usage);
  CHECK(f.error().message.find("consume_fuel") != std::string::npos);
  auto e = store.set_epoch_deadline(1);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message.find("epoch_interruption") != std::string::npos);
}

TEST_CASE("epochs: another thread interrupts an infinite loop", "[api][epoch]") {
  Guest g(EngineConfig{.epoch_interruption = true});
  Engine& engine = g.engine;
  Store& store = g.store;
  Instance& inst = g.inst;
  REQUIRE(store.set_epoch_deadline(1).ok());
  auto spin = inst.func("spin");
  REQUIRE(spin.ok());
  auto start = std::chrono::steady_clock::now();
  std::thread timer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    engine.increment_epoch();
  });
  auto r = spin->call({});
  timer.join();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().trap == TrapKind::Interrupted);
  CHECK(r.error().message == "interrupted");
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(50));

  // A deadline in the future lets a finite call finish.
  REQUIRE(store.set_epoch_deadline(1).ok());
  CHECK(*inst.typed_func<int32_t(int32_t)>("count").value()(1000) == 1000);
}

TEST_CASE("epochs: the deadline callback extends, then stops", "[api][epoch]") {
  Guest g(EngineConfig{.epoch_interruption = true});
  Engine& engine = g.engine;
  Store& store = g.store;
  Instance& inst = g.inst;
  REQUIRE(store.set_epoch_deadline(1).ok());
  std::atomic<int> calls{0};
  store.on_epoch_deadline([&]() -> std::optional<uint64_t> {
    if (++calls < 3) return 1;  // two more ticks of running
    return std::nullopt;
  });
  std::atomic<bool> done{false};
  std::thread ticker([&] {
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      engine.increment_epoch();
    }
  });
  auto r = inst.func("spin")->call({});
  done = true;
  ticker.join();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().trap == TrapKind::Interrupted);
  CHECK(calls == 3);
}

TEST_CASE("fuel and epochs together", "[api][fuel][epoch]") {
  Guest g(EngineConfig{.consume_fuel = true, .epoch_interruption = true});
  Engine& engine = g.engine;
  Store& store = g.store;
  Instance& inst = g.inst;
  REQUIRE(store.set_fuel(10).ok());
  REQUIRE(store.set_epoch_deadline(1000).ok());
  CHECK(*inst.typed_func<int32_t(int32_t)>("count").value()(9) == 9);
  auto r = inst.func("spin")->call({});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().trap == TrapKind::OutOfFuel);
  REQUIRE(store.set_fuel(1'000'000'000).ok());
  REQUIRE(store.set_epoch_deadline(1).ok());
  engine.increment_epoch();
  r = inst.func("spin")->call({});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().trap == TrapKind::Interrupted);
}

TEST_CASE("components: fuel and epochs stop a looping export", "[api][component][fuel][epoch]") {
  constexpr const char* kComponent = R"((component
    (core module $M
      (func (export "spin") (loop $l (br $l)))
      (func (export "count") (param i32) (result i32) (local i32)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
        (local.get 1)))
    (core instance $m (instantiate $M))
    (func (export "spin") (canon lift (core func $m "spin")))
    (func (export "count") (param "n" u32) (result u32) (canon lift (core func $m "count")))
  ))";
  auto c = cm::Component::from_text(kComponent);
  INFO((c ? std::string() : c.error().to_string()));
  REQUIRE(c.ok());

  SECTION("fuel") {
    cm::Store store(EngineConfig{.consume_fuel = true});
    auto inst = cm::Linker().instantiate(store, *c);
    REQUIRE(inst.ok());
    REQUIRE(store.set_fuel(10).ok());
    CHECK(*inst->call<uint32_t>("count", uint32_t{9}) == 9);
    REQUIRE(store.set_fuel(1'000'000).ok());
    auto r = inst->func("spin")->call({});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::Trap);
    CHECK(r.error().message.find("all fuel consumed") != std::string::npos);
  }
  SECTION("epochs") {
    Engine engine(EngineConfig{.epoch_interruption = true});
    cm::Store store(engine);
    auto inst = cm::Linker().instantiate(store, *c);
    REQUIRE(inst.ok());
    REQUIRE(store.set_epoch_deadline(1).ok());
    std::thread timer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      engine.increment_epoch();
    });
    auto r = inst->func("spin")->call({});
    timer.join();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("interrupted") != std::string::npos);
  }
  SECTION("not enabled") {
    cm::Store store;
    CHECK_FALSE(store.set_fuel(1).ok());
    CHECK_FALSE(store.set_epoch_deadline(1).ok());
  }
}

TEST_CASE("tiers: an unavailable tier is a clear error, interp and auto run", "[api][tier]") {
  for (TierKind k : {TierKind::Interpreter, TierKind::Auto}) {
    Engine engine(EngineConfig{.tier = k});
    Module m = must_load(engine, kLoops);
    Store store(engine);
    CHECK(store.tier_error().empty());
    Instance inst = must_instantiate(store, engine, m);
    CHECK(*inst.typed_func<int32_t(int32_t)>("count").value()(5) == 5);
  }
  // In a build without the JIT (or on a host it does not support), asking for it fails
  // clearly instead of falling back.
  Engine engine(EngineConfig{.tier = TierKind::Jit});
  Module m = must_load(engine, kLoops);
  Store store(engine);
  auto inst = Linker(engine).instantiate(store, m);
  if (!store.tier_error().empty()) {
    REQUIRE_FALSE(inst.ok());
    CHECK(inst.error().kind == ErrorKind::Unsupported);
    CHECK(inst.error().message.find("tier 'jit' is not available") != std::string::npos);
    CHECK(inst.error().message.find("available: interp") != std::string::npos);
  } else {
    CHECK(inst.ok());
  }
}

namespace {

struct DeepArgs {
  const Engine* engine;
  const Module* module;
  Error error;
  bool ok = false;
  std::string innermost;  ///< the first (deepest) failure
  int depth = 0;
};

// host -> wasm -> host -> wasm ... until something stops it; runs on a thread with a small stack.
void* deep_reentry(void* p) {
  auto* a = static_cast<DeepArgs*>(p);
  Store store(*a->engine);
  Linker linker(*a->engine);
  Func* self = nullptr;
  linker.func("env", "again", [&](int32_t n) -> int32_t {
    a->depth = std::max(a->depth, n);
    auto r = self->call({Val::i32(n + 1)});
    if (!r && a->innermost.empty()) a->innermost = r.error().message;
    return r ? (*r)[0].i32() : -1;
  });
  auto inst = linker.instantiate(store, *a->module);
  if (!inst) return nullptr;
  auto f = inst->func("down");
  if (!f) return nullptr;
  self = &*f;
  auto r = f->call({Val::i32(0)});
  a->ok = r.ok();
  if (!r) a->error = r.error();
  return nullptr;
}

}  // namespace

TEST_CASE("native stack limit: deep host/wasm recursion on a small thread ends in a trap", "[api][stack]") {
  // Each level is a host -> wasm entry (a dispatch loop activation on the host stack). A
  // failed nested call makes `again` return -1, and the wasm function traps on it, so the
  // outermost call sees a trap whatever level ran out.
  constexpr std::string_view kWat = R"wat(
    (module
      (import "env" "again" (func $again (param i32) (result i32)))
      (func (export "down") (param i32) (result i32)
        (if (i32.lt_s (call $again (local.get 0)) (i32.const 0)) (then unreachable))
        (i32.const 0)))
  )wat";
  for (size_t thread_stack : {size_t{192} << 10, size_t{1} << 20}) {
    INFO("thread stack " << thread_stack);
    EngineConfig cfg;
    cfg.max_call_depth = 1'000'000;
    Engine engine(cfg);
    Module m = must_load(engine, kWat);
    DeepArgs args{&engine, &m, {}, false, {}, 0};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, thread_stack);
    pthread_t t;
    REQUIRE(pthread_create(&t, &attr, deep_reentry, &args) == 0);
    pthread_join(t, nullptr);
    pthread_attr_destroy(&attr);
    CHECK_FALSE(args.ok);
    CHECK(args.error.kind == ErrorKind::Trap);
    CHECK(args.innermost == "call stack exhausted");
    CHECK(args.depth > 10);
    // On the small thread the native limit, not the host re-entry limit (200), ended it.
    if (thread_stack < (size_t{256} << 10)) CHECK(args.depth < 190);
  }
}
