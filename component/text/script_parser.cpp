// Component .wast scripts (../shared/component-model-tests/README.md: the core script commands
// applied to `(component ...)`, with component values written as in wasmtime's wast crate).
#include <fmt/format.h>

#include "component/text/component_text.h"
#include "component/text/parser.h"
#include "utf8.h"

namespace shard::component::text {

using shard::text::Cursor;
using shard::text::TextError;
using shard::text::Token;
using shard::text::TokenKind;

Result<std::vector<uint8_t>> component_wat_to_binary(std::string_view text) {
  auto tokens = shard::text::tokenize(text);
  if (!tokens) return std::move(tokens).error();
  Cursor c(*tokens, 0);
  try {
    if (!c.take_field("component")) c.unexpected();
    std::vector<uint8_t> bytes = encode_component_at(c);
    c.expect_rparen();
    if (!c.at(TokenKind::Eof)) c.unexpected();
    return bytes;
  } catch (TextError& e) {
    return std::move(e.error);
  }
}

namespace {

/// Decodes one UTF-8 scalar value that must be all of `s`.
bool single_char(const std::string& s, uint64_t& cp) {
  if (s.empty() || !shard::text::is_valid_utf8(s)) return false;
  size_t i = 0;
  cp = utf8::next(s, i);
  return i == s.size();
}

class ScriptParser {
 public:
  ScriptParser(Cursor& c, std::string_view source) : c_(c), source_(source) {}

  ComponentScript run() {
    ComponentScript s;
    while (!c_.at(TokenKind::Eof)) s.commands.push_back(command());
    return s;
  }

 private:
  Cursor& c_;
  std::string_view source_;

  using Kind = ComponentCommand::Kind;

  std::optional<std::string> opt_id() {
    if (!c_.at(TokenKind::Id)) return std::nullopt;
    return c_.next().value;
  }
  std::string strings() {
    std::string s;
    while (c_.at(TokenKind::String)) s += c_.next().value;
    return s;
  }
  size_t offset(const Token& t) const { return static_cast<size_t>(t.text.data() - source_.data()); }

  ComponentCommand command() {
    ComponentCommand cmd;
    cmd.line = c_.peek().line;
    if (c_.at_field("component")) {
      if (c_.at_keyword("instance", 2)) {
        c_.next();
        c_.next();
        c_.next();
        cmd.kind = Kind::ComponentInstance;
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
      cmd.kind = Kind::Component;
      component(cmd.component);
      return cmd;
    }
    if (c_.at_field("invoke")) {
      cmd.kind = Kind::Action;
      action(cmd.action);
      return cmd;
    }
    c_.expect_lparen();
    if (!c_.at(TokenKind::Keyword)) c_.unexpected();
    const Token& kw = c_.next();
    if (kw.text == "assert_return") {
      cmd.kind = Kind::AssertReturn;
      action(cmd.action);
      while (c_.at(TokenKind::LParen)) cmd.expected.push_back(value());
    } else if (kw.text == "assert_trap") {
      if (c_.at_field("component")) {
        cmd.kind = Kind::AssertUninstantiable;
        component(cmd.component);
      } else {
        cmd.kind = Kind::AssertTrap;
        action(cmd.action);
      }
      cmd.text = c_.string();
    } else if (kw.text == "assert_malformed" || kw.text == "assert_invalid" || kw.text == "assert_unlinkable") {
      cmd.kind = kw.text == "assert_malformed" ? Kind::AssertMalformed
                 : kw.text == "assert_invalid" ? Kind::AssertInvalid
                                               : Kind::AssertUnlinkable;
      if (!c_.at_field("component")) c_.unexpected();
      component(cmd.component);
      cmd.text = c_.string();
    } else {
      c_.fail(kw, fmt::format("unknown command {}", kw.text));
    }
    c_.expect_rparen();
    return cmd;
  }

  // (component definition? $id? (binary string* | quote string* | definition*))
  void component(ComponentSource& m) {
    size_t start = c_.pos();
    const Token& open = c_.peek();
    m.line = open.line;
    m.begin = offset(open);
    c_.next();
    c_.next();
    m.definition = c_.take_keyword("definition");
    m.name = opt_id();
    if (c_.take_keyword("binary")) {
      m.form = ComponentSource::Form::Binary;
      std::string s = strings();
      m.bytes.assign(s.begin(), s.end());
    } else if (c_.take_keyword("quote")) {
      m.form = ComponentSource::Form::Quote;
      m.quote = strings();
    } else {
      m.form = ComponentSource::Form::Text;
      try {
        auto fields = parse_component_fields(c_);
        m.bytes = encode_component(fields, m.name.value_or(""));
      } catch (TextError& e) {
        m.error = std::move(e.error);
        m.bytes.clear();
        c_.seek(start);
        c_.skip_sexpr();
        size_t after = c_.pos();
        c_.seek(after - 1);
        m.end = offset(c_.peek()) + 1;  // the closing `)`
        c_.seek(after);
        return;
      }
    }
    const Token& close = c_.peek();
    c_.expect_rparen();
    m.end = offset(close) + 1;
  }
  // (invoke $id? name value*)
  void action(ComponentAction& a) {
    c_.expect_lparen();
    c_.expect_keyword("invoke");
    a.instance = opt_id();
    a.field = c_.name();
    while (c_.at(TokenKind::LParen)) a.args.push_back(value());
    c_.expect_rparen();
  }

  ComponentValue value() {
    c_.expect_lparen();
    if (!c_.at(TokenKind::Keyword)) c_.unexpected();
    const Token& kw = c_.next();
    ComponentValue v = value_body(kw);
    c_.expect_rparen();
    return v;
  }

  /// After the value's keyword, up to its `)`.
  ComponentValue value_body(const Token& kw) {
    using K = ComponentValue::Kind;
    ComponentValue v;
    static constexpr std::tuple<std::string_view, K, unsigned> kInts[] = {
        {"u8.const", K::U8, 8},    {"s8.const", K::S8, 8},    {"u16.const", K::U16, 16}, {"s16.const", K::S16, 16},
        {"u32.const", K::U32, 32}, {"s32.const", K::S32, 32}, {"u64.const", K::U64, 64}, {"s64.const", K::S64, 64}};
    for (auto [name, kind, bits] : kInts) {
      if (kw.text != name) continue;
      v.kind = kind;
      v.bits = c_.int_bits(bits);
      return v;
    }
    std::string_view k = kw.text;
    if (k == "bool.const") {
      v.kind = K::Bool;
      if (c_.take_keyword("true")) {
        v.bits = 1;
      } else if (!c_.take_keyword("false")) {
        c_.unexpected();
      }
    } else if (k == "f32.const") {
      v.kind = K::F32;
      v.bits = c_.f32_bits();
    } else if (k == "f64.const") {
      v.kind = K::F64;
      v.bits = c_.f64_bits();
    } else if (k == "char.const") {
      v.kind = K::Char;
      const Token& t = c_.peek();
      v.text = c_.string();
      if (!single_char(v.text, v.bits)) c_.fail(t, "char.const needs exactly one Unicode scalar value");
    } else if (k == "str.const") {
      v.kind = K::String;
      v.text = c_.name();
    } else if (k == "list.const" || k == "tuple.const") {
      v.kind = k == "list.const" ? K::List : K::Tuple;
      while (c_.at(TokenKind::LParen)) v.items.push_back(value());
    } else if (k == "record.const") {
      v.kind = K::Record;
      // (field "name" value) where the value may be written without its parentheses.
      while (c_.take_field("field")) {
        v.labels.push_back(c_.name());
        if (c_.at(TokenKind::Keyword)) {
          const Token& inner = c_.next();
          v.items.push_back(value_body(inner));
        } else {
          v.items.push_back(value());
        }
        c_.expect_rparen();
      }
    } else if (k == "variant.const") {
      v.kind = K::Variant;
      v.text = c_.name();
      if (c_.at(TokenKind::LParen)) v.items.push_back(value());
    } else if (k == "enum.const") {
      v.kind = K::Enum;
      v.text = c_.name();
    } else if (k == "flags.const") {
      v.kind = K::Flags;
      while (c_.at(TokenKind::String)) v.labels.push_back(c_.name());
    } else if (k == "option.none") {
      v.kind = K::OptionNone;
    } else if (k == "option.some") {
      v.kind = K::OptionSome;
      v.items.push_back(value());
    } else if (k == "result.ok" || k == "result.err") {
      v.kind = k == "result.ok" ? K::ResultOk : K::ResultErr;
      if (c_.at(TokenKind::LParen)) v.items.push_back(value());
    } else {
      c_.fail(kw, fmt::format("unknown component value {}", k));
    }
    return v;
  }
};

}  // namespace

Result<ComponentScript> parse_component_script(std::string_view text) {
  auto tokens = shard::text::tokenize(text);
  if (!tokens) return std::move(tokens).error();
  Cursor c(*tokens, 0);
  try {
    return ScriptParser(c, text).run();
  } catch (TextError& e) {
    return std::move(e.error);
  }
}

}  // namespace shard::component::text
