// The interpreter as an rt::Tier, and lazy compilation through the shared BodyDecoder into a
// per-module code cache.
//
// Compiled code belongs to the module, not to an instance: the compiler emits handler
// addresses (process-wide) and indices (function, global, table, type, segment, all resolved
// through the instance's VM context at run time, exec.cpp) and frame offsets, nothing that
// names an instance or a store. So every instance of a module, in any store and on any
// thread, runs the same CompiledFunc; a new instance compiles nothing it didn't have to.
#include "interp/interp.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "interp/code.h"
#include "interp/compiler.h"
#include "valid/body_decoder.h"

namespace shard::interp {

namespace {

/// The interpreter's cache of one module (WasmModule::caches, CacheKind::Interpreter): one
/// code table per code variant (plain, and metered for fuel and/or epochs; runtime/
/// code_table.h), filled as functions are first called. Readers take a function's code with
/// one acquire load from its slot and never lock. Compiling is the slow path: a mutex per
/// module serialises it (and guards the compilers and body decoders, whose stacks are reused
/// across functions), and the result is published with one release store, so two stores on
/// two threads calling the same function compile it once and both run the same code.
class ModuleCode final : public ModuleCache {
 public:
  explicit ModuleCode(const WasmModule& m) : m_(m) {
    for (auto& t : tables_) t = std::make_unique<rt::CodeTable>(m.functions.size());
  }

  rt::CodeTable& table(uint8_t metering) { return *tables_[metering]; }

  /// The code of defined function `defined` in variant `metering`, compiling it if no one
  /// has; null on failure.
  CompiledFunc* get(uint8_t metering, uint32_t defined, std::string* error) {
    rt::CodeTable& t = *tables_[metering];
    if (rt::TierCode* c = t.get(defined)) return static_cast<CompiledFunc*>(c);
    std::lock_guard<std::mutex> lock(mutex_);
    if (rt::TierCode* c = t.get(defined)) return static_cast<CompiledFunc*>(c);  // raced, lost
    std::unique_ptr<CompiledFunc> code;
    Result<void> r;
    // Bodies load_module validated are walked without checks (STYLE.md: validation compiled
    // in or out); a module that skipped validation still gets the checking walk.
    if (m_.validated) {
      if (!trusted_) trusted_ = std::make_unique<Walker<Validation::None>>(m_);
      trusted_->compiler.set_variant(metering);
      r = trusted_->decoder.decode_function(defined);
      code = trusted_->compiler.take();
    } else {
      if (!checked_) checked_ = std::make_unique<Walker<Validation::Full>>(m_);
      checked_->compiler.set_variant(metering);
      r = checked_->decoder.decode_function(defined);
      code = checked_->compiler.take();
    }
    if (!r) {
      if (error != nullptr) *error = r.error().to_string();
      return nullptr;
    }
    if (std::getenv("SHARD_INTERP_DUMP") != nullptr) {
      std::fprintf(stderr, "func %u:\n%s", m_.num_imported_funcs + defined, disassemble(*code).c_str());
    }
    compiled_.fetch_add(1, std::memory_order_relaxed);
    return static_cast<CompiledFunc*>(t.publish(defined, std::move(code)));
  }

  size_t compiled() const { return compiled_.load(std::memory_order_relaxed); }

 private:
  template <Validation kMode>
  struct Walker {
    explicit Walker(const WasmModule& m) : compiler(handler_table()), decoder(m, compiler) {}
    Compiler compiler;
    BodyDecoder<Compiler, kMode> decoder;
  };

  const WasmModule& m_;  // the cache lives inside the module
  std::unique_ptr<rt::CodeTable> tables_[rt::kCodeVariants];
  std::atomic<size_t> compiled_{0};
  std::mutex mutex_;
  std::unique_ptr<Walker<Validation::None>> trusted_;
  std::unique_ptr<Walker<Validation::Full>> checked_;
};

ModuleCode& module_code(const WasmModule& m) {
  return m.caches.get<ModuleCode>(CacheKind::Interpreter, [&] { return std::make_unique<ModuleCode>(m); });
}

class InterpTier final : public rt::Tier {
 public:
  std::string_view name() const override { return "interp"; }
  rt::EntryFn module_entry(const WasmModule&, uint8_t variant) override {
    return (variant & rt::kGuardPages) != 0 ? &interp_guarded_entry : &interp_entry;
  }
  rt::CodeTable* code_table(const WasmModule& m, uint8_t metering) override {
    return &module_code(m).table(metering);
  }
};

/// Compiles `f`'s code into its slot if no one has.
CompiledFunc* compile(rt::FuncInst* f, std::string* error) {
  const WasmModule& m = *f->instance->module;
  return module_code(m).get(f->instance->code_variant, f->index - m.num_imported_funcs, error);
}

}  // namespace

CompiledFunc* ensure_compiled(rt::ExecContext* ctx, rt::FuncInst* f) {
  if (rt::TierCode* c = f->code->load(std::memory_order_acquire)) return static_cast<CompiledFunc*>(c);
  std::string error;
  CompiledFunc* c = compile(f, &error);
  if (c == nullptr) ctx->raise(TrapKind::HostError, "compile error: " + error);
  return c;
}

rt::Tier& tier() {
  static InterpTier t;
  return t;
}

bool compile_all(rt::Instance& inst, std::string* error) {
  for (size_t i = inst.module->num_imported_funcs; i < inst.func_vec.size(); ++i) {
    rt::FuncInst* f = inst.func_vec[i];
    if (is_interp_entry(f->entry) && f->code->load(std::memory_order_acquire) == nullptr &&
        compile(f, error) == nullptr)
      return false;
  }
  return true;
}

bool compile_module(const WasmModule& m, std::string* error) {
  ModuleCode& mc = module_code(m);
  for (uint32_t i = 0; i < m.functions.size(); ++i)
    if (mc.get(rt::kMeterNone, i, error) == nullptr) return false;
  return true;
}

size_t compiled_functions(const WasmModule& m) {
  const ModuleCode* mc = m.caches.find<ModuleCode>(CacheKind::Interpreter);
  return mc != nullptr ? mc->compiled() : 0;
}

}  // namespace shard::interp
