// Token cursor shared by the module, instruction and script parsers.
//
// Inside lib/text a syntax error unwinds with TextError to the entry point (wat_to_binary,
// parse_script), which turns it into an Error; no exception leaves the text layer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shard/result.h"
#include "text/lexer.h"
#include "text/numbers.h"
#include "types.h"

namespace shard::text {

struct TextError {
  Error error;
};

/// Keywords of the text grammar that are no instruction (types, field and script keywords).
/// Misplaced, they are a syntax error; any other unknown keyword is an unknown operator.
inline bool is_syntax_keyword(std::string_view kw) {
  static constexpr std::string_view kWords[] = {
      "type",    "param",   "result", "local",  "then",     "else",      "item",    "offset",  "export",
      "import",  "mut",     "func",   "elem",   "data",     "table",     "memory",  "global",  "start",
      "declare", "module",  "i32",    "i64",    "f32",      "f64",       "v128",    "funcref", "externref",
      "extern",  "i8x16",   "i16x8",  "i32x4",  "i64x2",    "f32x4",     "f64x2",   "inf",     "nan",
      "binary",  "quote",   "definition", "instance", "nan:canonical", "nan:arithmetic", "end",
      "tag",     "exnref",  "exn",    "catch",  "catch_ref", "catch_all", "catch_all_ref"};
  for (std::string_view w : kWords) {
    if (kw == w) return true;
  }
  return kw.starts_with("offset=") || kw.starts_with("align=") || kw.starts_with("nan:0x");
}

class Cursor {
 public:
  Cursor(const std::vector<Token>& toks, size_t pos) : toks_(toks), pos_(pos) {}

  size_t pos() const { return pos_; }
  void seek(size_t p) { pos_ = p; }
  const Token& peek(size_t k = 0) const {
    size_t i = pos_ + k;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < toks_.size() - 1) ++pos_;
    return t;
  }
  bool at(TokenKind k, size_t ahead = 0) const { return peek(ahead).kind == k; }
  bool at_keyword(std::string_view kw, size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::Keyword && peek(ahead).text == kw;
  }
  /// `(` followed by keyword `kw`.
  bool at_field(std::string_view kw, size_t ahead = 0) const {
    return at(TokenKind::LParen, ahead) && at_keyword(kw, ahead + 1);
  }

  [[noreturn]] void fail(const Token& t, std::string msg) const {
    throw TextError{Error{ErrorKind::Malformed, std::move(msg), SIZE_MAX, t.line, t.column}};
  }
  [[noreturn]] void fail(std::string msg) const { fail(peek(), std::move(msg)); }
  /// The generic syntax error; reserved tokens are "unknown operator" (text/lexical.rst).
  [[noreturn]] void unexpected() const {
    const Token& t = peek();
    if (t.kind == TokenKind::Reserved) fail(t, "unknown operator");
    if (t.kind == TokenKind::Eof) fail(t, "unexpected end of input");
    if (t.kind == TokenKind::Keyword && !is_syntax_keyword(t.text) && !op_from_name(t.text))
      fail(t, "unknown operator " + std::string(t.text));
    fail(t, "unexpected token");
  }

  void expect(TokenKind k) {
    if (!at(k)) unexpected();
    next();
  }
  void expect_lparen() { expect(TokenKind::LParen); }
  void expect_rparen() { expect(TokenKind::RParen); }
  void expect_keyword(std::string_view kw) {
    if (!at_keyword(kw)) unexpected();
    next();
  }
  /// Consumes `( kw` if present.
  bool take_field(std::string_view kw) {
    if (!at_field(kw)) return false;
    pos_ += 2;
    return true;
  }
  bool take_keyword(std::string_view kw) {
    if (!at_keyword(kw)) return false;
    next();
    return true;
  }

  /// Skips a balanced s-expression starting at `(`, or a single token.
  void skip_sexpr() {
    if (!at(TokenKind::LParen)) {
      next();
      return;
    }
    int depth = 0;
    do {
      if (at(TokenKind::Eof)) unexpected();
      if (at(TokenKind::LParen)) ++depth;
      if (at(TokenKind::RParen)) --depth;
      next();
    } while (depth > 0);
  }

  std::string string() {
    if (!at(TokenKind::String)) unexpected();
    return next().value;
  }
  /// text/values.rst: name, a string that must be valid UTF-8.
  std::string name() {
    const Token& t = peek();
    std::string s = string();
    if (!is_valid_utf8(s)) fail(t, "malformed UTF-8 encoding");
    return s;
  }

  bool at_nat(size_t ahead = 0) const {
    return at(TokenKind::Number, ahead) && peek(ahead).text[0] != '+' && peek(ahead).text[0] != '-';
  }

  uint64_t number_result(const Token& t, NumStatus st, uint64_t v) const {
    // A literal of the wrong form (a sign or fraction where a nat belongs) is a syntax error;
    // anything that is no literal at all is a reserved token.
    if (st == NumStatus::Malformed) {
      bool syntax = t.kind == TokenKind::Keyword
                        ? op_from_name(t.text).has_value() || t.text == "nan:canonical" || t.text == "nan:arithmetic"
                                                 : parse_f64(t.text).status != NumStatus::Malformed;
      fail(t, syntax ? "unexpected token" : "unknown operator");
    }
    if (st == NumStatus::OutOfRange) fail(t, "constant out of range");
    return v;
  }
  uint32_t u32() {
    if (!at(TokenKind::Number)) unexpected();
    const Token& t = next();
    auto r = parse_uN(t.text, 32);
    return static_cast<uint32_t>(number_result(t, r.status, r.value));
  }
  uint64_t u64() {
    if (!at(TokenKind::Number)) unexpected();
    const Token& t = next();
    auto r = parse_uN(t.text, 64);
    return number_result(t, r.status, r.value);
  }
  uint64_t int_bits(unsigned bits) {
    if (!at(TokenKind::Number)) unexpected();
    const Token& t = next();
    auto r = parse_iN(t.text, bits);
    return number_result(t, r.status, r.value);
  }
  uint32_t f32_bits() {
    if (!at(TokenKind::Number) && !at(TokenKind::Keyword)) unexpected();
    const Token& t = next();
    auto r = parse_f32(t.text);
    return static_cast<uint32_t>(number_result(t, r.status, r.value));
  }
  uint64_t f64_bits() {
    if (!at(TokenKind::Number) && !at(TokenKind::Keyword)) unexpected();
    const Token& t = next();
    auto r = parse_f64(t.text);
    return number_result(t, r.status, r.value);
  }

  /// text/types.rst: valtype keyword.
  bool at_valtype() const {
    if (!at(TokenKind::Keyword)) return false;
    auto t = peek().text;
    return t == "i32" || t == "i64" || t == "f32" || t == "f64" || t == "v128" || t == "funcref" ||
           t == "externref" || t == "exnref";
  }
  ValType valtype() {
    if (!at_valtype()) unexpected();
    auto t = next().text;
    if (t == "i32") return ValType::I32;
    if (t == "i64") return ValType::I64;
    if (t == "f32") return ValType::F32;
    if (t == "f64") return ValType::F64;
    if (t == "v128") return ValType::V128;
    if (t == "funcref") return ValType::FuncRef;
    if (t == "exnref") return ValType::ExnRef;
    return ValType::ExternRef;
  }
  ValType reftype() {
    if (!at_keyword("funcref") && !at_keyword("externref") && !at_keyword("exnref")) unexpected();
    return valtype();
  }
  /// text/types.rst: heaptype (func | extern).
  ValType heaptype() {
    if (take_keyword("func")) return ValType::FuncRef;
    if (take_keyword("extern")) return ValType::ExternRef;
    if (take_keyword("exn")) return ValType::ExnRef;
    unexpected();
  }

 private:
  const std::vector<Token>& toks_;
  size_t pos_;
};

/// Little-endian byte and LEB128 writers (binary/values.rst), always minimal width.
inline void put_u32(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}
inline void put_s64(std::vector<uint8_t>& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return;
  }
}
inline void put_fixed(std::vector<uint8_t>& out, uint64_t bits, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}
inline void put_bytes(std::vector<uint8_t>& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }
inline void put_name(std::vector<uint8_t>& out, std::string_view s) {
  put_u32(out, s.size());
  put_bytes(out, s);
}

}  // namespace shard::text
