// Decode and validation throughput on a real module (bench/run-decode.sh builds a multi-MB one
// from C). Reports bytes/second per phase.
//
//   shard_bench_decode MODULE.wasm [benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "binary/decoder.h"
#include "valid/validator.h"

namespace {

std::vector<uint8_t> g_module;

void BM_Decode(benchmark::State& state) {
  for (auto _ : state) {
    auto m = shard::decode_module(g_module);
    if (!m) state.SkipWithError(m.error().message.c_str());
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(g_module.size()));
}

void BM_DecodeValidate(benchmark::State& state) {
  for (auto _ : state) {
    auto m = shard::load_module(g_module);
    if (!m) state.SkipWithError(m.error().message.c_str());
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(g_module.size()));
}

void BM_ValidateOnly(benchmark::State& state) {
  auto m = shard::decode_module(g_module);
  if (!m) {
    state.SkipWithError(m.error().message.c_str());
    return;
  }
  for (auto _ : state) {
    auto ok = shard::validate_module(*m);
    if (!ok) state.SkipWithError(ok.error().message.c_str());
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(g_module.size()));
}

BENCHMARK(BM_Decode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ValidateOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeValidate)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') {
    std::fprintf(stderr, "usage: shard_bench_decode MODULE.wasm [benchmark flags]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  g_module.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::fprintf(stderr, "module: %s, %zu bytes\n", argv[1], g_module.size());
  argv[1] = argv[0];
  ++argv;
  --argc;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
