#pragma once
namespace shard {
inline constexpr const char* kVersion = "0.1.0";
}
