// JIT micro-benchmarks: compile throughput (MB/s of wasm function bodies, including the
// body-decoder walk, into placed machine code) and machine-code bytes per wasm byte, beside
// the interpreter's compile on the same module.
//
//   shard_bench_jit MODULE.wasm [benchmark flags]      (bench/jit.sh builds the module)
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "interp/interp.h"
#include "jit/jit.h"
#include "valid/validator.h"

using namespace shard;

namespace {

std::vector<uint8_t> g_module;

std::shared_ptr<const WasmModule> load() {
  auto m = load_module(g_module);
  if (!m) return nullptr;
  return std::make_shared<const WasmModule>(std::move(m).value());
}

size_t body_bytes(const WasmModule& m) {
  size_t n = 0;
  for (const Function& f : m.functions) n += f.body_end - f.body_offset;
  return n;
}

template <bool kJit>
void BM_CompileModule(benchmark::State& state) {
  auto base = load();
  if (base == nullptr) {
    state.SkipWithError("no module given, or it does not load");
    return;
  }
  size_t before_code = jit::stats().code_bytes;
  for (auto _ : state) {
    state.PauseTiming();
    // Code is cached per module object: each iteration compiles a fresh copy.
    auto m = std::make_shared<const WasmModule>(WasmModule(*base));
    state.ResumeTiming();
    std::string err;
    bool ok = kJit ? jit::compile_module(*m, &err) : interp::compile_module(*m, &err);
    if (!ok) state.SkipWithError(err.c_str());
    state.PauseTiming();
    m.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(body_bytes(*base)));
  if (kJit) {
    jit::Stats s = jit::stats();
    state.counters["code_bytes_per_wasm_byte"] =
        double(s.code_bytes - before_code) / double(body_bytes(*base) * state.iterations());
    state.counters["fallbacks"] = double(s.fallbacks);
  }
}

}  // namespace

BENCHMARK_TEMPLATE(BM_CompileModule, true)->Unit(benchmark::kMillisecond)->Name("jit_compile_module");
BENCHMARK_TEMPLATE(BM_CompileModule, false)->Unit(benchmark::kMillisecond)->Name("interp_compile_module");

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) {
    std::ifstream in(argv[1], std::ios::binary);
    g_module.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
