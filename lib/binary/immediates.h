// The one reader of instruction immediates (binary/instructions.rst). The function-body
// decoder (valid/body_decoder.h) reads through it and then checks the values against the
// module (indices, lanes, arity); the module decoder uses it to step over instructions in
// constant expressions and in its error-path body scan. Adding an immediate layout means
// touching this file and the validator's checks of it, nothing else.
//
// What this reader rejects is malformed (a property of the bytes alone): memarg flags above
// 0x7f, an offset above 2^32-1, a catch kind above 3, a byte that is no value or reference
// type. Those checks are compiled in with kCheck; the non-validating re-walk of a body that
// was validated at load time leaves them out.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "binary/reader.h"
#include "types.h"

namespace shard {

/// One catch clause of try_table (binary/instructions.rst: catch), by its binary kind byte.
enum class CatchKind : uint8_t { Catch = 0, CatchRef = 1, CatchAll = 2, CatchAllRef = 3 };
struct CatchClause {
  CatchKind kind = CatchKind::Catch;
  uint32_t tag = 0;    ///< catch / catch_ref only
  uint32_t label = 0;  ///< relative to the try_table's enclosing block (valid/instructions.rst)
};

/// The immediates of one instruction as the bytes give them. Fields the opcode does not use
/// keep their defaults.
struct Immediates {
  uint32_t index = 0;    ///< local/global/func/table/elem/data/type/label index; the memidx of
                         ///< loads, stores and memory.size/grow/fill; memory.copy: destination memory
  uint32_t index2 = 0;   ///< call_indirect: table; table.init: table; table.copy: source table;
                         ///< memory.init: memory; memory.copy: source memory
  uint64_t offset_imm = 0;  ///< memarg offset
  uint32_t align = 0;       ///< memarg alignment, log2
  uint8_t lane = 0;         ///< lane index
  /// The type the instruction works on where the opcode alone doesn't say: local.* the
  /// local's type, global.* the global's type, drop/select/select t the operand type,
  /// ref.null/ref.is_null/table.* the reference type.
  ValType type = ValType::Bot;
  /// Constants, little-endian: i32.const/i64.const sign-extended to 8 bytes, f32/f64 bits,
  /// v128.const 16 bytes, i8x16.shuffle the 16 lane indices.
  std::array<uint8_t, 16> bytes{};
  std::span<const uint32_t> targets;     ///< br_table: label depths; the last one is the default
  std::span<const CatchClause> catches;  ///< try_table: its catch clauses, in order
};

namespace binary {

/// Storage the spans of Immediates point into; reused from one instruction to the next.
struct ImmediateScratch {
  std::vector<uint32_t> targets;
  std::vector<CatchClause> catches;
  int64_t block_type = -64;   ///< blocktype as read (s33): -64 is [], other negatives a value type
  size_t block_type_at = 0;   ///< its offset, for errors
  uint32_t select_count = 0;  ///< select t*: how many types the vector had
};

/// Reads the immediates of an instruction whose opcode (described by `oi`) was just read.
/// Returns false with the error in `r` on malformed bytes. Block types are left in
/// `s.block_type` for the caller to resolve against the module's types.
template <bool kCheck>
inline bool read_immediates(Reader& r, const OpInfo& oi, Immediates& out, ImmediateScratch& s) {
  switch (oi.imm) {
    case Imm::None: return true;
    case Imm::Block:
      s.block_type_at = r.pos();
      s.block_type = r.s33();
      break;
    case Imm::Label: case Imm::Func: case Imm::Local: case Imm::Global: case Imm::Table: case Imm::Elem:
    case Imm::Tag: case Imm::Data: case Imm::Memory:
      out.index = r.u32();
      break;
    case Imm::TryTable: {
      s.block_type_at = r.pos();
      s.block_type = r.s33();
      uint32_t n = r.len();
      if (r.failed()) return false;
      s.catches.resize(n);
      for (uint32_t i = 0; i < n; ++i) {
        size_t at = r.pos();
        uint8_t kind = r.u8();
        if (r.failed()) return false;
        if (kCheck && kind > 3) return r.fail(at, "malformed catch clause");
        s.catches[i].kind = static_cast<CatchKind>(kind);
        s.catches[i].tag = kind < 2 ? r.u32() : 0;
        s.catches[i].label = r.u32();
        if (r.failed()) return false;
      }
      out.catches = s.catches;
      break;
    }
    case Imm::BrTable: {
      uint32_t n = r.len();
      if (r.failed()) return false;
      s.targets.resize(size_t{n} + 1);
      for (uint32_t i = 0; i <= n; ++i) s.targets[i] = r.u32();
      out.targets = s.targets;
      break;
    }
    // binary/instructions.rst: memory.init y x, memory.copy x1 x2 (destination first).
    case Imm::CallIndirect: case Imm::TableInit: case Imm::TableCopy: case Imm::MemoryInit:
    case Imm::MemoryCopy:
      out.index = r.u32();
      out.index2 = r.u32();
      break;
    case Imm::MemArg: case Imm::MemArgLane: {
      // binary/instructions.rst: memarg — the flags hold the alignment in bits 0-5; bit 6
      // says a memory index follows (multi-memory), otherwise it is memory 0.
      size_t at = r.pos();
      uint32_t flags = r.u32();
      if (r.failed()) return false;
      if (kCheck && flags >= 0x80) return r.fail(at, "malformed memop flags");
      if (flags & 0x40) out.index = r.u32();
      out.align = flags & 0x3f;
      size_t offset_at = r.pos();
      out.offset_imm = r.u64();
      if (r.failed()) return false;
      // Offsets of 32-bit memories are u32 (memory64 is not supported).
      if (kCheck && out.offset_imm > UINT32_MAX) return r.fail(offset_at, "integer too large");
      if (oi.imm == Imm::MemArgLane) out.lane = r.u8();
      break;
    }
    case Imm::Lane: out.lane = r.u8(); break;
    case Imm::RefType: {
      size_t at = r.pos();
      uint8_t b = r.u8();
      if (r.failed()) return false;
      if (kCheck && b != 0x70 && b != 0x6f && b != 0x69) return r.fail(at, "malformed reference type");
      out.type = static_cast<ValType>(b);
      return true;
    }
    case Imm::SelectT: {
      uint32_t n = r.len();
      if (r.failed()) return false;
      s.select_count = n;
      for (uint32_t i = 0; i < n; ++i) {
        size_t at = r.pos();
        uint8_t b = r.u8();
        if (r.failed()) return false;
        if constexpr (kCheck) {
          auto t = val_type_from_byte(b);
          if (!t) return r.fail(at, "malformed value type");
          out.type = *t;
        } else {
          out.type = static_cast<ValType>(b);
        }
      }
      return true;
    }
    case Imm::I32: {
      int64_t v = r.s32();
      std::memcpy(out.bytes.data(), &v, 8);
      break;
    }
    case Imm::I64: {
      int64_t v = r.s64();
      std::memcpy(out.bytes.data(), &v, 8);
      break;
    }
    case Imm::F32: r.bytes(out.bytes.data(), 4); break;
    case Imm::F64: r.bytes(out.bytes.data(), 8); break;
    case Imm::V128: case Imm::Shuffle: r.bytes(out.bytes.data(), 16); break;
  }
  return r.ok();
}

}  // namespace binary
}  // namespace shard
