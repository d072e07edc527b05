// The module decoder: binary format (binary/modules.rst) -> WasmModule IR (module.h).
//
// Decodes every Wasm 2.0 section and fills the whole index spaces. Function bodies are not
// parsed beyond their local declarations: Function::body_offset/body_end delimit the code,
// which the one body decoder (lib/valid/body_decoder.h) walks during validation. Errors
// are ErrorKind::Malformed with the byte offset and the spec interpreter's wording.
#pragma once

#include <cstdint>
#include <vector>

#include "binary/reader.h"
#include "module.h"
#include "shard/result.h"

namespace shard::binary {

/// Implementation limit on the declared locals of one function (the spec's own limit,
/// 2^32 - 1, is reported as "too many locals" as well). Matches the JS embedding's limit.
inline constexpr uint64_t kMaxFunctionLocals = 50000;

/// Decodes a constant expression (binary/instructions.rst: Expressions) up to and including
/// its `end`. Any instruction is accepted syntactically (non-constant ones are recorded
/// with their opcode and rejected by the validator, "constant expression required");
/// unknown opcodes are malformed. Exposed for tests.
bool read_const_expr(Reader& r, ConstExpr& out);

}  // namespace shard::binary

namespace shard {

/// Decodes a whole module; the WasmModule keeps `bytes`. Does not validate (see
/// valid/validator.h: validate_module, load_module).
Result<WasmModule> decode_module(std::vector<uint8_t> bytes);

}  // namespace shard
