// The interpreter tier: compiles each wasm function once (lazily, on its first call) from the
// shared body-decoder walk into slot-addressed threaded code, and runs it without recursing
// on the host stack for wasm-to-wasm calls.
//
//   rt::Store store(config, &shard::interp::tier());
#pragma once

#include <cstddef>
#include <string>

#include "runtime/runtime.h"

namespace shard::interp {

/// The process-wide interpreter tier (stateless; compiled code lives in each module's cache,
/// shared by all its instances, and FuncInst::code points into it).
rt::Tier& tier();

/// Compiles every defined function of `inst` now instead of on first call (e.g. to measure
/// compile time or to report compile failures early) — what the module's cache doesn't
/// hold yet — and points the instance's functions at it. Returns false on failure, with the
/// message in `error`.
bool compile_all(rt::Instance& inst, std::string* error = nullptr);

/// Compiles every defined function of `m` into its code cache, for all instances to come.
bool compile_module(const WasmModule& m, std::string* error = nullptr);

/// How many functions of `m` have been compiled (each at most once per module): for tests
/// and measurements.
size_t compiled_functions(const WasmModule& m);

}  // namespace shard::interp
