// Components, through the public API (shard/component.h): loading (decode + validate) a
// composed component, instantiating it, and the cost of a call that crosses components —
// greet("World") on the greeter/translator demo, which lowers two strings out of the greeter,
// lifts them into the translator, and copies the results back (CanonicalABI.md: the only
// copies the ABI requires) — next to a host call into the translator alone and a call that
// moves no memory at all, and the host calling an empty core function (the floor under them).
//
//   shard_bench_component APP.wasm TRANSLATOR.wasm [benchmark flags]
// bench/component.sh composes APP.wasm with `shard compose`, runs this, and times whole
// processes of `shard run` against jco (Node) on the same component. Figures: bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "shard/component.h"
#include "shard/shard.h"

namespace {

std::vector<uint8_t> app_bytes, translator_bytes;

std::vector<uint8_t> read(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void BM_Load(benchmark::State& state) {
  for (auto _ : state) {
    auto c = shard::cm::Component::from_bytes(app_bytes);
    if (!c) state.SkipWithError(c.error().to_string().c_str());
    benchmark::DoNotOptimize(c);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(app_bytes.size()));
}
BENCHMARK(BM_Load)->Unit(benchmark::kMicrosecond);

void BM_Instantiate(benchmark::State& state) {
  auto c = shard::cm::Component::from_bytes(app_bytes);
  shard::cm::Linker linker;
  for (auto _ : state) {
    shard::cm::Store store;  // a fresh store: every instance owns its memories
    auto inst = linker.instantiate(store, *c);
    if (!inst) state.SkipWithError(inst.error().to_string().c_str());
    benchmark::DoNotOptimize(inst);
  }
}
BENCHMARK(BM_Instantiate)->Unit(benchmark::kMicrosecond);

void BM_ColdCall(benchmark::State& state) {
  // bytes → instance → first greet(): what `shard run app.wasm --invoke` does in process
  for (auto _ : state) {
    auto c = shard::cm::Component::from_bytes(app_bytes);
    shard::cm::Linker linker;
    shard::cm::Store store;
    auto inst = linker.instantiate(store, *c);
    auto r = inst->call<std::string>("greet", std::string("World"));
    if (!r || *r != "Hola friend, World!") state.SkipWithError("wrong greeting");
  }
}
BENCHMARK(BM_ColdCall)->Unit(benchmark::kMicrosecond);

void BM_CrossComponentCall(benchmark::State& state) {
  auto c = shard::cm::Component::from_bytes(app_bytes);
  shard::cm::Linker linker;
  shard::cm::Store store;
  auto inst = linker.instantiate(store, *c);
  auto greet = inst->func("greet");
  const shard::cm::Val arg = shard::cm::Val::string("World");
  for (auto _ : state) {
    auto r = greet->call({&arg, 1});
    if (!r) state.SkipWithError(r.error().to_string().c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_CrossComponentCall);

void BM_HostToComponentCall(benchmark::State& state) {
  auto c = shard::cm::Component::from_bytes(translator_bytes);
  shard::cm::Linker linker;
  shard::cm::Store store;
  auto inst = linker.instantiate(store, *c);
  auto translate = inst->func("cyber:demo/translator#translate");
  const shard::cm::Val args[2] = {shard::cm::Val::string("friend"), shard::cm::Val::string("es")};
  for (auto _ : state) {
    auto r = translate->call(args);
    if (!r) state.SkipWithError(r.error().to_string().c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_HostToComponentCall);

void BM_ScalarCall(benchmark::State& state) {
  // the fixed cost of a lifted call: u32 in, u32 out, no memory
  auto c = shard::cm::Component::from_text(R"((component
    (core module $M (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))
    (core instance $m (instantiate $M))
    (func (export "inc") (param "x" u32) (result u32) (canon lift (core func $m "inc")))))");
  shard::cm::Linker linker;
  shard::cm::Store store;
  auto inst = linker.instantiate(store, *c);
  auto inc = inst->func("inc");
  const shard::cm::Val arg = shard::cm::Val::u32(41);
  for (auto _ : state) {
    auto r = inc->call({&arg, 1});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ScalarCall);

void BM_HostToEmptyCoreFunc(benchmark::State& state) {
  // the floor under every component call: the host calling an empty core wasm function
  // through the public core API's typed view (shard::TypedFunc)
  shard::Engine engine;
  auto m = shard::Module::from_text(engine, R"((module (func (export "nop"))))");
  shard::Store store(engine);
  shard::Linker linker(engine);
  auto inst = linker.instantiate(store, *m);
  auto nop = inst->typed_func<void()>("nop");
  if (!nop) return state.SkipWithError(nop.error().to_string().c_str());
  for (auto _ : state) {
    auto r = (*nop)();
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_HostToEmptyCoreFunc);

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s APP.wasm TRANSLATOR.wasm [benchmark flags]\n", argv[0]);
    return 2;
  }
  app_bytes = read(argv[1]);
  translator_bytes = read(argv[2]);
  argv[2] = argv[0];
  argc -= 2;
  argv += 2;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
