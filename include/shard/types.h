// WebAssembly types as the embedder sees them (syntax/types.rst). Shared with Shard's
// internals, which use the very same definitions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace shard {

/// Value types with their binary encodings (binary/types.rst). Bot is the validator's
/// "unknown" type on a polymorphic stack (valid/instructions.rst); an embedder never sees it.
enum class ValType : uint8_t {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
  ExnRef = 0x69,  ///< exception handling (Wasm 3.0)
  Bot = 0x00,
};

inline bool is_num(ValType t) { return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64; }
inline bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef || t == ValType::ExnRef; }
/// "i32", "funcref", ...
std::string_view to_string(ValType t);

/// A function type: parameter and result types.
struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};

/// Size limits: in 64 KiB pages for memories, in elements for tables.
struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  ///< in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
};

/// A tag (exception handling, Wasm 3.0: syntax/types.rst tag types): the exception's
/// payload types as a function type's params; results are always empty.
struct TagType {
  uint32_t type_index = 0;  ///< into the module's type section
};

/// The kinds of imports and exports; Tag is exception handling's (Wasm 3.0).
enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };

}  // namespace shard
