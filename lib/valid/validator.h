// WasmModule validation (valid/modules.rst) for Wasm 2.0 plus multi-memory, and load = decode + validate.
#pragma once

#include <cstdint>
#include <vector>

#include "module.h"
#include "shard/result.h"

namespace shard {

/// Validates a decoded module: module-level rules, constant expressions, and every function
/// body through BodyDecoder<NullVisitor>. Errors are ErrorKind::Invalid, except byte-level
/// problems found inside function bodies (ErrorKind::Malformed), which are preferred over
/// any validation error so a module is reported as malformed whenever it is.
Result<void> validate_module(const WasmModule& m);

/// decode_module + validate_module.
Result<WasmModule> load_module(std::vector<uint8_t> bytes);

}  // namespace shard
