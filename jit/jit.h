// The JIT tier (issue #12): x86-64 machine code from a one-pass baseline compiler
// (jit/compiler.h), compiled lazily per function on its first call and shared by every
// instance of the module. A function using an instruction the JIT does not compile yet runs
// in the interpreter instead (a per-function fallback), which is counted, never silent:
// stats() / stats_report() say how many and why.
//
// The tier is chosen through tiers/ (tiers::select_tier(TierKind::Jit), `--tier jit`); this
// header exists only in builds with the JIT (the CMake target shard_jit, SHARD_HAVE_JIT).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "runtime/runtime.h"

namespace shard::jit {

/// The process-wide JIT tier (tiers/tiers.h: the registration hook).
rt::Tier& tier();
/// Whether this host can run the JIT's code (tiers/tiers.h). The build is x86-64 only; the
/// code needs SSE2 (every x86-64) and uses LZCNT/BMI1/POPCNT only when the CPU has them.
bool host_supported();

/// Options of a JIT tier instance.
struct Options {
  /// Functions to run in the interpreter instead (e.g. to test mixed-tier calls, or to
  /// debug one function): called once per function, with its index in the module's function
  /// index space. Counted as fallbacks with the reason "interpreted by option".
  std::function<bool(const WasmModule& m, uint32_t func_index)> interpret;
};
/// A JIT tier with options (tier() has none). Code compiled for a module is shared by all JIT tiers; the options only choose which
/// functions run it.
std::unique_ptr<rt::Tier> make_tier(Options options);

/// Compiles every defined function of `m` now (instead of on first call). Returns false
/// with a message only on a real failure; unsupported functions become fallbacks.
bool compile_module(const WasmModule& m, std::string* error = nullptr);

/// Process-wide counts since start (all modules, all threads).
struct Stats {
  size_t compiled = 0;            ///< functions compiled to machine code
  size_t fallbacks = 0;           ///< functions left to the interpreter
  size_t wasm_bytes = 0;          ///< body bytes of the compiled functions
  size_t code_bytes = 0;          ///< machine code bytes for them
  std::map<std::string, size_t> fallback_reasons;  ///< first unsupported instruction -> count
};
Stats stats();
/// One line per figure, for tools (shard_spec --tier jit prints it).
std::string stats_report();

}  // namespace shard::jit
