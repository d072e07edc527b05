// WebAssembly text format → binary format (text/*.rst → binary/*.rst).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "shard/result.h"

namespace shard {

/// Encodes a text module, written as `(module $id? field*)` or as bare fields, into the binary
/// format. Identifiers are resolved and abbreviations expanded; typing is not checked, so a
/// well-formed but invalid module still encodes. Errors are ErrorKind::Malformed with the
/// 1-based line and column of the offending token.
struct WatOptions {
  /// Emit a "name" custom section with the module's and functions' identifiers (for
  /// backtraces), like `wat2wasm --debug-names`.
  bool names = false;
};
Result<std::vector<uint8_t>> wat_to_binary(std::string_view text, const WatOptions& options = {});

}  // namespace shard
