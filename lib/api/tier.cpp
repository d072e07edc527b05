#include "api/tier.h"

#include <fmt/format.h>

#include <cstdlib>
#include <string_view>

#include "interp/interp.h"
#include "jit/jit.h"

namespace shard::api {

rt::Tier& selected_tier() {
  static rt::Tier* t = [] {
    const char* env = std::getenv("SHARD_TIER");
    std::string_view want = env != nullptr ? env : "";
    if (want == "jit") {
      if (rt::Tier* j = jit::tier()) return j;
      fmt::print(stderr, "shard: SHARD_TIER=jit, but this build has no JIT; using the interpreter\n");
    } else if (!want.empty() && want != "interp") {
      fmt::print(stderr, "shard: unknown SHARD_TIER '{}' (jit, interp); using the interpreter\n", want);
    }
    return &interp::tier();
  }();
  return *t;
}

}  // namespace shard::api
