// The one function-body decoder (see visitor.h for the contract with its consumers).
//
// BodyDecoder<V> walks a body once: it decodes each opcode through the opcode table
// (op_from_code), reads the immediates by their Imm kind, keeps the operand and control
// stacks of the spec's validation algorithm (appendix/algorithm.rst) and calls the visitor
// with every instruction already typed. Instructions with fixed typing are checked from
// the table's P0..P2/R columns; the Special ones are typed by hand below.
//
// Usage: construct once per module (it precomputes the declared function references and
// keeps its stacks between functions, so nothing is allocated per instruction), then call
// decode_function(i) for each defined function i. Or call the free decode_function().
//
// Details of the hooks beyond visitor.h:
//   - The function frame (FrameKind::Function) has empty sig.params (parameters are locals,
//     not operands) and the function's results as sig.results.
//   - on_else is called after the then-arm's results were checked, while the frame still has
//     kind If and `unreachable` tells whether the then-arm's end is reachable; afterwards
//     the frame becomes FrameKind::Else with the block's params pushed again.
//   - on_end is called after the results were checked and before the frame is popped.
//   - Block signatures point into WasmModule::types or static storage, never into the frame,
//     so they stay valid when the control stack grows.
//
// Errors: byte-level problems are ErrorKind::Malformed, typing problems ErrorKind::Invalid,
// both with the offset of the offending instruction and the spec interpreter's wording
// followed by the function index ("type mismatch in function 3 at i32.add: ...").
//
// Validation is compiled in or out (like V8's validation tag): BodyDecoder<V> checks
// everything; BodyDecoder<V, Validation::None> is for bodies load_module already validated
// (WasmModule::validated). It makes the same walk and the same visitor calls (visitor.h
// holds for both), with every typing and index check folded away at compile time: the
// operand stack still tracks types, for the hooks' Instr::type and heights. Only running out
// of bytes is still noticed, so a body can never be read past its end.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "binary/reader.h"
#include "module.h"
#include "shard/result.h"
#include "types.h"
#include "valid/visitor.h"

namespace shard {

/// For each function index, 1 if the function may be named by ref.func inside a function
/// body: it occurs in the module outside the functions (exports, global initialisers,
/// element segments). valid/modules.rst: C.refs. Defined in validator.cpp.
std::vector<uint8_t> declared_function_refs(const WasmModule& m);

/// Whether a BodyDecoder validates (Full) or trusts an already validated body (None).
enum class Validation : uint8_t { Full, None };

namespace body_detail {

inline constexpr ValType kSingleTypes[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64,
                                           ValType::V128, ValType::FuncRef, ValType::ExternRef,
                                           ValType::ExnRef};

/// A static one-element span for a value type, so a block's signature never points into a
/// control frame that may move when the control stack grows.
inline std::span<const ValType> single(ValType t) {
  for (const ValType& s : kSingleTypes)
    if (s == t) return {&s, 1};
  return {};
}

/// Opcode -> Op lookup built at compile time from the opcode table: the same mapping as
/// op_from_code, but inline in the decoder's hot loop (it was a third of validation time).
struct OpLookup {
  static constexpr uint16_t kNone = 0xffff;
  std::array<uint16_t, 256> single{};
  std::array<uint16_t, 32> fc{};
  std::array<uint16_t, 256> fd{};
};

inline constexpr OpLookup make_op_lookup() {
  OpLookup t;
  t.single.fill(OpLookup::kNone);
  t.fc.fill(OpLookup::kNone);
  t.fd.fill(OpLookup::kNone);
  for (size_t i = 0; i < kOpCount; ++i) {
    const OpInfo& oi = kOpInfo[i];
    if (oi.prefix == 0) t.single[oi.code] = static_cast<uint16_t>(i);
    else if (oi.prefix == 0xfc) t.fc[oi.code] = static_cast<uint16_t>(i);
    else t.fd[oi.code] = static_cast<uint16_t>(i);
  }
  return t;
}

inline constexpr OpLookup kOpLookup = make_op_lookup();

/// kNone when the code is not a Wasm 2.0 instruction.
inline uint16_t lookup_op(uint8_t prefix, uint32_t code) {
  if (prefix == 0) return kOpLookup.single[code & 0xff];
  if (prefix == 0xfc) return code < kOpLookup.fc.size() ? kOpLookup.fc[code] : OpLookup::kNone;
  return code < kOpLookup.fd.size() ? kOpLookup.fd[code] : OpLookup::kNone;
}

}  // namespace body_detail

template <class V, Validation kMode = Validation::Full>
class BodyDecoder {
 public:
  using Control = typename V::Control;
  using Frame = ControlFrame<Control>;
  /// False when checks are compiled out: every `kCheck && ...` condition folds to false.
  static constexpr bool kCheck = kMode == Validation::Full;

  /// Precomputes the declared function references (C.refs) when validating; nothing
  /// otherwise (ref.func needs them only to be checked).
  BodyDecoder(const WasmModule& m, V& visitor) : m_(m), v_(visitor), r_(m.bytes.data(), 0, 0) {
    if constexpr (kCheck) declared_ = declared_function_refs(m);
  }
  BodyDecoder(const WasmModule& m, V& visitor, std::vector<uint8_t> declared)
      : m_(m), v_(visitor), r_(m.bytes.data(), 0, 0), declared_(std::move(declared)) {}

  /// Decodes and validates defined function `defined_index` (not counting imports).
  Result<void> decode_function(uint32_t defined_index) {
    if (defined_index >= m_.functions.size()) return Error{ErrorKind::Invalid, "unknown function", SIZE_MAX};
    const Function& f = m_.functions[defined_index];
    func_index_ = m_.num_imported_funcs + defined_index;
    r_ = binary::Reader(m_.bytes.data(), f.body_offset, f.body_end);
    failed_ = false;
    if (kCheck && f.type_index >= m_.types.size())
      return Error{ErrorKind::Invalid, fmt::format("unknown type {}", f.type_index), f.code_offset};
    const FuncType& ft = m_.types[f.type_index];
    locals_.assign(ft.params.begin(), ft.params.end());
    locals_.insert(locals_.end(), f.locals.begin(), f.locals.end());
    vals_.clear();
    ctrls_.clear();

    FunctionInfo fi;
    fi.module = &m_;
    fi.func_index = func_index_;
    fi.type = &ft;
    fi.locals = locals_;
    v_.begin_function(fi);

    Frame fn;
    fn.kind = FrameKind::Function;
    fn.sig.results = ft.results;
    fn.offset = f.body_offset;
    ctrls_.push_back(fn);

    while (!ctrls_.empty()) {
      if (r_.at_end()) {
        op_known_ = false;
        // A body must end with the `end` of its function frame (binary/modules.rst: Code).
        malformed(r_.pos(), fmt::format("{}: END opcode expected before the end of the function body "
                                        "(section size mismatch)", binary::kUnexpectedEnd));
        return std::move(error_);
      }
      if (!step()) return std::move(error_);
    }
    if (kCheck && !r_.at_end()) {
      op_known_ = false;
      malformed(r_.pos(), "section size mismatch: code after the final end of the function");
      return std::move(error_);
    }
    v_.end_function();
    return {};
  }

 private:
  // ---- errors -------------------------------------------------------------------------

  bool fail(ErrorKind kind, size_t offset, std::string msg) {
    if (!failed_) {
      failed_ = true;
      error_ = op_known_ ? Error{kind, fmt::format("{} in function {} at {}", msg, func_index_, info(instr_.op).name),
                                 offset}
                         : Error{kind, fmt::format("{} in function {}", msg, func_index_), offset};
    }
    return false;
  }
  bool invalid(std::string msg) { return fail(ErrorKind::Invalid, instr_.offset, std::move(msg)); }
  bool malformed(size_t offset, std::string msg) { return fail(ErrorKind::Malformed, offset, std::move(msg)); }
  /// Moves a reader error (always malformed) into ours.
  bool reader_failed() {
    Error e = r_.take_error();
    return malformed(e.offset, std::move(e.message));
  }
  bool mismatch(ValType expected, ValType found) {
    if (found == ValType::Bot) return invalid(fmt::format("type mismatch: expected {}, but the stack is empty",
                                                          to_string(expected)));
    return invalid(fmt::format("type mismatch: expected {}, found {}", to_string(expected), to_string(found)));
  }

  // ---- operand stack (appendix/algorithm.rst) -----------------------------------------

  bool reachable() const { return !ctrls_.back().unreachable; }
  uint32_t height() const { return static_cast<uint32_t>(vals_.size()); }
  void push(ValType t) { vals_.push_back(t); }
  void push(std::span<const ValType> ts) { vals_.insert(vals_.end(), ts.begin(), ts.end()); }

  /// Pops any value; Bot on the polymorphic stack of unreachable code.
  bool pop_any(ValType& out) {
    const Frame& c = ctrls_.back();
    if (vals_.size() == c.height) {
      out = ValType::Bot;
      if (!kCheck || c.unreachable) return true;
      return invalid("type mismatch: expected a value, but the stack is empty");
    }
    out = vals_.back();
    vals_.pop_back();
    return true;
  }
  bool pop(ValType expect) {
    const Frame& c = ctrls_.back();
    ValType t = ValType::Bot;
    if (vals_.size() > c.height) {
      t = vals_.back();
      vals_.pop_back();
    } else if (kCheck && !c.unreachable) {
      return mismatch(expect, ValType::Bot);
    }
    if (kCheck && t != expect && t != ValType::Bot && expect != ValType::Bot) return mismatch(expect, t);
    return true;
  }
  bool pop(std::span<const ValType> ts) {
    for (size_t i = ts.size(); i-- > 0;)
      if (!pop(ts[i])) return false;
    return true;
  }
  /// The top of the stack holds exactly `ts` above the frame's height (valid/instructions.rst:
  /// the end of a block), allowing the polymorphic bottom of unreachable code.
  bool pop_exact(std::span<const ValType> ts) {
    if constexpr (!kCheck) {
      // A valid body has exactly `ts` above the frame's height here (or fewer, polymorphic).
      vals_.resize(ctrls_.back().height);
      return true;
    }
    if (!pop(ts)) return false;
    if (vals_.size() != ctrls_.back().height)
      return invalid(fmt::format("type mismatch: {} extra value(s) on the stack at the end of the block",
                                 vals_.size() - ctrls_.back().height));
    return true;
  }
  /// Checks that the top of the stack matches `ts` without changing it (br_table's
  /// push_vals(pop_vals(...)) has no other effect).
  bool check_top(std::span<const ValType> ts) {
    if constexpr (!kCheck) return true;
    const Frame& c = ctrls_.back();
    size_t avail = vals_.size() - c.height;
    for (size_t i = 0; i < ts.size(); ++i) {
      size_t depth = ts.size() - i;  // 1 = top
      if (depth > avail) {
        if (c.unreachable) continue;
        return mismatch(ts[i], ValType::Bot);
      }
      ValType t = vals_[vals_.size() - depth];
      if (t != ts[i] && t != ValType::Bot) return mismatch(ts[i], t);
    }
    return true;
  }
  void set_unreachable() {
    Frame& c = ctrls_.back();
    vals_.resize(c.height);
    c.unreachable = true;
  }

  // ---- immediates (binary/instructions.rst) -------------------------------------------

  // The bytes are read by binary::read_immediates (the one reader of immediates); what
  // follows checks them against the module (valid/instructions.rst).

  bool memory_index(uint32_t index) {
    if (kCheck && index >= m_.num_memories()) return invalid(fmt::format("unknown memory {}", index));
    return true;
  }

  /// Resolves the block type just read (binary/instructions.rst: blocktype).
  bool block_type() {
    int64_t v = imm_.block_type;
    sig_ = BlockSig{};
    single_ = ValType::Bot;
    if (v == -64) return true;  // 0x40: []
    if (v < 0) {
      if constexpr (kCheck) {
        auto t = v > -64 ? val_type_from_byte(static_cast<uint8_t>(v & 0x7f)) : std::nullopt;
        if (!t) return malformed(imm_.block_type_at, "malformed value type");
        single_ = *t;
      } else {
        single_ = static_cast<ValType>(v & 0x7f);  // value types are their own byte
      }
      sig_.results = body_detail::single(single_);
      return true;
    }
    if (kCheck && static_cast<uint64_t>(v) >= m_.types.size()) return invalid(fmt::format("unknown type {}", v));
    instr_.index = static_cast<uint32_t>(v);
    sig_.params = m_.types[v].params;
    sig_.results = m_.types[v].results;
    return true;
  }

  bool memarg(const OpInfo& oi) {
    if (!memory_index(instr_.index)) return false;
    // valid/instructions.rst: 2^align must not be larger than the access width.
    if (kCheck && instr_.align > oi.aux) return invalid("alignment must not be larger than natural");
    return true;
  }

  bool lane(uint32_t count) {
    if (kCheck && instr_.lane >= count) return invalid(fmt::format("invalid lane index {}", instr_.lane));
    return true;
  }

  bool data_index() {
    if constexpr (!kCheck) return true;
    // binary/modules.rst: memory.init and data.drop need the data count section.
    if (!m_.data_count) return malformed(instr_.offset, "data count section required");
    if (instr_.index >= *m_.data_count) return invalid(fmt::format("unknown data segment {}", instr_.index));
    return true;
  }

  bool read_immediates(const OpInfo& oi) {
    if (!binary::read_immediates<kCheck>(r_, oi, instr_, imm_)) return reader_failed();
    switch (oi.imm) {
      case Imm::Block: case Imm::TryTable: return block_type();
      case Imm::Data: return data_index();
      case Imm::Memory: return memory_index(instr_.index);
      // The reference interpreter checks the memory before the data segment.
      case Imm::MemoryInit: return memory_index(instr_.index2) && data_index();
      case Imm::MemoryCopy: return memory_index(instr_.index) && memory_index(instr_.index2);
      case Imm::MemArg: return memarg(oi);
      case Imm::MemArgLane: return memarg(oi) && lane(16u >> oi.aux);
      case Imm::Lane: return lane(oi.aux);
      case Imm::SelectT:
        // valid/instructions.rst: select t* requires exactly one type.
        if (kCheck && imm_.select_count != 1) return invalid("invalid result arity");
        return true;
      case Imm::Shuffle:
        for (uint8_t b : instr_.bytes)
          if (kCheck && b >= 32) return invalid(fmt::format("invalid lane index {}", b));
        return true;
      default: return true;
    }
  }

  // ---- instructions -------------------------------------------------------------------

  bool step() {
    size_t at = r_.pos();
    uint8_t b = r_.u8();
    uint8_t prefix = 0;
    uint32_t code = b;
    op_known_ = false;
    if (b == 0xfc || b == 0xfd) {
      prefix = b;
      code = r_.u32();
      if (r_.failed()) return reader_failed();
    }
    instr_ = Instr{};
    instr_.offset = at;
    instr_.height = height();
    uint16_t id = body_detail::lookup_op(prefix, code);
    op_known_ = id != body_detail::OpLookup::kNone;
    if (!op_known_) {  // kept without validation too: the op table has no row to go on
      return prefix ? malformed(at, fmt::format("illegal opcode {:x} {:x}", prefix, code))
                    : malformed(at, fmt::format("illegal opcode {:x}", code));
    }
    instr_.op = static_cast<Op>(id);
    const OpInfo& oi = kOpInfo[id];
    if (!read_immediates(oi)) return false;
    if (!oi.special()) return fixed(oi);
    return special();
  }

  /// Instructions whose typing is in the table (valid/instructions.rst: numeric, vector,
  /// memory instructions).
  bool fixed(const OpInfo& oi) {
    int n = oi.param_count();
    const Frame& c = ctrls_.back();
    if constexpr (!kCheck) {
      // Operands below the frame's height only in unreachable code (polymorphic stack).
      vals_.resize(vals_.size() >= c.height + n ? vals_.size() - n : c.height);
      if (oi.result != OpType::None) push(to_val_type(oi.result));
      if (reachable()) v_.on_op(instr_);
      return true;
    }
    bool fast = vals_.size() >= c.height + n;
    for (int i = 0; fast && i < n; ++i)
      fast = vals_[vals_.size() - n + i] == to_val_type(oi.params[i]);
    if (fast) {
      vals_.resize(vals_.size() - n);
    } else {
      for (int i = n; i-- > 0;)
        if (!pop(to_val_type(oi.params[i]))) return false;
    }
    if (oi.result != OpType::None) push(to_val_type(oi.result));
    if (reachable()) v_.on_op(instr_);
    return true;
  }

  Frame& label(uint32_t depth) { return ctrls_[ctrls_.size() - 1 - depth]; }
  bool check_label(uint32_t depth) {
    if (kCheck && depth >= ctrls_.size()) return invalid(fmt::format("unknown label {}", depth));
    return true;
  }

  bool push_frame(FrameKind kind) {
    Frame f;
    f.kind = kind;
    f.sig = sig_;
    f.single_result = single_;
    f.offset = instr_.offset;
    f.reachable_on_entry = reachable();
    f.height = height();
    ctrls_.push_back(f);
    push(sig_.params);
    return true;
  }

  bool tag_index(uint32_t idx) {
    if (kCheck && idx >= m_.num_tags()) return invalid(fmt::format("unknown tag {}", idx));
    // The module validator reports a bad tag type; bodies are still walked after that.
    if (kCheck && m_.all_tags[idx].type_index >= m_.types.size())
      return invalid(fmt::format("unknown type {}", m_.all_tags[idx].type_index));
    return true;
  }

  bool table_index(uint32_t idx) {
    if (kCheck && idx >= m_.num_tables()) return invalid(fmt::format("unknown table {}", idx));
    return true;
  }

  bool special() {
    using enum Op;
    const bool live = reachable();
    switch (instr_.op) {
      case Unreachable:
        if (live) v_.on_op(instr_);
        set_unreachable();
        return true;
      case TryTable: {
        // valid/instructions.rst: try_table — every catch's label is checked in the context
        // outside the try_table, against the values the catch hands over.
        for (const CatchClause& c : instr_.catches) {
          if (!check_label(c.label)) return false;
          if constexpr (kCheck) {
            catch_types_.clear();
            if (c.kind == CatchKind::Catch || c.kind == CatchKind::CatchRef) {
              if (!tag_index(c.tag)) return false;
              const FuncType& tt = m_.types[m_.all_tags[c.tag].type_index];
              catch_types_.assign(tt.params.begin(), tt.params.end());
            }
            if (c.kind == CatchKind::CatchRef || c.kind == CatchKind::CatchAllRef) catch_types_.push_back(ValType::ExnRef);
            auto lt = label(c.label).label_types();
            if (!std::equal(lt.begin(), lt.end(), catch_types_.begin(), catch_types_.end()))
              return invalid("type mismatch: catch handler types do not match the label");
          }
        }
        if (!pop(sig_.params)) return false;
        push_frame(FrameKind::TryTable);
        v_.on_try_table(instr_, ctrls_);
        return true;
      }
      case Throw: {
        if (!tag_index(instr_.index)) return false;
        if (!pop(m_.types[m_.all_tags[instr_.index].type_index].params)) return false;
        if (live) v_.on_op(instr_);
        set_unreachable();
        return true;
      }
      case ThrowRef:
        if (!pop(ValType::ExnRef)) return false;
        if (live) v_.on_op(instr_);
        set_unreachable();
        return true;
      case Block: case Loop:
        if (!pop(sig_.params)) return false;
        push_frame(instr_.op == Block ? FrameKind::Block : FrameKind::Loop);
        if (instr_.op == Block) v_.on_block(instr_, ctrls_.back());
        else v_.on_loop(instr_, ctrls_.back());
        return true;
      case If:
        if (!pop(ValType::I32) || !pop(sig_.params)) return false;
        push_frame(FrameKind::If);
        v_.on_if(instr_, ctrls_.back());
        return true;
      case Else: {
        Frame& c = ctrls_.back();
        if (kCheck && c.kind != FrameKind::If) return malformed(instr_.offset, "END opcode expected (else without if)");
        if (!pop_exact(c.sig.results)) return false;
        v_.on_else(instr_, c);
        c.kind = FrameKind::Else;
        c.unreachable = false;
        push(c.sig.params);
        return true;
      }
      case End: {
        Frame& c = ctrls_.back();
        if (!pop_exact(c.sig.results)) return false;
        // valid/instructions.rst: an `if` without `else` must leave its params as results.
        if (kCheck && c.kind == FrameKind::If && !std::equal(c.sig.params.begin(), c.sig.params.end(),
                                                   c.sig.results.begin(), c.sig.results.end()))
          return invalid("type mismatch: if without else must have matching parameter and result types");
        v_.on_end(instr_, c);
        std::span<const ValType> results = c.sig.results;
        ctrls_.pop_back();
        if (!ctrls_.empty()) push(results);
        return true;
      }
      case Br: {
        if (!check_label(instr_.index) || !pop(label(instr_.index).label_types())) return false;
        if (live) v_.on_br(instr_, label(instr_.index));
        set_unreachable();
        return true;
      }
      case BrIf: {
        if (!check_label(instr_.index) || !pop(ValType::I32)) return false;
        auto ts = label(instr_.index).label_types();
        if (!pop(ts)) return false;
        push(ts);
        if (live) v_.on_br_if(instr_, label(instr_.index));
        return true;
      }
      case BrTable: {
        if (!pop(ValType::I32)) return false;
        if constexpr (kCheck) {
          uint32_t dflt = instr_.targets.back();
          if (!check_label(dflt)) return false;
          size_t arity = label(dflt).label_types().size();
          for (uint32_t t : instr_.targets) {
            if (!check_label(t)) return false;
            auto ts = label(t).label_types();
            if (ts.size() != arity) return invalid("type mismatch: br_table targets have different arities");
            if (!check_top(ts)) return false;
          }
        }
        if (live) v_.on_br_table(instr_, ctrls_);
        set_unreachable();
        return true;
      }
      case Return:
        if (!pop(ctrls_.front().sig.results)) return false;
        if (live) v_.on_return(instr_);
        set_unreachable();
        return true;
      case Call: {
        if (kCheck && instr_.index >= m_.num_funcs()) return invalid(fmt::format("unknown function {}", instr_.index));
        uint32_t ti = m_.func_type_indices[instr_.index];
        if (kCheck && ti >= m_.types.size()) return invalid(fmt::format("unknown type {}", ti));
        const FuncType& ft = m_.types[ti];
        if (!pop(ft.params)) return false;
        push(ft.results);
        break;
      }
      case CallIndirect: {
        if (!table_index(instr_.index2)) return false;
        if (kCheck && m_.all_tables[instr_.index2].elem != ValType::FuncRef)
          return invalid("type mismatch: call_indirect needs a funcref table");
        if (kCheck && instr_.index >= m_.types.size()) return invalid(fmt::format("unknown type {}", instr_.index));
        const FuncType& ft = m_.types[instr_.index];
        if (!pop(ValType::I32) || !pop(ft.params)) return false;
        push(ft.results);
        break;
      }
      case RefNull: push(instr_.type); break;
      case RefIsNull: {
        ValType t;
        if (!pop_any(t)) return false;
        if (kCheck && t != ValType::Bot && !is_ref(t))
          return invalid(fmt::format("type mismatch: expected a reference, found {}", to_string(t)));
        instr_.type = t;
        push(ValType::I32);
        break;
      }
      case RefFunc:
        if (kCheck && instr_.index >= m_.num_funcs()) return invalid(fmt::format("unknown function {}", instr_.index));
        // valid/instructions.rst: ref.func x requires x in C.refs.
        if (kCheck && !declared_[instr_.index]) return invalid(fmt::format("undeclared function reference {}", instr_.index));
        push(ValType::FuncRef);
        break;
      case Drop: {
        ValType t;
        if (!pop_any(t)) return false;
        instr_.type = t;
        break;
      }
      case Select: {
        // valid/instructions.rst: select without types only for numeric and vector operands.
        ValType t1, t2;
        if (!pop(ValType::I32) || !pop_any(t1) || !pop_any(t2)) return false;
        if (kCheck && (is_ref(t1) || is_ref(t2)))
          return invalid("type mismatch: select without a type needs numeric or vector operands");
        if (kCheck && t1 != t2 && t1 != ValType::Bot && t2 != ValType::Bot) return mismatch(t1, t2);
        instr_.type = t1 == ValType::Bot ? t2 : t1;
        push(instr_.type);
        break;
      }
      case SelectT:
        if (!pop(ValType::I32) || !pop(instr_.type) || !pop(instr_.type)) return false;
        push(instr_.type);
        break;
      case LocalGet: case LocalSet: case LocalTee: {
        if (kCheck && instr_.index >= locals_.size()) return invalid(fmt::format("unknown local {}", instr_.index));
        ValType t = instr_.type = locals_[instr_.index];
        if (instr_.op == LocalGet) push(t);
        else if (!pop(t)) return false;
        if (instr_.op == LocalTee) push(t);
        break;
      }
      case GlobalGet: case GlobalSet: {
        if (kCheck && instr_.index >= m_.num_globals()) return invalid(fmt::format("unknown global {}", instr_.index));
        const GlobalType& g = m_.all_globals[instr_.index];
        instr_.type = g.type;
        if (instr_.op == GlobalGet) {
          push(g.type);
        } else {
          if (kCheck && !g.mut) return invalid(fmt::format("global is immutable: global {}", instr_.index));
          if (!pop(g.type)) return false;
        }
        break;
      }
      case TableGet: case TableSet: case TableGrow: case TableSize: case TableFill: {
        if (!table_index(instr_.index)) return false;
        ValType t = instr_.type = m_.all_tables[instr_.index].elem;
        bool ok = true;
        switch (instr_.op) {
          case TableGet: ok = pop(ValType::I32); push(t); break;
          case TableSet: ok = pop(t) && pop(ValType::I32); break;
          case TableGrow: ok = pop(ValType::I32) && pop(t); push(ValType::I32); break;
          case TableSize: push(ValType::I32); break;
          default: ok = pop(ValType::I32) && pop(t) && pop(ValType::I32); break;
        }
        if (!ok) return false;
        break;
      }
      case TableInit: {
        if (kCheck && instr_.index >= m_.elems.size()) return invalid(fmt::format("unknown elem segment {}", instr_.index));
        if (!table_index(instr_.index2)) return false;
        instr_.type = m_.all_tables[instr_.index2].elem;
        if (kCheck && m_.elems[instr_.index].type != instr_.type) return mismatch(instr_.type, m_.elems[instr_.index].type);
        if (!pop(ValType::I32) || !pop(ValType::I32) || !pop(ValType::I32)) return false;
        break;
      }
      case ElemDrop:
        if (kCheck && instr_.index >= m_.elems.size()) return invalid(fmt::format("unknown elem segment {}", instr_.index));
        break;
      case TableCopy: {
        if (!table_index(instr_.index) || !table_index(instr_.index2)) return false;
        instr_.type = m_.all_tables[instr_.index].elem;
        ValType src = m_.all_tables[instr_.index2].elem;
        if (kCheck && src != instr_.type) return mismatch(instr_.type, src);
        if (!pop(ValType::I32) || !pop(ValType::I32) || !pop(ValType::I32)) return false;
        break;
      }
      default:
        return invalid("internal error: special instruction without typing rule");
    }
    if (live) v_.on_op(instr_);
    return true;
  }

  const WasmModule& m_;
  V& v_;
  binary::Reader r_;
  std::vector<uint8_t> declared_;
  uint32_t func_index_ = 0;

  std::vector<ValType> vals_;
  std::vector<Frame> ctrls_;
  std::vector<ValType> locals_;
  binary::ImmediateScratch imm_;
  std::vector<ValType> catch_types_;
  Instr instr_;
  BlockSig sig_;
  ValType single_ = ValType::Bot;

  bool failed_ = false;
  bool op_known_ = false;  ///< whether instr_.op names the instruction being decoded
  Error error_;
};

/// Decodes one defined function with a fresh decoder (convenience; for many functions keep
/// one BodyDecoder so its stacks are reused).
template <class V, Validation kMode = Validation::Full>
Result<void> decode_function(const WasmModule& m, uint32_t defined_index, V& visitor) {
  BodyDecoder<V, kMode> d(m, visitor);
  return d.decode_function(defined_index);
}

}  // namespace shard
