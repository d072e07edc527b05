// The .wast script parser (../shared/wasm-testsuite/SCRIPT-FORMAT.md). Modules written as text
// are encoded here; one that fails to encode keeps its error in ModuleSource::error so that
// assert_malformed / assert_invalid and the rest of the script still run.
#include <cstring>

#include <fmt/format.h>

#include "text/module_parser.h"
#include "text/wast.h"

namespace shard::wast {

namespace {

using text::Cursor;
using text::TextError;
using text::Token;
using text::TokenKind;

struct Lanes {
  LaneShape shape;
  int count;
  int bytes;
  bool is_float;
};

Lanes lane_shape(Cursor& c) {
  if (!c.at(TokenKind::Keyword)) c.unexpected();
  const Token& t = c.next();
  if (t.text == "i8x16") return {LaneShape::I8x16, 16, 1, false};
  if (t.text == "i16x8") return {LaneShape::I16x8, 8, 2, false};
  if (t.text == "i32x4") return {LaneShape::I32x4, 4, 4, false};
  if (t.text == "i64x2") return {LaneShape::I64x2, 2, 8, false};
  if (t.text == "f32x4") return {LaneShape::F32x4, 4, 4, true};
  if (t.text == "f64x2") return {LaneShape::F64x2, 2, 8, true};
  c.fail(t, "unexpected token");
}

class ScriptParser {
 public:
  explicit ScriptParser(Cursor& c) : c_(c) {}

  Script run() {
    Script s;
    // A script that is just module fields (core/inline-module.wast) is one module.
    static constexpr std::string_view kFields[] = {"type", "import", "func", "table", "memory",
                                                   "global", "export", "start", "elem", "data"};
    for (std::string_view f : kFields) {
      if (!c_.at_field(f)) continue;
      Command cmd;
      cmd.line = c_.peek().line;
      cmd.module.line = cmd.line;
      try {
        cmd.module.bytes = text::encode_module_fields(c_);
      } catch (TextError& e) {
        cmd.module.error = std::move(e.error);
      }
      if (!c_.at(TokenKind::Eof)) c_.unexpected();
      s.commands.push_back(std::move(cmd));
      return s;
    }
    while (!c_.at(TokenKind::Eof)) s.commands.push_back(command());
    return s;
  }

 private:
  std::optional<std::string> opt_id() {
    if (!c_.at(TokenKind::Id)) return std::nullopt;
    return c_.next().value;
  }

  std::string strings() {
    std::string s;
    while (c_.at(TokenKind::String)) s += c_.next().value;
    return s;
  }

  Command command() {
    Command cmd;
    cmd.line = c_.peek().line;
    if (c_.at_field("module")) {
      if (c_.at_keyword("instance", 2)) {
        c_.next();
        c_.next();
        c_.next();
        cmd.kind = Command::Kind::ModuleInstance;
        auto first = opt_id();
        auto second = opt_id();
        if (second) {
          cmd.name = first;
          cmd.definition = second;
        } else {
          cmd.definition = first;
        }
        c_.expect_rparen();
        return cmd;
      }
      cmd.kind = Command::Kind::Module;
      module(cmd.module);
      return cmd;
    }
    if (c_.at_field("invoke") || c_.at_field("get")) {
      cmd.kind = Command::Kind::Action;
      action(cmd.action);
      return cmd;
    }
    c_.expect_lparen();
    if (!c_.at(TokenKind::Keyword)) c_.unexpected();
    const Token& kw = c_.next();
    if (kw.text == "register") {
      cmd.kind = Command::Kind::Register;
      cmd.text = c_.name();
      cmd.name = opt_id();
    } else if (kw.text == "assert_return") {
      cmd.kind = Command::Kind::AssertReturn;
      action(cmd.action);
      while (c_.at(TokenKind::LParen)) cmd.expected.push_back(result());
    } else if (kw.text == "assert_trap") {
      if (c_.at_field("module")) {
        cmd.kind = Command::Kind::AssertUninstantiable;
        module(cmd.module);
      } else {
        cmd.kind = Command::Kind::AssertTrap;
        action(cmd.action);
      }
      cmd.text = c_.string();
    } else if (kw.text == "assert_exhaustion") {
      cmd.kind = Command::Kind::AssertExhaustion;
      action(cmd.action);
      cmd.text = c_.string();
    } else if (kw.text == "assert_exception") {
      cmd.kind = Command::Kind::AssertException;
      action(cmd.action);
    } else if (kw.text == "assert_malformed" || kw.text == "assert_invalid" || kw.text == "assert_unlinkable") {
      cmd.kind = kw.text == "assert_malformed" ? Command::Kind::AssertMalformed
                 : kw.text == "assert_invalid" ? Command::Kind::AssertInvalid
                                               : Command::Kind::AssertUnlinkable;
      if (!c_.at_field("module")) c_.unexpected();
      module(cmd.module);
      cmd.text = c_.string();
    } else {
      c_.fail(kw, fmt::format("unknown command {}", kw.text));
    }
    c_.expect_rparen();
    return cmd;
  }

  // (module definition? $id? (binary string* | quote string* | field*))
  void module(ModuleSource& m) {
    size_t start = c_.pos();
    m.line = c_.peek().line;
    c_.next();
    c_.next();
    m.definition = c_.take_keyword("definition");
    m.name = opt_id();
    if (c_.take_keyword("binary")) {
      m.form = ModuleSource::Form::Binary;
      std::string s = strings();
      m.bytes.assign(s.begin(), s.end());
    } else if (c_.take_keyword("quote")) {
      m.form = ModuleSource::Form::Quote;
      m.quote = strings();
    } else {
      m.form = ModuleSource::Form::Text;
      try {
        m.bytes = text::encode_module_fields(c_);
      } catch (TextError& e) {
        m.error = std::move(e.error);
        m.bytes.clear();
        c_.seek(start);
        c_.skip_sexpr();
        return;
      }
    }
    c_.expect_rparen();
  }

  // (invoke $id? name const*) | (get $id? name)
  void action(Action& a) {
    c_.expect_lparen();
    if (c_.take_keyword("invoke")) {
      a.kind = Action::Kind::Invoke;
    } else if (c_.take_keyword("get")) {
      a.kind = Action::Kind::Get;
    } else {
      c_.unexpected();
    }
    a.module = opt_id();
    a.field = c_.name();
    if (a.kind == Action::Kind::Invoke) {
      while (c_.at(TokenKind::LParen)) a.args.push_back(value());
    }
    c_.expect_rparen();
  }

  static void store(std::array<uint8_t, 16>& bits, size_t at, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) bits[at + i] = static_cast<uint8_t>(v >> (8 * i));
  }

  uint64_t lane_literal(const Lanes& l) {
    if (!l.is_float) return c_.int_bits(l.bytes * 8);
    return l.bytes == 4 ? c_.f32_bits() : c_.f64_bits();
  }

  Value value() {
    c_.expect_lparen();
    if (!c_.at(TokenKind::Keyword)) c_.unexpected();
    const Token& kw = c_.next();
    Value v;
    if (kw.text == "i32.const") {
      v.type = ValType::I32;
      store(v.bits, 0, c_.int_bits(32), 4);
    } else if (kw.text == "i64.const") {
      v.type = ValType::I64;
      store(v.bits, 0, c_.int_bits(64), 8);
    } else if (kw.text == "f32.const") {
      v.type = ValType::F32;
      store(v.bits, 0, c_.f32_bits(), 4);
    } else if (kw.text == "f64.const") {
      v.type = ValType::F64;
      store(v.bits, 0, c_.f64_bits(), 8);
    } else if (kw.text == "v128.const") {
      v.type = ValType::V128;
      Lanes l = lane_shape(c_);
      for (int i = 0; i < l.count; ++i) store(v.bits, i * l.bytes, lane_literal(l), l.bytes);
    } else if (kw.text == "ref.null") {
      v.type = heap_type();
      v.is_null = true;
    } else if (kw.text == "ref.extern" || kw.text == "ref.host") {
      v.type = ValType::ExternRef;
      v.extern_index = c_.u32();
    } else {
      c_.fail(kw, "unexpected token");
    }
    c_.expect_rparen();
    return v;
  }

  ValType heap_type() {
    if (c_.take_keyword("funcref")) return ValType::FuncRef;
    if (c_.take_keyword("externref")) return ValType::ExternRef;
    return c_.heaptype();
  }

  // num_pat: a literal, nan:canonical or nan:arithmetic.
  ResultPat::Kind nan_pattern() {
    if (c_.take_keyword("nan:canonical")) return ResultPat::Kind::NanCanonical;
    if (c_.take_keyword("nan:arithmetic")) return ResultPat::Kind::NanArithmetic;
    return ResultPat::Kind::Exact;
  }

  ResultPat result() {
    c_.expect_lparen();
    if (!c_.at(TokenKind::Keyword)) c_.unexpected();
    const Token& kw = c_.next();
    ResultPat p;
    if (kw.text == "i32.const") {
      p.type = ValType::I32;
      store(p.bits, 0, c_.int_bits(32), 4);
    } else if (kw.text == "i64.const") {
      p.type = ValType::I64;
      store(p.bits, 0, c_.int_bits(64), 8);
    } else if (kw.text == "f32.const" || kw.text == "f64.const") {
      bool f32 = kw.text == "f32.const";
      p.type = f32 ? ValType::F32 : ValType::F64;
      p.kind = nan_pattern();
      if (p.kind == ResultPat::Kind::Exact) store(p.bits, 0, f32 ? c_.f32_bits() : c_.f64_bits(), f32 ? 4 : 8);
    } else if (kw.text == "v128.const") {
      p.type = ValType::V128;
      Lanes l = lane_shape(c_);
      p.shape = l.shape;
      for (int i = 0; i < l.count; ++i) {
        ResultPat::Kind k = l.is_float ? nan_pattern() : ResultPat::Kind::Exact;
        p.lanes[i] = k;
        if (k == ResultPat::Kind::Exact) store(p.bits, i * l.bytes, lane_literal(l), l.bytes);
      }
    } else if (kw.text == "ref.null") {
      p.kind = ResultPat::Kind::RefNull;
      p.type = c_.at(TokenKind::RParen) ? ValType::Bot : heap_type();
    } else if (kw.text == "ref.extern" || kw.text == "ref.host") {
      p.kind = ResultPat::Kind::RefExtern;
      p.type = ValType::ExternRef;
      if (c_.at(TokenKind::Number)) p.extern_index = c_.u32();
    } else if (kw.text == "ref.func") {
      p.kind = ResultPat::Kind::RefFunc;
      p.type = ValType::FuncRef;
      if (c_.at(TokenKind::Number) || c_.at(TokenKind::Id)) c_.next();
    } else if (kw.text == "either") {
      p.kind = ResultPat::Kind::Either;
      while (c_.at(TokenKind::LParen)) p.alternatives.push_back(result());
      if (p.alternatives.empty()) c_.unexpected();
      p.type = p.alternatives[0].type;
    } else {
      c_.fail(kw, "unexpected token");
    }
    c_.expect_rparen();
    return p;
  }

  Cursor& c_;
};

}  // namespace

Result<Script> parse_script(std::string_view source) {
  auto tokens = text::tokenize(source);
  if (!tokens) return std::move(tokens).error();
  Cursor c(*tokens, 0);
  try {
    return ScriptParser(c).run();
  } catch (TextError& e) {
    return std::move(e.error);
  }
}

}  // namespace shard::wast
