// Core types shared by every layer: value types, the opcode enumeration expanded from
// opcodes.def, and the per-opcode descriptor table.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "shard/types.h"

namespace shard {

/// Decodes a value-type byte; nullopt for anything that is not a Wasm 2.0 value type.
std::optional<ValType> val_type_from_byte(uint8_t b);

/// Operand/result slots in the opcode table.
enum class OpType : uint8_t { None, I32, I64, F32, F64, V128, Special };

/// Immediate kinds (binary/instructions.rst), one per distinct immediate layout.
enum class Imm : uint8_t {
  None,
  Block,         ///< blocktype: 0x40 | valtype | s33 type index
  Label,         ///< labelidx
  BrTable,       ///< vec(labelidx) labelidx
  Func,          ///< funcidx
  CallIndirect,  ///< typeidx tableidx
  Local,         ///< localidx
  Global,        ///< globalidx
  Table,         ///< tableidx
  Elem,          ///< elemidx
  Data,          ///< dataidx
  TableInit,     ///< elemidx tableidx
  TableCopy,     ///< tableidx tableidx (destination first)
  Memory,        ///< memidx (multi-memory; a 0x00 byte in Wasm 2.0)
  MemoryInit,    ///< dataidx memidx
  MemoryCopy,    ///< memidx memidx (destination first)
  MemArg,        ///< flags [memidx] offset: flags = align | 0x40 when a memidx follows
  MemArgLane,    ///< memarg laneidx
  Lane,          ///< laneidx (one byte)
  RefType,       ///< reftype byte
  SelectT,       ///< vec(valtype)
  I32,           ///< s32
  I64,           ///< s64
  F32,           ///< 4 bytes
  F64,           ///< 8 bytes
  V128,          ///< 16 bytes
  Shuffle,       ///< 16 lane indices
  Tag,           ///< tagidx (throw)
  TryTable,      ///< blocktype vec(catch) (try_table; binary/instructions.rst)
};

enum class Op : uint16_t {
#define WASM_OP(id, name, prefix, code, imm, aux, p0, p1, p2, r) id,
#include "opcodes.def"
#undef WASM_OP
};

inline constexpr size_t kOpCount = 0
#define WASM_OP(...) +1
#include "opcodes.def"
#undef WASM_OP
    ;

struct OpInfo {
  std::string_view name;
  uint8_t prefix;  ///< 0, 0xfc or 0xfd
  uint32_t code;
  Imm imm;
  uint8_t aux;  ///< natural alignment (log2) for memory ops, lane count for lane ops
  std::array<OpType, 3> params;
  OpType result;

  bool special() const { return result == OpType::Special; }
  int param_count() const {
    int n = 0;
    for (OpType t : params) n += t != OpType::None;
    return n;
  }
};

inline constexpr std::array<OpInfo, kOpCount> kOpInfo = {{
#define WASM_OP(id, name, prefix, code, imm, aux, p0, p1, p2, r) \
  {name, prefix, code, Imm::imm, aux, {OpType::p0, OpType::p1, OpType::p2}, OpType::r},
#include "opcodes.def"
#undef WASM_OP
}};

inline const OpInfo& info(Op op) { return kOpInfo[static_cast<size_t>(op)]; }

/// Binary opcode lookup: prefix 0 with a one-byte code, or 0xfc/0xfd with a u32 code.
std::optional<Op> op_from_code(uint8_t prefix, uint32_t code);
/// Text mnemonic lookup ("i32.add"). "select" maps to Op::Select; the text parser
/// switches to SelectT when a result type follows.
std::optional<Op> op_from_name(std::string_view name);

inline ValType to_val_type(OpType t) {
  switch (t) {
    case OpType::I32: return ValType::I32;
    case OpType::I64: return ValType::I64;
    case OpType::F32: return ValType::F32;
    case OpType::F64: return ValType::F64;
    case OpType::V128: return ValType::V128;
    default: return ValType::Bot;
  }
}

}  // namespace shard
