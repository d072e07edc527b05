#include "valid/validator.h"

#include <fmt/format.h>

#include <optional>
#include <string_view>
#include <unordered_set>

#include "binary/decoder.h"
#include "valid/body_decoder.h"

namespace shard {

std::vector<uint8_t> declared_function_refs(const WasmModule& m) {
  std::vector<uint8_t> declared(m.num_funcs(), 0);
  auto mark = [&](uint32_t idx) {
    if (idx < declared.size()) declared[idx] = 1;
  };
  auto scan = [&](const ConstExpr& e) {
    for (const ConstInstr& ci : e.instrs)
      if (ci.op == Op::RefFunc) mark(ci.index);
  };
  for (const Export& e : m.exports)
    if (e.kind == ExternKind::Func) mark(e.index);
  for (const GlobalDef& g : m.globals) scan(g.init);
  for (const ElemSegment& s : m.elems) {
    scan(s.offset);
    for (const ConstExpr& e : s.inits) scan(e);
  }
  return declared;
}

namespace {

class ModuleValidator {
 public:
  explicit ModuleValidator(const WasmModule& m) : m_(m) {}

  std::optional<Error> run() {
    check_imports();
    for (const Function& f : m_.functions) {
      if (error_) break;
      if (f.type_index >= m_.types.size()) fail(f.code_offset, fmt::format("unknown type {}", f.type_index));
    }
    for (const TableType& t : m_.tables) check_limits(t.limits, UINT32_MAX, "table", 0);
    // Any number of memories (multi-memory, Wasm 3.0; valid/modules.rst).
    for (const MemoryType& mem : m_.memories) check_memory(mem);
    for (const TagType& t : m_.tags) check_tag(t);
    check_globals();
    check_exports();
    check_start();
    check_elems();
    check_datas();
    return std::move(error_);
  }

 private:
  void fail(size_t offset, std::string msg) {
    if (!error_) error_ = Error{ErrorKind::Invalid, std::move(msg), offset};
  }

  // valid/types.rst: Limits.
  void check_limits(const Limits& l, uint64_t bound, const char* what, size_t offset) {
    if (l.min > bound || (l.max && *l.max > bound)) {
      if (std::string_view(what) == "memory") fail(offset, "memory size must be at most 65536 pages (4GiB)");
      else fail(offset, fmt::format("{} size must be at most {}", what, bound));
    }
    if (l.max && l.min > *l.max) fail(offset, "size minimum must not be greater than maximum");
  }
  void check_memory(const MemoryType& mem) { check_limits(mem.limits, 65536, "memory", 0); }

  void check_imports() {
    for (const Import& im : m_.imports) {
      switch (im.kind) {
        case ExternKind::Func:
          if (im.func_type >= m_.types.size()) fail(0, fmt::format("unknown type {}", im.func_type));
          break;
        case ExternKind::Table: check_limits(im.table.limits, UINT32_MAX, "table", 0); break;
        case ExternKind::Memory: check_memory(im.memory); break;
        case ExternKind::Global: break;
        case ExternKind::Tag: check_tag(im.tag); break;
      }
    }
  }

  // valid/types.rst: Tag Types — a function type with no results.
  void check_tag(const TagType& t) {
    if (t.type_index >= m_.types.size()) return fail(0, fmt::format("unknown type {}", t.type_index));
    if (!m_.types[t.type_index].results.empty()) fail(0, "non-empty tag result type");
  }

  /// valid/instructions.rst: Constant Expressions. `visible_globals` bounds global.get: a
  /// global's initialiser sees the globals before it (imported ones, and, as Wasm 3.0's
  /// extended constants allow, earlier defined ones); segments see all globals.
  void check_const(const ConstExpr& e, ValType expected, uint32_t visible_globals) {
    if (error_) return;
    ValType stack[4];
    size_t n = 0;
    for (const ConstInstr& ci : e.instrs) {
      ValType t;
      switch (ci.op) {
        case Op::I32Const: t = ValType::I32; break;
        case Op::I64Const: t = ValType::I64; break;
        case Op::F32Const: t = ValType::F32; break;
        case Op::F64Const: t = ValType::F64; break;
        case Op::V128Const: t = ValType::V128; break;
        case Op::RefNull: t = ci.ref_type; break;
        case Op::RefFunc:
          if (ci.index >= m_.num_funcs()) return fail(e.offset, fmt::format("unknown function {}", ci.index));
          t = ValType::FuncRef;
          break;
        case Op::GlobalGet:
          if (ci.index >= visible_globals) return fail(e.offset, fmt::format("unknown global {}", ci.index));
          if (m_.all_globals[ci.index].mut)
            return fail(e.offset, "constant expression required: global.get of a mutable global");
          t = m_.all_globals[ci.index].type;
          break;
        default:
          return fail(e.offset, fmt::format("constant expression required: {} is not constant", info(ci.op).name));
      }
      if (n == std::size(stack)) return fail(e.offset, "type mismatch: too many values in constant expression");
      stack[n++] = t;
    }
    if (n != 1 || stack[0] != expected)
      fail(e.offset, fmt::format("type mismatch: constant expression must produce one {}", to_string(expected)));
  }

  void check_globals() {
    for (size_t i = 0; i < m_.globals.size(); ++i) {
      const GlobalDef& g = m_.globals[i];
      check_const(g.init, g.type.type, static_cast<uint32_t>(m_.num_imported_globals + i));
    }
  }

  void check_exports() {
    std::unordered_set<std::string_view> names;
    for (const Export& e : m_.exports) {
      if (error_) return;
      uint32_t bound = 0;
      const char* what = "";
      switch (e.kind) {
        case ExternKind::Func: bound = m_.num_funcs(); what = "function"; break;
        case ExternKind::Table: bound = m_.num_tables(); what = "table"; break;
        case ExternKind::Memory: bound = m_.num_memories(); what = "memory"; break;
        case ExternKind::Global: bound = m_.num_globals(); what = "global"; break;
        case ExternKind::Tag: bound = m_.num_tags(); what = "tag"; break;
      }
      if (e.index >= bound) fail(0, fmt::format("unknown {} {}", what, e.index));
      if (!names.insert(e.name).second) fail(0, "duplicate export name");
    }
  }

  void check_start() {
    if (!m_.start || error_) return;
    uint32_t idx = *m_.start;
    if (idx >= m_.num_funcs()) return fail(0, fmt::format("unknown function {}", idx));
    uint32_t ti = m_.func_type_indices[idx];
    if (ti >= m_.types.size()) return fail(0, fmt::format("unknown type {}", ti));
    const FuncType& ft = m_.types[ti];
    // valid/modules.rst: Start Function, type [] -> [].
    if (!ft.params.empty() || !ft.results.empty()) fail(0, "start function must have type [] -> []");
  }

  void check_elems() {
    for (const ElemSegment& s : m_.elems) {
      if (error_) return;
      if (s.mode == SegmentMode::Active) {
        if (s.table >= m_.num_tables()) return fail(s.byte_offset, fmt::format("unknown table {}", s.table));
        if (m_.all_tables[s.table].elem != s.type)
          return fail(s.byte_offset, "type mismatch: element segment type differs from the table's");
        check_const(s.offset, ValType::I32, m_.num_globals());
      }
      for (const ConstExpr& e : s.inits) check_const(e, s.type, m_.num_globals());
    }
  }

  void check_datas() {
    for (const DataSegment& d : m_.datas) {
      if (error_ || d.mode != SegmentMode::Active) continue;
      if (d.memory >= m_.num_memories()) return fail(d.byte_offset, fmt::format("unknown memory {}", d.memory));
      check_const(d.offset, ValType::I32, m_.num_globals());
    }
  }

  const WasmModule& m_;
  std::optional<Error> error_;
};

}  // namespace

Result<void> validate_module(const WasmModule& m) {
  std::optional<Error> first = ModuleValidator(m).run();
  // Function bodies: a malformed body wins over any validation error (the spec decodes
  // everything before it validates anything).
  NullVisitor nv;
  BodyDecoder<NullVisitor> bd(m, nv);
  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    auto r = bd.decode_function(i);
    if (r) continue;
    if (r.error().kind == ErrorKind::Malformed) return std::move(r).error();
    if (!first) first = std::move(r).error();
  }
  if (first) return std::move(*first);
  return {};
}

Result<WasmModule> load_module(std::vector<uint8_t> bytes) {
  auto m = decode_module(std::move(bytes));
  if (!m) return std::move(m).error();
  if (auto r = validate_module(*m); !r) return std::move(r).error();
  m->validated = true;
  return m;
}

}  // namespace shard
