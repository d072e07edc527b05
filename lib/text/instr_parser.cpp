#include "text/instr_parser.h"

#include <bit>

#include <fmt/format.h>

namespace shard::text {

namespace {

bool is_block_op(std::string_view kw) { return kw == "block" || kw == "loop" || kw == "if" || kw == "try_table"; }

Op block_op(std::string_view kw) {
  return kw == "block" ? Op::Block : kw == "loop" ? Op::Loop : kw == "if" ? Op::If : Op::TryTable;
}

}  // namespace

void InstrParser::bind_local(const Token& at, const std::string& name, uint32_t index) {
  if (name.empty()) return;
  if (!locals_.emplace(name, index).second) c_.fail(at, fmt::format("duplicate local ${}", name));
}

void InstrParser::emit_op(Op op, std::vector<uint8_t>& out) {
  const OpInfo& i = info(op);
  if (i.prefix != 0) {
    out.push_back(i.prefix);
    put_u32(out, i.code);
  } else {
    out.push_back(static_cast<uint8_t>(i.code));
  }
}

void InstrParser::instrs() {
  for (;;) {
    if (c_.at(TokenKind::LParen)) {
      folded();
    } else if (c_.at(TokenKind::Keyword)) {
      auto kw = c_.peek().text;
      if (kw == "end" || kw == "else") return;
      plain();
    } else if (c_.at(TokenKind::RParen) || c_.at(TokenKind::Eof)) {
      return;
    } else {
      c_.unexpected();
    }
  }
}

void InstrParser::plain() {
  const Token& t = c_.peek();
  if (is_block_op(t.text)) {
    c_.next();
    block(block_op(t.text), false);
    return;
  }
  auto op = op_from_name(t.text);
  if (!op) c_.fail(t, fmt::format("unknown operator {}", t.text));
  c_.next();
  std::vector<uint8_t> imm;
  Op emit_as = *op;
  immediates(*op, imm, emit_as);
  emit_op(emit_as, out_);
  out_.insert(out_.end(), imm.begin(), imm.end());
}

void InstrParser::folded() {
  // Nesting is recursion here; bound it so hostile input cannot exhaust the stack.
  if (++depth_ > kMaxDepth) c_.fail("nesting too deep");
  struct Leave {
    int& d;
    ~Leave() { --d; }
  } leave{depth_};
  c_.expect_lparen();
  const Token& t = c_.peek();
  if (t.kind != TokenKind::Keyword) {
    if (t.kind == TokenKind::Reserved) c_.fail(t, "unknown operator");
    c_.unexpected();
  }
  if (is_block_op(t.text)) {
    c_.next();
    block(block_op(t.text), true);
    return;
  }
  auto op = op_from_name(t.text);
  // `else` and `end` are opcodes in the binary format but not plain instructions in text
  // (text/instructions.rst): they only delimit blocks, so `(else)` and `(end)` are malformed.
  if (!op || *op == Op::Else || *op == Op::End)
    c_.fail(t, is_syntax_keyword(t.text) ? "unexpected token" : fmt::format("unknown operator {}", t.text));
  c_.next();
  // text/instructions.rst: (plaininstr foldedinstr*) ≡ foldedinstr* plaininstr.
  std::vector<uint8_t> imm;
  Op emit_as = *op;
  immediates(*op, imm, emit_as);
  while (c_.at(TokenKind::LParen)) folded();
  c_.expect_rparen();
  emit_op(emit_as, out_);
  out_.insert(out_.end(), imm.begin(), imm.end());
}

void InstrParser::label_id(const Token* id) { labels_.push_back(id ? id->value : std::string()); }

// text/instructions.rst: the label after `else`/`end` must repeat the block's label.
void InstrParser::check_end_label() {
  if (!c_.at(TokenKind::Id)) return;
  const Token& t = c_.next();
  if (labels_.back().empty() || labels_.back() != t.value) c_.fail(t, "mismatching label");
}

void InstrParser::block(Op op, bool is_folded) {
  if (labels_.size() > kMaxDepth) c_.fail("nesting too deep");
  const Token* id = c_.at(TokenKind::Id) ? &c_.next() : nullptr;
  if (op == Op::If && is_folded) {
    std::vector<uint8_t> bt;
    std::swap(bt, out_);
    block_type();
    std::swap(bt, out_);
    // (if label bt foldedinstr* (then instr*) (else instr*)?): the condition comes first and is
    // outside the label's scope.
    while (c_.at(TokenKind::LParen) && !c_.at_field("then")) folded();
    emit_op(Op::If, out_);
    out_.insert(out_.end(), bt.begin(), bt.end());
    label_id(id);
    if (!c_.take_field("then")) c_.unexpected();
    instrs();
    c_.expect_rparen();
    if (c_.take_field("else")) {
      else_branch();
      c_.expect_rparen();
    }
    c_.expect_rparen();
    out_.push_back(0x0b);
    labels_.pop_back();
    return;
  }
  emit_op(op, out_);
  block_type();
  if (op == Op::TryTable) catches();
  label_id(id);
  instrs();
  if (is_folded) {
    c_.expect_rparen();
  } else {
    if (op == Op::If && c_.take_keyword("else")) {
      check_end_label();
      else_branch();
    }
    c_.expect_keyword("end");
    check_end_label();
  }
  out_.push_back(0x0b);
  labels_.pop_back();
}

// text/instructions.rst: try_table's catch clauses, whose labels are outside the try_table.
void InstrParser::catches() {
  std::vector<uint8_t> clauses;
  uint32_t n = 0;
  for (;; ++n) {
    if (c_.take_field("catch")) {
      clauses.push_back(0x00);
      put_u32(clauses, m_.var(c_, m_.tags));
    } else if (c_.take_field("catch_ref")) {
      clauses.push_back(0x01);
      put_u32(clauses, m_.var(c_, m_.tags));
    } else if (c_.take_field("catch_all")) {
      clauses.push_back(0x02);
    } else if (c_.take_field("catch_all_ref")) {
      clauses.push_back(0x03);
    } else {
      break;
    }
    put_u32(clauses, label());
    c_.expect_rparen();
  }
  put_u32(out_, n);
  out_.insert(out_.end(), clauses.begin(), clauses.end());
}

// An empty else is the same as none; like the reference interpreter's encoder, leave it out.
void InstrParser::else_branch() {
  size_t at = out_.size();
  out_.push_back(0x05);
  instrs();
  if (out_.size() == at + 1) out_.pop_back();
}

// text/instructions.rst: blocktype is a typeuse; with no params and at most one result it is
// encoded inline (binary/instructions.rst: 0x40 | valtype), otherwise as a type index (s33).
void InstrParser::block_type() {
  TypeUse tu = m_.typeuse(c_, false);
  FuncType sig = m_.signature(tu);
  bool simple = sig.params.empty() && sig.results.size() <= 1;
  bool known = !tu.index || *tu.index < m_.types.size();
  if (simple && known) {
    if (tu.index && tu.has_inline) m_.resolve(c_, tu);  // checks the inline part matches
    out_.push_back(sig.results.empty() ? 0x40 : static_cast<uint8_t>(sig.results[0]));
    return;
  }
  put_s64(out_, m_.resolve(c_, tu));
}

uint32_t InstrParser::label() {
  if (c_.at(TokenKind::Id)) {
    const Token& t = c_.next();
    for (size_t i = labels_.size(); i-- > 0;) {
      if (labels_[i] == t.value) return static_cast<uint32_t>(labels_.size() - 1 - i);
    }
    c_.fail(t, fmt::format("unknown label ${}", t.value));
  }
  return c_.u32();
}

uint32_t InstrParser::local() {
  if (c_.at(TokenKind::Id)) {
    const Token& t = c_.next();
    auto it = locals_.find(t.value);
    if (it == locals_.end()) c_.fail(t, fmt::format("unknown local ${}", t.value));
    return it->second;
  }
  return c_.u32();
}

// text/instructions.rst: laneidx is a u8; range against the shape is validation.
uint8_t InstrParser::lane() {
  if (!c_.at_nat()) c_.unexpected();
  const Token& t = c_.next();
  auto r = parse_uN(t.text, 8);
  if (r.status == NumStatus::OutOfRange) c_.fail(t, "i8 constant out of range");
  if (r.status != NumStatus::Ok) c_.fail(t, "unexpected token");
  return static_cast<uint8_t>(r.value);
}

// text/instructions.rst: memarg ::= ('offset=' u32)? ('align=' u32)?, align a power of two.
void InstrParser::memarg(const OpInfo& oi, std::vector<uint8_t>& imm, bool with_lane) {
  uint32_t mem = 0;
  // Multi-memory style memidx before the memarg; with a lane, a lone number is the lane.
  if (c_.at(TokenKind::Id) ||
      (c_.at_nat() && (!with_lane || c_.at(TokenKind::Number, 1) ||
                       (c_.at(TokenKind::Keyword, 1) && (c_.peek(1).text.starts_with("offset=") ||
                                                         c_.peek(1).text.starts_with("align=")))))) {
    mem = m_.var(c_, m_.mems);
  }
  uint64_t offset = 0;
  uint32_t align_log2 = oi.aux;
  if (c_.at(TokenKind::Keyword) && c_.peek().text.starts_with("offset=")) {
    const Token& t = c_.next();
    auto r = parse_uN(t.text.substr(7), 32);
    if (r.status == NumStatus::Malformed) c_.fail(t, "unknown operator");
    if (r.status == NumStatus::OutOfRange) c_.fail(t, "offset out of range");
    offset = r.value;
  }
  if (c_.at(TokenKind::Keyword) && c_.peek().text.starts_with("align=")) {
    const Token& t = c_.next();
    auto r = parse_uN(t.text.substr(6), 32);
    if (r.status == NumStatus::Malformed) c_.fail(t, "unknown operator");
    if (r.status == NumStatus::OutOfRange || !std::has_single_bit(r.value))
      c_.fail(t, "alignment must be a power of two");
    align_log2 = static_cast<uint32_t>(std::countr_zero(r.value));
  }
  // Multi-memory: bit 6 of the flags announces an explicit memory index.
  put_u32(imm, mem == 0 ? align_log2 : (align_log2 | 0x40));
  if (mem != 0) put_u32(imm, mem);
  put_u32(imm, offset);
  if (with_lane) imm.push_back(lane());
}

// text/instructions.rst: v128.const shape literals (lanes little-endian).
void InstrParser::v128_const(std::vector<uint8_t>& imm) {
  if (!c_.at(TokenKind::Keyword)) c_.unexpected();
  const Token& shape = c_.next();
  int lanes, bits;
  bool is_float = false;
  if (shape.text == "i8x16") lanes = 16, bits = 8;
  else if (shape.text == "i16x8") lanes = 8, bits = 16;
  else if (shape.text == "i32x4") lanes = 4, bits = 32;
  else if (shape.text == "i64x2") lanes = 2, bits = 64;
  else if (shape.text == "f32x4") lanes = 4, bits = 32, is_float = true;
  else if (shape.text == "f64x2") lanes = 2, bits = 64, is_float = true;
  else c_.fail(shape, "unexpected token");
  // Count first: a wrong count is reported before a bad literal (as the reference interpreter).
  int n = 0;
  for (;; ++n) {
    const Token& t = c_.peek(n);
    bool lit = t.kind == TokenKind::Number || t.kind == TokenKind::Reserved ||
               (is_float && t.kind == TokenKind::Keyword && (t.text.starts_with("nan") || t.text.starts_with("inf")));
    if (!lit) break;
  }
  if (n != lanes) c_.fail(shape, "wrong number of lane literals");
  for (int i = 0; i < lanes; ++i) {
    if (c_.at(TokenKind::Reserved)) c_.fail("unknown operator");
    uint64_t v = !is_float ? c_.int_bits(bits) : bits == 32 ? c_.f32_bits() : c_.f64_bits();
    put_fixed(imm, v, bits / 8);
  }
}

void InstrParser::immediates(Op op, std::vector<uint8_t>& imm, Op& emit_as) {
  const OpInfo& oi = info(op);
  switch (oi.imm) {
    case Imm::None:
      // text/instructions.rst: select with (result t)* is the typed select (0x1c).
      if (op == Op::Select && c_.at_field("result")) {
        std::vector<ValType> types;
        while (c_.take_field("result")) {
          while (c_.at_valtype()) types.push_back(c_.valtype());
          c_.expect_rparen();
        }
        emit_as = Op::SelectT;
        put_u32(imm, types.size());
        for (ValType t : types) imm.push_back(static_cast<uint8_t>(t));
      }
      break;
    case Imm::Block:
    case Imm::SelectT:
    case Imm::TryTable:
      c_.unexpected();
    case Imm::Tag:
      put_u32(imm, m_.var(c_, m_.tags));
      break;
    case Imm::Label:
      put_u32(imm, label());
      break;
    case Imm::BrTable: {
      std::vector<uint32_t> targets;
      while (c_.at(TokenKind::Id) || c_.at(TokenKind::Number)) targets.push_back(label());
      if (targets.empty()) c_.unexpected();
      put_u32(imm, targets.size() - 1);
      for (uint32_t l : targets) put_u32(imm, l);
      break;
    }
    case Imm::Func:
      put_u32(imm, m_.var(c_, m_.funcs));
      break;
    case Imm::CallIndirect: {
      uint32_t table = m_.at_var(c_) ? m_.var(c_, m_.tables) : 0;
      TypeUse tu = m_.typeuse(c_, false);
      put_u32(imm, m_.resolve(c_, tu));
      put_u32(imm, table);
      break;
    }
    case Imm::Local:
      put_u32(imm, local());
      break;
    case Imm::Global:
      put_u32(imm, m_.var(c_, m_.globals));
      break;
    case Imm::Table:
      put_u32(imm, m_.at_var(c_) ? m_.var(c_, m_.tables) : 0);
      break;
    case Imm::Elem:
      put_u32(imm, m_.var(c_, m_.elems));
      break;
    case Imm::Data:
      m_.uses_data_count = true;
      put_u32(imm, m_.var(c_, m_.datas));
      break;
    case Imm::TableInit: {
      // table.init x? y: with one index it is the element segment of table 0.
      bool two = m_.at_var(c_) && m_.at_var(c_, 1);
      uint32_t table = two ? m_.var(c_, m_.tables) : 0;
      put_u32(imm, m_.var(c_, m_.elems));
      put_u32(imm, table);
      break;
    }
    case Imm::TableCopy: {
      uint32_t dst = 0, src = 0;
      if (m_.at_var(c_)) {
        dst = m_.var(c_, m_.tables);
        src = m_.var(c_, m_.tables);
      }
      put_u32(imm, dst);
      put_u32(imm, src);
      break;
    }
    case Imm::Memory:
      put_u32(imm, m_.at_var(c_) ? m_.var(c_, m_.mems) : 0);
      break;
    case Imm::MemoryInit: {
      m_.uses_data_count = true;
      bool two = m_.at_var(c_) && m_.at_var(c_, 1);
      uint32_t mem = two ? m_.var(c_, m_.mems) : 0;
      put_u32(imm, m_.var(c_, m_.datas));
      put_u32(imm, mem);
      break;
    }
    case Imm::MemoryCopy: {
      uint32_t dst = 0, src = 0;
      if (m_.at_var(c_)) {
        dst = m_.var(c_, m_.mems);
        src = m_.var(c_, m_.mems);
      }
      put_u32(imm, dst);
      put_u32(imm, src);
      break;
    }
    case Imm::MemArg:
      memarg(oi, imm, false);
      break;
    case Imm::MemArgLane:
      memarg(oi, imm, true);
      break;
    case Imm::Lane:
      imm.push_back(lane());
      break;
    case Imm::RefType:
      imm.push_back(static_cast<uint8_t>(c_.heaptype()));
      break;
    case Imm::I32:
      put_s64(imm, static_cast<int32_t>(c_.int_bits(32)));
      break;
    case Imm::I64:
      put_s64(imm, static_cast<int64_t>(c_.int_bits(64)));
      break;
    case Imm::F32:
      put_fixed(imm, c_.f32_bits(), 4);
      break;
    case Imm::F64:
      put_fixed(imm, c_.f64_bits(), 8);
      break;
    case Imm::V128:
      v128_const(imm);
      break;
    case Imm::Shuffle: {
      // 16 lane indices, each a u8; anything numeric that is not is out of range.
      int n = 0;
      while (c_.at(TokenKind::Number, n) || (c_.at(TokenKind::Keyword, n) && !op_from_name(c_.peek(n).text))) ++n;
      if (n != 16) c_.fail("invalid lane length");
      for (int i = 0; i < 16; ++i) {
        const Token& t = c_.next();
        auto r = parse_uN(t.text, 8);
        if (r.status != NumStatus::Ok) c_.fail(t, "i8 constant out of range");
        imm.push_back(static_cast<uint8_t>(r.value));
      }
      break;
    }
  }
}

}  // namespace shard::text
