// The JIT as an rt::Tier: a per-module cache of compiled functions, lazy compilation on a
// function's first call, and the per-function fallback to the interpreter.
#include "jit/jit.h"

#include <fmt/format.h>

#include "interp/interp.h"

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>

#include "jit/code_memory.h"
#include "jit/compiler.h"
#include "runtime/code_table.h"
#include "valid/body_decoder.h"

namespace shard::jit {

namespace {

/// One compiled function. `entry` null means: runs in the interpreter (see `reason`).
struct JitFunc final : rt::TierCode {
  rt::EntryFn entry = nullptr;
  std::string reason;
  std::vector<TrapSite> traps;
};

struct GlobalStats {
  std::mutex mutex;
  Stats s;
};
GlobalStats& global_stats() {
  static GlobalStats g;
  return g;
}

/// The JIT's cache of one module (WasmModule::caches, CacheKind::Jit), shaped like the
/// interpreter's: readers take a function's code with one acquire load; compiling is
/// serialised by a mutex per module (it guards the compiler, the decoder and code memory).
class ModuleJit final : public ModuleCache {
 public:
  explicit ModuleJit(const WasmModule& m) : m_(m), table_(m.functions.size()) {}

  /// The code table of unmetered code (runtime/code_table.h); FuncInst::code points here.
  rt::CodeTable& table() { return table_; }

  JitFunc* get(uint32_t defined, std::string* error) {
    if (rt::TierCode* c = table_.get(defined)) return static_cast<JitFunc*>(c);
    std::lock_guard<std::mutex> lock(mutex_);
    if (rt::TierCode* c = table_.get(defined)) return static_cast<JitFunc*>(c);  // raced, lost
    auto fn = std::make_unique<JitFunc>();
    Result<void> r;
    if (m_.validated) {
      if (!trusted_) trusted_ = std::make_unique<Walker<Validation::None>>(m_, compiler_);
      r = trusted_->decoder.decode_function(defined);
    } else {
      if (!checked_) checked_ = std::make_unique<Walker<Validation::Full>>(m_, compiler_);
      r = checked_->decoder.decode_function(defined);
    }
    if (!r) {
      if (error != nullptr) *error = r.error().to_string();
      return nullptr;
    }
    Compiler& c = compiler_;
    if (c.unsupported().empty()) {
      CodeMemory::Block b = code_.allocate(c.code_size());
      Assembled out;
      if (b.exec == nullptr) fn->reason = "out of executable memory";
      else if (!c.place(reinterpret_cast<uint64_t>(b.exec), out)) fn->reason = "assembler error";
      else {
        std::memcpy(b.write, out.bytes.data(), out.bytes.size());
        fn->entry = reinterpret_cast<rt::EntryFn>(b.exec + out.entry_offset);
        fn->traps = std::move(out.traps);
      }
      record(fn->entry != nullptr ? m_.functions[defined].body_end - m_.functions[defined].body_offset : 0,
             out.bytes.size(), fn->reason);
    } else {
      fn->reason = c.unsupported();
      record(0, 0, fn->reason);
    }
    return static_cast<JitFunc*>(table_.publish(defined, std::move(fn)));
  }

 private:
  template <Validation kMode>
  struct Walker {
    Walker(const WasmModule& m, Compiler& c) : decoder(m, c) {}
    BodyDecoder<Compiler, kMode> decoder;
  };

  void record(size_t wasm_bytes, size_t code_bytes, const std::string& reason) {
    GlobalStats& g = global_stats();
    std::lock_guard<std::mutex> lock(g.mutex);
    if (reason.empty()) {
      ++g.s.compiled;
      g.s.wasm_bytes += wasm_bytes;
      g.s.code_bytes += code_bytes;
    } else {
      ++g.s.fallbacks;
      ++g.s.fallback_reasons[reason];
    }
  }

  const WasmModule& m_;
  rt::CodeTable table_;
  std::mutex mutex_;
  Compiler compiler_;
  CodeMemory code_;
  std::unique_ptr<Walker<Validation::None>> trusted_;
  std::unique_ptr<Walker<Validation::Full>> checked_;
};

ModuleJit& module_jit(const WasmModule& m) {
  return m.caches.get<ModuleJit>(CacheKind::Jit, [&] { return std::make_unique<ModuleJit>(m); });
}

/// The entry every JIT-tier function starts with: compiles the function (once per module),
/// then points this FuncInst at the machine code — or at the interpreter when the function
/// fell back — so later calls go there directly.
class JitTier final : public rt::Tier {
 public:
  explicit JitTier(Options o = {}) : options(std::move(o)) {}
  std::string_view name() const override { return "jit"; }
  rt::EntryFn module_entry(const WasmModule&, uint8_t) override;
  /// Unmetered code is the JIT's, in either memory mode (its bounds checks are explicit, so
  /// it does not depend on guard pages); metered variants (fuel, epochs) are the
  /// interpreter's for now, so a store with fuel or epochs runs its functions there.
  rt::CodeTable* code_table(const WasmModule& m, uint8_t variant) override {
    if (metered(variant)) return interp::tier().code_table(m, variant);
    return &module_jit(m).table();
  }
  static bool metered(uint8_t variant) { return (variant & (rt::kMeterFuel | rt::kMeterEpoch)) != 0; }
  Options options;
};

void count_fallback(const char* reason) {
  GlobalStats& g = global_stats();
  std::lock_guard<std::mutex> lock(g.mutex);
  ++g.s.fallbacks;
  ++g.s.fallback_reasons[reason];
}

/// Hands `f` to the interpreter: its entry, and its slot in the interpreter's code table.
TrapKind run_interpreted(rt::ExecContext* ctx, rt::FuncInst* f, rt::Slot* io) {
  const WasmModule& m = *f->instance->module;
  uint8_t variant = f->instance->code_variant;
  f->entry = interp::tier().module_entry(m, variant);
  f->code = interp::tier().code_table(m, variant)->slot(f->index - m.num_imported_funcs);
  return f->entry(ctx, f, io);
}

TrapKind jit_entry(rt::ExecContext* ctx, rt::FuncInst* f, rt::Slot* io) {
  const WasmModule& m = *f->instance->module;
  if (JitTier::metered(f->instance->code_variant)) {
    count_fallback("metered store (fuel/epochs): interpreter");
    return run_interpreted(ctx, f, io);
  }
  if (auto* t = dynamic_cast<JitTier*>(ctx->store->tier()); t != nullptr && t->options.interpret &&
                                                           t->options.interpret(m, f->index)) {
    count_fallback("interpreted by option");
    return run_interpreted(ctx, f, io);
  }
  std::string error;
  JitFunc* c = module_jit(m).get(f->index - m.num_imported_funcs, &error);
  if (c == nullptr) return ctx->raise(TrapKind::HostError, "compile error: " + error);
  if (c->entry == nullptr) return run_interpreted(ctx, f, io);
  f->entry = c->entry;
  return f->entry(ctx, f, io);
}

rt::EntryFn JitTier::module_entry(const WasmModule&, uint8_t) { return &jit_entry; }

}  // namespace

rt::Tier& tier() {
  static JitTier t;
  return t;
}

bool host_supported() { return true; }

std::unique_ptr<rt::Tier> make_tier(Options options) { return std::make_unique<JitTier>(std::move(options)); }

bool compile_module(const WasmModule& m, std::string* error) {
  ModuleJit& mj = module_jit(m);
  for (uint32_t i = 0; i < m.functions.size(); ++i)
    if (mj.get(i, error) == nullptr) return false;
  return true;
}

Stats stats() {
  GlobalStats& g = global_stats();
  std::lock_guard<std::mutex> lock(g.mutex);
  return g.s;
}


std::string stats_report() {
  Stats s = stats();
  std::string out = fmt::format("jit: {} functions compiled, {} fell back to the interpreter", s.compiled, s.fallbacks);
  if (s.wasm_bytes != 0)
    out += fmt::format("; {} body bytes -> {} code bytes ({:.2f} per wasm byte)", s.wasm_bytes, s.code_bytes,
                       double(s.code_bytes) / double(s.wasm_bytes));
  for (const auto& [reason, n] : s.fallback_reasons) out += fmt::format("\n  fallback: {} x{}", reason, n);
  return out;
}

}  // namespace shard::jit
