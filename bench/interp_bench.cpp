// Interpreter micro-benchmarks: compile throughput (bytes of wasm bodies per second into the
// interpreter's code), dispatch speed on tight loops, and host→wasm call overhead.
//
//   shard_bench_interp [MODULE.wasm] [benchmark flags]
// MODULE (optional) is a large module for the compile benchmark (bench/run-decode.sh builds
// one); its imports are satisfied by dummy host functions.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "interp/interp.h"
#include "runtime/runtime.h"
#include "text/wat.h"
#include "valid/validator.h"

using namespace shard;

namespace {

std::vector<uint8_t> g_big;

std::shared_ptr<const WasmModule> load_text(std::string_view wat) {
  auto bytes = wat_to_binary(wat);
  if (!bytes) return nullptr;
  auto m = load_module(std::move(bytes).value());
  if (!m) return nullptr;
  return std::make_shared<const WasmModule>(std::move(m).value());
}

// Dummy imports of any function type; other import kinds are created to match.
std::vector<rt::Extern> dummy_imports(rt::Store& store, const WasmModule& m) {
  std::vector<rt::Extern> out;
  for (const Import& im : m.imports) {
    switch (im.kind) {
      case ExternKind::Func:
        out.push_back(rt::Extern::func(store.create_host_func(
            m.types[im.func_type], [](rt::HostCall&, const rt::Value*, rt::Value*) { return TrapKind::None; })));
        break;
      case ExternKind::Memory: out.push_back(rt::Extern::memory(*store.create_memory(im.memory))); break;
      case ExternKind::Table: out.push_back(rt::Extern::table(*store.create_table(im.table))); break;
      case ExternKind::Global:
        out.push_back(rt::Extern::global(store.create_global(im.global, rt::Value::default_of(im.global.type))));
        break;
      case ExternKind::Tag: out.push_back(rt::Extern::tag(store.create_tag(m.types[im.tag.type_index]))); break;
    }
  }
  return out;
}

void BM_CompileAll(benchmark::State& state) {
  if (g_big.empty()) {
    state.SkipWithError("no module given");
    return;
  }
  auto m = load_module(g_big);
  if (!m) {
    state.SkipWithError(m.error().message.c_str());
    return;
  }
  auto module = std::make_shared<const WasmModule>(std::move(m).value());
  size_t body_bytes = 0;
  for (const Function& f : module->functions) body_bytes += f.body_end - f.body_offset;
  for (auto _ : state) {
    state.PauseTiming();
    // Compiled code is cached per module: each iteration compiles a fresh copy (a copied
    // WasmModule starts with empty caches).
    module = std::make_shared<const WasmModule>(WasmModule(*module));
    rt::StoreConfig cfg;
    cfg.reserve_full_memory = false;
    auto store = std::make_unique<rt::Store>(cfg, &interp::tier());
    auto imports = dummy_imports(*store, *module);
    auto inst = rt::instantiate(*store, module, imports);
    if (!inst) {
      state.SkipWithError(inst.error().message.c_str());
      return;
    }
    state.ResumeTiming();
    std::string err;
    if (!interp::compile_all(**inst, &err)) state.SkipWithError(err.c_str());
    state.PauseTiming();
    store.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(body_bytes));
}

// A loop of `n` iterations doing a little integer work: per-iteration time ≈ dispatch cost.
constexpr std::string_view kLoops = R"wat((module
  (func (export "count") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.xor (local.get $n) (i32.const 0x5a))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "nop")))
)wat";

/// state.range(0) picks the code variant: 0 plain, 1 fuel, 2 epochs (rt::CodeVariant bits),
/// with a budget that never runs out.
struct LoopEnv {
  std::atomic<uint64_t> epoch{0};
  std::unique_ptr<rt::Store> store;
  rt::Instance* inst = nullptr;
  explicit LoopEnv(int64_t metering = 0) {
    rt::StoreConfig cfg;
    cfg.metering = static_cast<uint8_t>(metering);
    cfg.epoch = &epoch;
    store = std::make_unique<rt::Store>(cfg, &interp::tier());
    if (metering & rt::kMeterFuel) (void)store->set_fuel(UINT64_MAX);
    if (metering & rt::kMeterEpoch) (void)store->set_epoch_deadline(1'000'000);
    auto m = load_text(kLoops);
    if (m) inst = *rt::instantiate(*store, m, {});
  }
};

const char* variant_label(int64_t v) { return v == 0 ? "plain" : v == rt::kMeterFuel ? "fuel" : "epochs"; }

void BM_DispatchLoop(benchmark::State& state) {
  LoopEnv env(state.range(0));
  state.SetLabel(variant_label(state.range(0)));
  rt::FuncInst* f = env.inst->find_func("count");
  const uint32_t n = 1'000'000;
  rt::Value arg = rt::Value::from_i32(n);
  for (auto _ : state) {
    auto r = rt::call(*env.store, f, {&arg, 1});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * n);  // loop iterations per second
}

void BM_RecursiveCalls(benchmark::State& state) {
  LoopEnv env(state.range(0));
  state.SetLabel(variant_label(state.range(0)));
  rt::FuncInst* f = env.inst->find_func("fib");
  rt::Value arg = rt::Value::from_i32(25);
  for (auto _ : state) {
    auto r = rt::call(*env.store, f, {&arg, 1});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 242785);  // calls of fib(25)
}

void BM_HostToWasmCall(benchmark::State& state) {
  LoopEnv env;
  rt::FuncInst* f = env.inst->find_func("nop");
  for (auto _ : state) {
    auto r = rt::call(*env.store, f, {});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}

BENCHMARK(BM_CompileAll)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DispatchLoop)->Unit(benchmark::kMillisecond)->Arg(0)->Arg(rt::kMeterFuel)->Arg(rt::kMeterEpoch);
BENCHMARK(BM_RecursiveCalls)->Unit(benchmark::kMillisecond)->Arg(0)->Arg(rt::kMeterFuel)->Arg(rt::kMeterEpoch);
BENCHMARK(BM_HostToWasmCall);

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && argv[1][0] != '-') {
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", argv[1]);
      return 2;
    }
    g_big.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    argv[1] = argv[0];
    ++argv;
    --argc;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
