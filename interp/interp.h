// The interpreter tier: compiles each wasm function once (lazily, on its first call) from the
// shared body-decoder walk into slot-addressed threaded code, and runs it without recursing
// on the host stack for wasm-to-wasm calls.
//
//   rt::Store store(config, &shard::interp::tier());
#pragma once

#include "runtime/runtime.h"

namespace shard::interp {

/// The process-wide interpreter tier (stateless; per-function code lives in FuncInst::code).
rt::Tier& tier();

/// Compiles every defined function of `inst` now instead of on first call (e.g. to measure
/// compile time or to report compile failures early). Returns false on failure, with the
/// message in `error`.
bool compile_all(rt::Instance& inst, std::string* error = nullptr);

}  // namespace shard::interp
