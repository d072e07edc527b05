// Tokens (text/lexical.rst, text/values.rst): kinds, positions, strings, comments, errors.
#include <catch2/catch.hpp>

#include "text/lexer.h"

using namespace shard::text;

namespace {

std::vector<Token> lex(std::string_view s) {
  auto r = tokenize(s);
  INFO(s);
  REQUIRE(r.ok());
  return std::move(r).value();
}

}  // namespace

TEST_CASE("lexer: token kinds and positions", "[text][lexer]") {
  auto t = lex("(module\n  $f i32.add 0x1_0 -1.5e3 \"s\" 0$x)");
  REQUIRE(t.size() == 10);
  CHECK(t[0].kind == TokenKind::LParen);
  CHECK(t[1].kind == TokenKind::Keyword);
  CHECK(t[2].kind == TokenKind::Id);
  CHECK(t[2].value == "f");
  CHECK(t[2].line == 2);
  CHECK(t[2].column == 3);
  CHECK(t[3].kind == TokenKind::Keyword);
  CHECK(t[4].kind == TokenKind::Number);
  CHECK(t[5].kind == TokenKind::Number);
  CHECK(t[6].kind == TokenKind::String);
  CHECK(t[7].kind == TokenKind::Number);  // 0$x is one token; not a number, so the parser rejects it
  CHECK(t[7].text == "0$x");
  CHECK(t[8].kind == TokenKind::RParen);
  CHECK(t[9].kind == TokenKind::Eof);
}

TEST_CASE("lexer: comments and annotations are white space", "[text][lexer]") {
  auto t = lex("(; a (; nested ;) b ;)nop;;line\n(@custom \"x\" (y))nop(;;)");
  REQUIRE(t.size() == 3);
  CHECK(t[0].text == "nop");
  CHECK(t[1].text == "nop");
  CHECK(t[1].line == 2);
  // A line comment ends a token.
  auto u = lex("func;;x\n)");
  CHECK(u[0].text == "func");
  CHECK(u[0].kind == TokenKind::Keyword);
}

TEST_CASE("lexer: string escapes", "[text][lexer]") {
  auto t = lex(R"("a\t\n\r\"\'\\\00\ff\u{41}\u{10FFFF}\u{e9}")");
  REQUIRE(t[0].kind == TokenKind::String);
  CHECK(t[0].value == std::string("a\t\n\r\"'\\\0\xff" "A\xf4\x8f\xbf\xbf\xc3\xa9", 16));
  auto q = lex(R"($"quoted name" $"\u{e9}")");
  CHECK(q[0].kind == TokenKind::Id);
  CHECK(q[0].value == "quoted name");
  CHECK(q[1].value == "\xc3\xa9");
  // Adjacent strings and strings glued to other characters form reserved tokens.
  CHECK(lex(R"("a""b")")[0].kind == TokenKind::Reserved);
  CHECK(lex(R"($l"x")")[0].kind == TokenKind::Reserved);
  CHECK(lex(R"($"")")[0].kind == TokenKind::Reserved);
}

TEST_CASE("lexer: errors carry line and column", "[text][lexer]") {
  auto e1 = tokenize("(module\n  \"abc");
  REQUIRE_FALSE(e1.ok());
  CHECK(e1.error().message == "unclosed string");
  CHECK(e1.error().line == 2);
  CHECK(e1.error().column == 3);
  auto e2 = tokenize("nop\n (; never closed");
  REQUIRE_FALSE(e2.ok());
  CHECK(e2.error().message == "unclosed comment");
  CHECK(e2.error().line == 2);
  CHECK(e2.error().column == 2);
  for (const char* bad : {R"("\q")", R"("\u{110000}")", R"("\u{d800}")", R"("\u{}")", R"("\0")", "\"\x01\""}) {
    INFO(bad);
    auto r = tokenize(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == shard::ErrorKind::Malformed);
    CHECK(r.error().line == 1);
  }
  CHECK_FALSE(tokenize("\x7f").ok());
}

TEST_CASE("utf-8 validation of names", "[text][lexer]") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  CHECK_FALSE(is_valid_utf8("\x80"));
  CHECK_FALSE(is_valid_utf8("\xc0\x80"));          // overlong
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
}

TEST_CASE("lexer: a line comment ends at LF, CR or CR LF") {
  for (const char* nl : {"\n", "\r", "\r\n"}) {
    std::string src = std::string("(func ;; comment") + nl + "(nop))";
    auto toks = shard::text::tokenize(src);
    REQUIRE(toks.ok());
    // ( func ( nop ) ) and the end token: the comment swallowed nothing after the newline.
    CHECK(toks->size() >= 6);
  }
}
