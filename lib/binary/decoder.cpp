#include "binary/decoder.h"

#include "binary/immediates.h"

#include <fmt/format.h>

#include <cstring>
#include <optional>

namespace shard::binary {

namespace {

// Section ids (binary/modules.rst: Sections).
enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
  kTag = 13,  ///< exception handling (Wasm 3.0)
};

/// Position of a section in the required order (binary/modules.rst: Modules); the data count
/// section sits between element and code, the tag section between memory and global.
int section_rank(uint8_t id) {
  switch (id) {
    case kTag: return 11;
    case kDataCount: return 19;
    case kCode: return 20;
    case kData: return 22;
    default: return id * 2;
  }
}

std::string illegal_opcode(uint8_t prefix, uint32_t code) {
  if (prefix == 0) return fmt::format("illegal opcode {:x}", code);
  return fmt::format("illegal opcode {:x} {:x}", prefix, code);
}

/// Reads an opcode (one byte, or a 0xfc/0xfd prefix and a u32) and steps over its
/// immediates; `depth` follows the nesting of blocks. False, with the error in `r`, on
/// malformed bytes.
bool skip_instruction(Reader& r, Op& op, uint32_t& depth, ImmediateScratch& scratch, Immediates& imm) {
  size_t at = r.pos();
  uint8_t b = r.u8();
  uint8_t prefix = 0;
  uint32_t code = b;
  if (b == 0xfc || b == 0xfd) prefix = b, code = r.u32();
  if (r.failed()) return false;
  auto found = op_from_code(prefix, code);
  if (!found) return r.fail(at, illegal_opcode(prefix, code));
  op = *found;
  if (op == Op::Block || op == Op::Loop || op == Op::If || op == Op::TryTable) ++depth;
  if (op == Op::End) --depth;
  return read_immediates<true>(r, info(op), imm, scratch);
}

class ModuleDecoder {
 public:
  explicit ModuleDecoder(WasmModule& m) : m_(m), r_(m.bytes.data(), 0, m.bytes.size()) {}

  Result<void> run() {
    auto r = run_sections();
    if (!r && code_decoded_) {
      if (auto e = body_error_before(r.error().offset)) return std::move(*e);
    }
    return r;
  }

 private:
  /// Error path only. The spec decodes function bodies as part of the module, reading them
  /// from the module's byte stream, so when a body's size field is too small its first
  /// problem shows up inside the instructions, before whatever we found past the code
  /// section. Scan the bodies syntactically the same way and report such an earlier error.
  std::optional<Error> body_error_before(size_t limit) {
    for (const Function& f : m_.functions) {
      if (f.body_end == 0) break;
      Reader r(m_.bytes.data(), f.body_offset, m_.bytes.size());
      ImmediateScratch scratch;
      Immediates imm;
      Op op;
      for (uint32_t depth = 1; depth > 0 && skip_instruction(r, op, depth, scratch, imm);) {
      }
      if (r.failed() && r.error().offset < limit) return r.take_error();
    }
    return std::nullopt;
  }

  Result<void> run_sections() {
    if (!header()) return r_.take_error();
    int last_rank = 0;
    bool saw_code = false;
    while (!r_.at_end()) {
      size_t id_offset = r_.pos();
      uint8_t id = r_.u8();
      if (id > kTag) return fail(id_offset, "malformed section id");
      size_t size = r_.len();
      if (r_.failed()) return r_.take_error();
      size_t start = r_.pos();
      size_t end = start + size;
      if (id != kCustom) {
        int rank = section_rank(id);
        if (rank <= last_rank) return fail(id_offset, "unexpected content after last section");
        last_rank = rank;
      }
      section_end_ = end;
      bool ok = section(id, start, end);
      if (!ok || r_.failed()) return r_.take_error();
      if (id == kCode) saw_code = true;
      // binary/modules.rst: the size must match the length of the contents.
      if (r_.pos() != end) return fail(start, "section size mismatch");
    }
    // binary/modules.rst: the function and code sections must have the same length.
    if (deferred_) return std::move(*deferred_);
    if (!saw_code && !m_.functions.empty())
      return fail(r_.pos(), "function and code section have inconsistent lengths");
    if (m_.data_count && !saw_data_ && *m_.data_count != 0)
      return fail(r_.pos(), "data count and data section have inconsistent lengths");
    return {};
  }

  Error fail(size_t offset, std::string message) {
    r_.fail(offset, std::move(message));
    return r_.take_error();
  }

  bool header() {
    static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
    static constexpr uint8_t kVersion[4] = {0x01, 0x00, 0x00, 0x00};
    const auto& b = m_.bytes;
    // binary/modules.rst: magic then version, each read as a 4-byte word (so a short file
    // is "unexpected end" whatever its bytes).
    if (b.size() < 4) return r_.fail(b.size(), "unexpected end");
    if (std::memcmp(b.data(), kMagic, 4) != 0) return r_.fail(0, "magic header not detected");
    if (b.size() < 8) return r_.fail(b.size(), "unexpected end");
    if (std::memcmp(b.data() + 4, kVersion, 4) != 0) return r_.fail(4, "unknown binary version");
    r_.seek(8);
    return true;
  }

  bool section(uint8_t id, size_t start, size_t end) {
    switch (id) {
      case kCustom: return custom(start, end);
      case kType: return types();
      case kImport: return imports();
      case kFunction: return functions();
      case kTable: return tables();
      case kMemory: return memories();
      case kGlobal: return globals();
      case kExport: return exports();
      case kStart: m_.start = r_.u32(); return r_.ok();
      case kElement: return elems();
      case kCode: return codes();
      case kData: return datas();
      case kDataCount: m_.data_count = r_.u32(); return r_.ok();
      case kTag: return tags();
    }
    return false;
  }

  // binary/modules.rst: Custom Section; appendix/custom.rst for "name".
  bool custom(size_t start, size_t end) {
    if (end > m_.bytes.size()) return r_.fail(start, "length out of bounds");
    CustomSection c;
    c.name = r_.name();
    if (r_.failed()) return false;
    if (r_.pos() > end) return r_.fail(start, "unexpected end");
    c.data_offset = r_.pos();
    c.data_size = end - r_.pos();
    r_.seek(end);
    if (c.name == "name") decode_names(c.data_offset, end);
    m_.customs.push_back(std::move(c));
    return true;
  }

  /// The name section is advisory: any problem discards what it says (appendix/custom.rst).
  void decode_names(size_t begin, size_t end) {
    Reader r(m_.bytes.data(), begin, end);
    NameSection names;
    int last_id = -1;
    while (!r.at_end() && r.ok()) {
      uint8_t id = r.u8();
      uint32_t size = r.len();
      if (r.failed() || size > r.remaining() || static_cast<int>(id) <= last_id) return;
      last_id = id;
      size_t sub_end = r.pos() + size;
      Reader s(m_.bytes.data(), r.pos(), sub_end);
      if (id == 0) {
        names.module_name = s.name();
      } else if (id == 1) {
        uint32_t n = s.len();
        for (uint32_t i = 0; i < n && s.ok(); ++i) {
          uint32_t idx = s.u32();
          names.functions[idx] = s.name();
        }
      } else if (id == 2) {
        uint32_t n = s.len();
        for (uint32_t i = 0; i < n && s.ok(); ++i) {
          uint32_t fidx = s.u32();
          uint32_t count = s.len();
          auto& locals = names.locals[fidx];
          for (uint32_t k = 0; k < count && s.ok(); ++k) {
            uint32_t lidx = s.u32();
            locals[lidx] = s.name();
          }
        }
      } else {
        s.seek(sub_end);  // other subsections (labels, types, ...) are not needed
      }
      if (s.failed() || s.pos() != sub_end) return;
      r.seek(sub_end);
    }
    if (r.failed()) return;
    m_.names = std::move(names);
  }

  bool val_type(ValType& out) {
    size_t at = r_.pos();
    uint8_t b = r_.u8();
    if (r_.failed()) return false;
    auto t = val_type_from_byte(b);
    if (!t) return r_.fail(at, "malformed value type");
    out = *t;
    return true;
  }

  bool ref_type(ValType& out) {
    size_t at = r_.pos();
    uint8_t b = r_.u8();
    if (r_.failed()) return false;
    if (b != 0x70 && b != 0x6f && b != 0x69) return r_.fail(at, "malformed reference type");
    out = static_cast<ValType>(b);
    return true;
  }

  // binary/types.rst: Limits. Memory limits are read as u64 LEBs (the 3.0 encoding; for
  // Wasm 2.0 values the two agree and the validator enforces the page limit).
  bool limits(Limits& out, bool memory) {
    size_t at = r_.pos();
    uint8_t flags = r_.u8();
    if (r_.failed()) return false;
    if (flags > 1) return r_.fail(at, "malformed limits flags");
    out.min = memory ? r_.u64() : r_.u32();
    if (flags == 1) out.max = memory ? r_.u64() : r_.u32();
    return r_.ok();
  }

  bool table_type(TableType& t) { return ref_type(t.elem) && limits(t.limits, false); }

  bool global_type(GlobalType& g) {
    if (!val_type(g.type)) return false;
    size_t at = r_.pos();
    uint8_t mut = r_.u8();
    if (r_.failed()) return false;
    if (mut > 1) return r_.fail(at, "malformed mutability");
    g.mut = mut == 1;
    return true;
  }

  bool val_types(std::vector<ValType>& out) {
    uint32_t n = r_.len();
    out.resize(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) val_type(out[i]);
    return r_.ok();
  }

  // binary/modules.rst: Type Section.
  bool types() {
    uint32_t n = r_.len();
    m_.types.resize(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      size_t at = r_.pos();
      uint8_t form = r_.u8();
      if (r_.failed()) return false;
      if (form != 0x60) return r_.fail(at, "integer representation too long");
      if (!val_types(m_.types[i].params) || !val_types(m_.types[i].results)) return false;
    }
    return r_.ok();
  }

  // binary/modules.rst: Import Section.
  bool imports() {
    uint32_t n = r_.len();
    m_.imports.reserve(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      Import im;
      im.module = r_.name();
      im.name = r_.name();
      size_t at = r_.pos();
      uint8_t kind = r_.u8();
      if (r_.failed()) return false;
      switch (kind) {
        case 0:
          im.kind = ExternKind::Func;
          im.func_type = r_.u32();
          m_.func_type_indices.push_back(im.func_type);
          ++m_.num_imported_funcs;
          break;
        case 1:
          im.kind = ExternKind::Table;
          if (!table_type(im.table)) return false;
          m_.all_tables.push_back(im.table);
          ++m_.num_imported_tables;
          break;
        case 2:
          im.kind = ExternKind::Memory;
          if (!limits(im.memory.limits, true)) return false;
          m_.all_memories.push_back(im.memory);
          ++m_.num_imported_memories;
          break;
        case 3:
          im.kind = ExternKind::Global;
          if (!global_type(im.global)) return false;
          m_.all_globals.push_back(im.global);
          ++m_.num_imported_globals;
          break;
        case 4:
          im.kind = ExternKind::Tag;
          if (!tag_type(im.tag)) return false;
          m_.all_tags.push_back(im.tag);
          ++m_.num_imported_tags;
          break;
        default: return r_.fail(at, "malformed import kind");
      }
      m_.imports.push_back(std::move(im));
    }
    return r_.ok();
  }

  // binary/types.rst: tagtype ::= 0x00 typeidx (the attribute byte 0 is "exception").
  bool tag_type(TagType& t) {
    size_t at = r_.pos();
    uint8_t attr = r_.u8();
    if (r_.failed()) return false;
    if (attr != 0) return r_.fail(at, "malformed tag attribute");
    t.type_index = r_.u32();
    return r_.ok();
  }

  // binary/modules.rst: Tag Section (id 13).
  bool tags() {
    uint32_t n = r_.len();
    m_.tags.resize(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      if (!tag_type(m_.tags[i])) return false;
      m_.all_tags.push_back(m_.tags[i]);
    }
    return r_.ok();
  }

  // binary/modules.rst: Function Section.
  bool functions() {
    uint32_t n = r_.len();
    m_.functions.resize(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      m_.functions[i].type_index = r_.u32();
      m_.func_type_indices.push_back(m_.functions[i].type_index);
    }
    return r_.ok();
  }

  bool tables() {
    uint32_t n = r_.len();
    m_.tables.resize(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      if (!table_type(m_.tables[i])) return false;
      m_.all_tables.push_back(m_.tables[i]);
    }
    return r_.ok();
  }

  bool memories() {
    uint32_t n = r_.len();
    m_.memories.resize(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      if (!limits(m_.memories[i].limits, true)) return false;
      m_.all_memories.push_back(m_.memories[i]);
    }
    return r_.ok();
  }

  /// Constant expressions may not run past their section (the section size bounds them).
  bool const_expr(ConstExpr& e) {
    size_t saved_end = r_.end();
    r_.set_end(std::min(section_end_, saved_end));
    bool ok = read_const_expr(r_, e);
    if (r_.ok()) r_.set_end(saved_end);
    return ok;
  }

  bool globals() {
    uint32_t n = r_.len();
    m_.globals.resize(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      GlobalDef& g = m_.globals[i];
      if (!global_type(g.type) || !const_expr(g.init)) return false;
      m_.all_globals.push_back(g.type);
    }
    return r_.ok();
  }

  bool exports() {
    uint32_t n = r_.len();
    m_.exports.resize(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      Export& e = m_.exports[i];
      e.name = r_.name();
      size_t at = r_.pos();
      uint8_t kind = r_.u8();
      if (r_.failed()) return false;
      if (kind > 4) return r_.fail(at, "malformed export kind");
      e.kind = static_cast<ExternKind>(kind);
      e.index = r_.u32();
    }
    return r_.ok();
  }

  // binary/modules.rst: Element Section, flags 0..7.
  bool elems() {
    uint32_t n = r_.len();
    m_.elems.resize(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      ElemSegment& s = m_.elems[i];
      s.byte_offset = r_.pos();
      uint32_t flags = r_.u32();
      if (r_.failed()) return false;
      if (flags > 7) return r_.fail(s.byte_offset, "malformed elements segment kind");
      bool passive_or_declarative = flags & 1;
      bool explicit_table = flags & 2;
      bool exprs = flags & 4;
      if (passive_or_declarative) {
        s.mode = explicit_table ? SegmentMode::Declarative : SegmentMode::Passive;
      } else {
        s.mode = SegmentMode::Active;
        s.table = explicit_table ? r_.u32() : 0;
        if (!const_expr(s.offset)) return false;
      }
      s.type = ValType::FuncRef;
      if (passive_or_declarative || explicit_table) {
        if (exprs) {
          if (!ref_type(s.type)) return false;
        } else {
          size_t at = r_.pos();
          uint8_t kind = r_.u8();
          if (r_.failed()) return false;
          if (kind != 0x00) return r_.fail(at, "malformed element kind");
        }
      }
      uint32_t count = r_.len();
      s.inits.resize(count);
      for (uint32_t k = 0; k < count && r_.ok(); ++k) {
        ConstExpr& e = s.inits[k];
        e.offset = r_.pos();
        if (exprs) {
          if (!const_expr(e)) return false;
        } else {
          ConstInstr ci;
          ci.op = Op::RefFunc;
          ci.index = r_.u32();
          e.instrs.push_back(ci);
        }
      }
    }
    return r_.ok();
  }

  // binary/modules.rst: Code Section.
  bool codes() {
    size_t at = r_.pos();
    uint32_t n = r_.len();
    if (r_.failed()) return false;
    if (n != m_.functions.size()) {
      // Reported after the remaining sections, as the spec interpreter does.
      if (!deferred_) deferred_ = Error{ErrorKind::Malformed, "function and code section have inconsistent lengths", at};
      r_.seek(section_end_);
      return true;
    }
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      Function& f = m_.functions[i];
      f.code_offset = r_.pos();
      uint32_t size = r_.len();
      if (r_.failed()) return false;
      size_t start = r_.pos();
      size_t end = start + size;
      uint32_t groups = r_.len();
      uint64_t total = 0;
      // Count first so a hostile count cannot make us allocate (binary/modules.rst: "too many locals").
      size_t locals_start = r_.pos();
      for (uint32_t g = 0; g < groups && r_.ok(); ++g) {
        total += r_.u32();
        ValType t = ValType::I32;
        if (!val_type(t)) return false;
        if (total > kMaxFunctionLocals) return r_.fail(start, "too many locals");
      }
      if (r_.failed()) return false;
      f.locals.reserve(total);
      r_.seek(locals_start);
      for (uint32_t g = 0; g < groups; ++g) {
        uint32_t count = r_.u32();
        ValType t = ValType::I32;
        val_type(t);
        f.locals.insert(f.locals.end(), count, t);
      }
      f.body_offset = r_.pos();
      f.body_end = end;
      code_decoded_ = true;
      if (f.body_offset > end) return r_.fail(start, "section size mismatch");
      if (end > m_.bytes.size()) return r_.fail(start, std::string(kUnexpectedEnd));
      r_.seek(end);
    }
    return r_.ok();
  }

  // binary/modules.rst: Data Section, flags 0..2.
  bool datas() {
    size_t at = r_.pos();
    uint32_t n = r_.len();
    if (r_.failed()) return false;
    saw_data_ = true;
    if (m_.data_count && *m_.data_count != n)
      return r_.fail(at, "data count and data section have inconsistent lengths");
    m_.datas.resize(n);
    for (uint32_t i = 0; i < n && r_.ok(); ++i) {
      DataSegment& d = m_.datas[i];
      d.byte_offset = r_.pos();
      uint32_t flags = r_.u32();
      if (r_.failed()) return false;
      if (flags > 2) return r_.fail(d.byte_offset, "malformed data segment kind");
      if (flags == 1) {
        d.mode = SegmentMode::Passive;
      } else {
        d.mode = SegmentMode::Active;
        d.memory = flags == 2 ? r_.u32() : 0;
        if (!const_expr(d.offset)) return false;
      }
      uint32_t size = r_.len();
      d.data_offset = r_.pos();
      d.data_size = size;
      r_.skip(size);
    }
    return r_.ok();
  }

  WasmModule& m_;
  Reader r_;
  size_t section_end_ = 0;
  bool saw_data_ = false;
  std::optional<Error> deferred_;
  bool code_decoded_ = false;
};

}  // namespace

bool read_const_expr(Reader& r, ConstExpr& out) {
  out.offset = r.pos();
  // binary/instructions.rst: expr ::= instr* 0x0B, where a block, loop or if brings its own
  // `end`; only the `end` at depth 0 closes the expression (the rest is the validator's).
  // A depth of 1 stands for the expression itself, so `end` at depth 1 closes it.
  uint32_t depth = 1;
  ImmediateScratch scratch;
  for (;;) {
    // Any instruction is read here (non-constant ones are the validator's to reject).
    Immediates imm;
    Op op;
    if (!skip_instruction(r, op, depth, scratch, imm)) return false;
    if (depth == 0) return true;
    ConstInstr ci;
    ci.op = op;
    ci.index = imm.index;
    if (op == Op::RefNull) ci.ref_type = imm.type;
    std::memcpy(ci.bytes, imm.bytes.data(), sizeof ci.bytes);
    out.instrs.push_back(ci);
  }
}

}  // namespace shard::binary

namespace shard {

Result<WasmModule> decode_module(std::vector<uint8_t> bytes) {
  WasmModule m;
  m.bytes = std::move(bytes);
  binary::ModuleDecoder d(m);
  if (auto r = d.run(); !r) return std::move(r).error();
  return m;
}

}  // namespace shard
