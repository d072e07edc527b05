// Which execution tier the facade runs code with.
//
// TEMPORARY (issue #12, until the tier selection of issue #11 lands): the interpreter,
// unless the environment variable SHARD_TIER is "jit" and this build has the JIT. Asking
// for the JIT where there is none is reported on stderr once and runs the interpreter.
#pragma once

#include "runtime/runtime.h"

namespace shard::api {

rt::Tier& selected_tier();

}  // namespace shard::api
