// The JIT tier (issue #12): x86-64 machine code from a one-pass baseline compiler
// (jit/compiler.h), compiled lazily per function on its first call and shared by every
// instance of the module. A function using an instruction the JIT does not compile yet runs
// in the interpreter instead (a per-function fallback), which is counted, never silent:
// stats() / stats_report() say how many and why.
//
//   if (rt::Tier* t = shard::jit::tier()) { rt::Store store(config, t); ... }
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "runtime/runtime.h"

namespace shard::jit {

/// The process-wide JIT tier, or null when this build or host has none (not x86-64, or
/// built without asmjit).
rt::Tier* tier();

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
