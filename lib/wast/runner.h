// The .wast runner over a given execution tier (null: validate only, skip execution).
#pragma once

#include <string>
#include <string_view>

#include "shard/wast.h"

namespace shard::rt {
class Tier;
}

namespace shard::wast {

Result<WastStats> run_script_text(std::string_view text, std::string_view name, const WastOptions& options,
                                  rt::Tier* tier);
Result<WastStats> run_script_file(const std::string& path, const WastOptions& options, rt::Tier* tier);

}  // namespace shard::wast
