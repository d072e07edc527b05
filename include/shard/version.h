// Shard's version.
#pragma once

namespace shard {

/// The library's version, "MAJOR.MINOR.PATCH" (also what `shard --version` prints).
inline constexpr const char* kVersion = "0.1.0";

}  // namespace shard
