// Public entry points for .wast scripts: the runner over the configured tier.
#include "shard/wast.h"
#include "tiers/tiers.h"
#include "wast/runner.h"

namespace shard {

Result<WastStats> run_wast(std::string_view text, std::string_view name, const WastOptions& options) {
  Result<rt::Tier*> tier = tiers::select_tier(options.tier);
  if (!tier) return std::move(tier).error();
  return wast::run_script_text(text, name, options, *tier);
}

Result<WastStats> run_wast_file(const std::string& path, const WastOptions& options) {
  Result<rt::Tier*> tier = tiers::select_tier(options.tier);
  if (!tier) return std::move(tier).error();
  return wast::run_script_file(path, options, *tier);
}

}  // namespace shard
