// Cold start, phase by phase, for WASI commands: bytes -> validated module, instantiating an
// already loaded module (WASI imports linked), compiling every function to interpreter code,
// the first call of _start on a freshly loaded module (compiling what it reaches) and on a
// fresh instance of a module that already ran (its code is cached per module), and the whole
// path from bytes to exit code.
// bench/coldstart.sh builds the modules, runs this, and times whole processes of Shard, wabt
// and Node on the same files. Figures: bench/RESULTS.md, "Cold start".
//
//   shard_bench_coldstart NAME=MODULE.wasm... [benchmark flags]
//
// Every phase that needs a fresh instance builds it outside the timed region and reports
// wall time measured around the phase alone (UseManualTime), instead of PauseTiming, whose
// own cost is in the microseconds this is trying to see. Guest output goes to a callback:
// the terminal is never touched.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "interp/interp.h"
#include "runtime/runtime.h"
#include "shard/wasi.h"
#include "valid/validator.h"
#include "wasi/context.h"

using namespace shard;

namespace {

using Clock = std::chrono::steady_clock;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

/// Times one phase per iteration: wall time (the benchmark's reported time, UseManualTime)
/// and, as the counter cpu_us, this thread's CPU time, which other load on a shared machine
/// inflates less. The CPU clock (a system call) is read outside the wall-clock interval.
class PhaseTimer {
 public:
  explicit PhaseTimer(benchmark::State& state) : state_(state) {}
  ~PhaseTimer() {
    state_.counters["cpu_us"] =
        benchmark::Counter(cpu_total_ * 1e6 / double(std::max<int64_t>(1, int64_t(state_.iterations()))));
  }
  void start() {
    cpu0_ = thread_cpu_seconds();
    wall0_ = Clock::now();
  }
  void stop() {
    auto wall1 = Clock::now();
    cpu_total_ += thread_cpu_seconds() - cpu0_;
    state_.SetIterationTime(std::chrono::duration<double>(wall1 - wall0_).count());
  }

 private:
  benchmark::State& state_;
  Clock::time_point wall0_;
  double cpu0_ = 0, cpu_total_ = 0;
};

/// A module under test: its bytes, and the same bytes loaded once (for the phases after
/// loading).
struct Subject {
  std::string name;
  std::vector<uint8_t> bytes;
  std::shared_ptr<const WasmModule> module;
};

std::vector<Subject> g_subjects;

/// Stdin closed; stdout and stderr to `sink` (or dropped when null). argv is one word, as
/// `shard run FILE` gives it, so a guest that folds argc into its output agrees.
wasi::WasiConfig quiet_config(std::string* sink) {
  wasi::WasiConfig c;
  c.args = {"guest.wasm"};
  c.stdin_stream = wasi::Stdio::closed();
  auto write = [sink](std::span<const uint8_t> b) {
    if (sink != nullptr) sink->append(b.begin(), b.end());
  };
  c.stdout_stream = wasi::Stdio::closed();
  c.stdout_stream.write = write;
  c.stderr_stream = wasi::Stdio::closed();
  c.stderr_stream.write = write;
  return c;
}

/// What one guest instance needs: its WASI context, its store, and (once instantiated) the
/// instance. The store is built as `shard run` builds it (default EngineConfig).
struct Guest {
  std::shared_ptr<const WasmModule> module;  // outlives the store: destroyed after it
  std::shared_ptr<wasi::WasiContext> ctx;
  std::unique_ptr<rt::Store> store;
  std::vector<rt::Extern> imports;
  rt::Instance* inst = nullptr;
};

/// Store, WASI context and linked imports, not yet instantiated. Empty string on success.
std::string prepare(const Subject& s, Guest& g) {
  auto ctx = wasi::WasiContext::create(quiet_config(nullptr));
  if (!ctx) return ctx.error().to_string();
  g.ctx = *ctx;
  g.store = std::make_unique<rt::Store>(rt::store_config(EngineConfig{}), &interp::tier());
  g.module = s.module;
  auto imports = wasi::link_imports(*g.store, *s.module, g.ctx);
  if (!imports) return imports.error().to_string();
  g.imports = std::move(imports).value();
  return {};
}

std::string instantiate(const Subject& s, Guest& g) {
  auto inst = rt::instantiate(*g.store, s.module, g.imports);
  if (!inst) return inst.error().to_string();
  g.inst = *inst;
  return {};
}

/// A fresh, instantiated guest. Empty string on success.
std::string fresh_guest(const Subject& s, Guest& g) {
  std::string err = prepare(s, g);
  return err.empty() ? instantiate(s, g) : err;
}

/// The subject with a freshly loaded copy of its module: nothing compiled yet. With
/// `validated` false the module claims it skipped validation, so the interpreter compiles it
/// through the checking body walk (what every compile did before validation could be
/// compiled out).
Subject fresh_module(const Subject& s, bool validated = true) {
  Subject f{s.name, {}, nullptr};
  auto m = load_module(s.bytes);
  if (m) {
    m->validated = validated;
    f.module = std::make_shared<const WasmModule>(std::move(m).value());
  }
  return f;
}

/// Runs _start; empty on success (returned, or proc_exit(0)).
std::string call_start(Guest& g) {
  rt::FuncInst* start = g.inst->find_func("_start");
  if (start == nullptr) return "no _start";
  rt::CallResult r = rt::call(*g.store, start, {});
  if (r.ok()) return {};
  if (r.trap->kind == TrapKind::Exit && g.ctx->exit_code && *g.ctx->exit_code == 0) return {};
  return r.trap->to_string();
}

// ---- the phases ----

void decode_validate(benchmark::State& state, const Subject* s) {
  PhaseTimer timer(state);
  for (auto _ : state) {
    std::vector<uint8_t> copy = s->bytes;  // load_module consumes its bytes; not timed
    timer.start();
    auto m = load_module(std::move(copy));
    timer.stop();
    if (!m) state.SkipWithError(m.error().message.c_str());
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(s->bytes.size()));
}

// rt::instantiate alone, on a store with the WASI imports already linked.
void instantiate_only(benchmark::State& state, const Subject* s) {
  PhaseTimer timer(state);
  for (auto _ : state) {
    Guest g;
    std::string err = prepare(*s, g);
    timer.start();
    if (err.empty()) err = instantiate(*s, g);
    timer.stop();
    if (!err.empty()) {
      state.SkipWithError(err.c_str());
      break;
    }
  }
}

// Everything a new instance of a loaded module costs: WASI context, store, linking,
// instantiation, and tearing it all down again.
void instance_lifecycle(benchmark::State& state, const Subject* s) {
  PhaseTimer timer(state);
  for (auto _ : state) {
    timer.start();
    std::string err;
    {
      Guest g;
      err = fresh_guest(*s, g);
    }
    timer.stop();
    if (!err.empty()) {
      state.SkipWithError(err.c_str());
      break;
    }
  }
}

// interp::compile_all on an instance of a freshly loaded module (compiled code is cached per
// module, so only a new module has anything to compile).
void compile_all(benchmark::State& state, const Subject* s, bool validated) {
  PhaseTimer timer(state);
  for (auto _ : state) {
    Guest g;
    Subject fresh = fresh_module(*s, validated);
    std::string err = fresh_guest(fresh, g);
    timer.start();
    if (err.empty() && !interp::compile_all(*g.inst, &err) && err.empty()) err = "compile failed";
    timer.stop();
    if (!err.empty()) {
      state.SkipWithError(err.c_str());
      break;
    }
  }
  size_t body_bytes = 0;
  for (const Function& f : s->module->functions) body_bytes += f.body_end - f.body_offset;
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(body_bytes));
}

enum class Code { Cold, Cached, Precompiled };

// The first _start of a fresh instance. Cold: of a freshly loaded module, so lazy compilation
// of what it reaches plus running it. Cached: of the subject's module after an earlier
// instance ran _start (the second and later instances of a loaded module). Precompiled: after
// compile_all (untimed), leaving execution alone.
void first_call(benchmark::State& state, const Subject* s, Code mode) {
  PhaseTimer timer(state);
  if (mode == Code::Cached) {
    Guest warm;
    std::string err = fresh_guest(*s, warm);
    if (err.empty()) err = call_start(warm);
    if (!err.empty()) state.SkipWithError(err.c_str());
  }
  for (auto _ : state) {
    Guest g;
    Subject fresh;
    if (mode == Code::Cold) fresh = fresh_module(*s);
    std::string err = fresh_guest(mode == Code::Cold ? fresh : *s, g);
    if (err.empty() && mode == Code::Precompiled && !interp::compile_all(*g.inst, &err) && err.empty())
      err = "compile failed";
    timer.start();
    if (err.empty()) err = call_start(g);
    timer.stop();
    if (!err.empty()) {
      state.SkipWithError(err.c_str());
      break;
    }
  }
}

// Destroying a guest after its _start: the store with its memories and instance (the module,
// and with it the compiled code, stays loaded).
void teardown(benchmark::State& state, const Subject* s) {
  PhaseTimer timer(state);
  for (auto _ : state) {
    auto g = std::make_unique<Guest>();
    std::string err = fresh_guest(*s, *g);
    if (err.empty()) err = call_start(*g);
    if (!err.empty()) {
      state.SkipWithError(err.c_str());
      break;
    }
    timer.start();
    g.reset();
    timer.stop();
  }
}

// Bytes to exit code through the public API, as `shard run` does it minus reading the file.
void end_to_end(benchmark::State& state, const Subject* s) {
  PhaseTimer timer(state);
  for (auto _ : state) {
    std::vector<uint8_t> copy = s->bytes;
    timer.start();
    auto out = wasi::run_command(std::move(copy), quiet_config(nullptr));
    timer.stop();
    if (!out || out->exit_code != 0) {
      state.SkipWithError(out ? out->trap_message.c_str() : out.error().message.c_str());
      break;
    }
  }
}

void register_all(const Subject& s) {
  auto reg = [&](const std::string& phase, auto fn) {
    benchmark::RegisterBenchmark((s.name + "/" + phase).c_str(), fn)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  };
  const Subject* p = &s;
  reg("decode_validate", [p](benchmark::State& st) { decode_validate(st, p); });
  reg("instantiate", [p](benchmark::State& st) { instantiate_only(st, p); });
  reg("instance_lifecycle", [p](benchmark::State& st) { instance_lifecycle(st, p); });
  reg("compile_all", [p](benchmark::State& st) { compile_all(st, p, true); });
  reg("compile_all_checked", [p](benchmark::State& st) { compile_all(st, p, false); });
  reg("first_call", [p](benchmark::State& st) { first_call(st, p, Code::Cold); });
  reg("first_call_cached", [p](benchmark::State& st) { first_call(st, p, Code::Cached); });
  reg("call_precompiled", [p](benchmark::State& st) { first_call(st, p, Code::Precompiled); });
  reg("teardown", [p](benchmark::State& st) { teardown(st, p); });
  reg("end_to_end", [p](benchmark::State& st) { end_to_end(st, p); });
}

bool read_file(const char* path, std::vector<uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int first_flag = 1;
  while (first_flag < argc && argv[first_flag][0] != '-') ++first_flag;
  if (first_flag == 1) {
    std::fprintf(stderr, "usage: shard_bench_coldstart NAME=MODULE.wasm... [benchmark flags]\n");
    return 2;
  }
  g_subjects.reserve(size_t(first_flag - 1));
  for (int i = 1; i < first_flag; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    Subject s;
    s.name = eq == std::string::npos ? "module" + std::to_string(i) : arg.substr(0, eq);
    std::string path = eq == std::string::npos ? arg : arg.substr(eq + 1);
    if (!read_file(path.c_str(), s.bytes)) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 2;
    }
    auto m = load_module(s.bytes);
    if (!m) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), m.error().to_string().c_str());
      return 1;
    }
    s.module = std::make_shared<const WasmModule>(std::move(m).value());
    // One run up front: the guest must work, and its output is shown for comparison.
    std::string output;
    auto out = wasi::run_command(s.bytes, quiet_config(&output));
    if (!out || out->exit_code != 0) {
      std::fprintf(stderr, "%s does not run: %s\n", path.c_str(),
                   out ? out->trap_message.c_str() : out.error().to_string().c_str());
      return 1;
    }
    size_t body_bytes = 0;
    for (const Function& f : s.module->functions) body_bytes += f.body_end - f.body_offset;
    std::fprintf(stderr, "%s: %s, %zu bytes, %zu functions (%zu bytes of bodies), output: %s", s.name.c_str(),
                 path.c_str(), s.bytes.size(), s.module->functions.size(), body_bytes, output.c_str());
    g_subjects.push_back(std::move(s));
  }
  for (const Subject& s : g_subjects) register_all(s);
  argv[first_flag - 1] = argv[0];
  argv += first_flag - 1;
  argc -= first_flag - 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
