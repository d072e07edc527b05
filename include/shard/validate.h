// Loading, converting and validating modules without running them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shard/result.h"

namespace shard {

/// Converts WebAssembly text (a module in the .wat format) to the binary format.
/// Errors carry line:column.
Result<std::vector<uint8_t>> wat_to_wasm(std::string_view text);

/// Reads a module file: binary (starts with "\0asm") or text (anything else).
Result<std::vector<uint8_t>> read_module_file(const std::string& path);

/// Decodes and validates a binary module (Wasm 2.0). Errors say what and where (byte offset).
Result<void> validate(std::span<const uint8_t> bytes);

}  // namespace shard
