// The one place that maps a configuration to an execution tier (TierKind → rt::Tier).
//
// Everything that runs wasm — the embedding API, WASI commands, components, the .wast
// runners, the CLI, the spec runner and the fuzz targets — asks select_tier; nothing else
// names a tier. Asking for a tier this build or host lacks is an error, never a silent
// fallback; `auto` is the JIT where it is available, else the interpreter.
//
// Registering a tier (the JIT): its CMake target is named `shard_jit` and is defined before
// tiers/ (the root CMakeLists adds jit/ first when it exists); tiers/CMakeLists.txt then links
// it and compiles tiers.cpp with SHARD_HAVE_JIT=1, and tiers.cpp expects from "jit/jit.h":
//     namespace shard::jit {
//       rt::Tier& tier();        // the process-wide JIT tier
//       bool host_supported();   // whether this CPU/OS can run its code (e.g. x86-64 + mmap exec)
//     }
// That is the whole hook: available_tiers() lists it and select_tier() returns it.
#pragma once

#include <string>
#include <vector>

#include "runtime/runtime.h"
#include "shard/config.h"
#include "shard/result.h"

namespace shard::tiers {

struct TierInfo {
  TierKind kind;
  rt::Tier* tier;  ///< null when built in but unusable on this host
  std::string why_not;  ///< when tier is null
};

/// The concrete tiers of this build (never Auto), best first.
const std::vector<TierInfo>& available_tiers();

/// The tier for `kind`. Errors (ErrorKind::Unsupported) name what is missing and what is
/// available.
Result<rt::Tier*> select_tier(TierKind kind);

/// "interp, jit" — the usable tiers' names, for messages and --help.
std::string available_tier_names();

}  // namespace shard::tiers
