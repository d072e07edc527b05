#include "tiers/tiers.h"

#include <fmt/format.h>

#include "interp/interp.h"
#if SHARD_HAVE_JIT
#include "jit/jit.h"
#endif

namespace shard::tiers {

const std::vector<TierInfo>& available_tiers() {
  static const std::vector<TierInfo> tiers = [] {
    std::vector<TierInfo> v;
#if SHARD_HAVE_JIT
    if (jit::host_supported()) v.push_back({TierKind::Jit, &jit::tier(), {}});
    else v.push_back({TierKind::Jit, nullptr, "the JIT does not support this host"});
#endif
    v.push_back({TierKind::Interpreter, &interp::tier(), {}});
    return v;
  }();
  return tiers;
}

std::string available_tier_names() {
  std::string s;
  for (const TierInfo& t : available_tiers()) {
    if (t.tier == nullptr) continue;
    if (!s.empty()) s += ", ";
    s += tier_name(t.kind);
  }
  return s;
}

Result<rt::Tier*> select_tier(TierKind kind) {
  for (const TierInfo& t : available_tiers()) {
    if (kind == TierKind::Auto && t.tier != nullptr) return t.tier;  // best first
    if (t.kind != kind) continue;
    if (t.tier != nullptr) return t.tier;
    return Error{ErrorKind::Unsupported,
                 fmt::format("tier '{}' is not available: {} (available: {})", tier_name(kind), t.why_not,
                             available_tier_names())};
  }
  return Error{ErrorKind::Unsupported, fmt::format("tier '{}' is not available: this build of Shard has no {} "
                                                   "(available: {})",
                                                   tier_name(kind), kind == TierKind::Jit ? "JIT" : "such tier",
                                                   available_tier_names())};
}

}  // namespace shard::tiers
