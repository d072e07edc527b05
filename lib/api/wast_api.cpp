// Public entry points for .wast scripts: the runner over the interpreter tier.
#include "api/tier.h"
#include "shard/wast.h"
#include "wast/runner.h"

namespace shard {

Result<WastStats> run_wast(std::string_view text, std::string_view name, const WastOptions& options) {
  return wast::run_script_text(text, name, options, &api::selected_tier());
}

Result<WastStats> run_wast_file(const std::string& path, const WastOptions& options) {
  return wast::run_script_file(path, options, &api::selected_tier());
}

}  // namespace shard
