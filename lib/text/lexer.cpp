#include "text/lexer.h"
#include "utf8.h"

#include <fmt/format.h>

namespace shard::text {

namespace {

// text/values.rst: idchar.
bool is_idchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '/': case ':': case '<': case '=': case '>': case '?': case '@': case '\\':
    case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// Characters that only ever form reserved tokens (text/lexical.rst: reserved).
bool is_reserved_char(unsigned char c) { return c == ',' || c == ';' || c == '[' || c == ']' || c == '{' || c == '}'; }

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    for (;;) {
      if (!skip_space()) return error_;
      Token t;
      t.line = line_;
      t.column = col();
      if (pos_ >= src_.size()) {
        t.kind = TokenKind::Eof;
        out.push_back(std::move(t));
        return out;
      }
      size_t start = pos_;
      char c = src_[pos_];
      if (c == '(') {
        advance();
        t.kind = TokenKind::LParen;
      } else if (c == ')') {
        advance();
        t.kind = TokenKind::RParen;
      } else if (!lex_atom(t)) {
        return error_;
      }
      t.text = src_.substr(start, pos_ - start);
      out.push_back(std::move(t));
    }
  }

 private:
  uint32_t col() const { return static_cast<uint32_t>(pos_ - line_start_ + 1); }

  void advance() {
    if (src_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  bool fail(std::string msg) {
    error_ = Error{ErrorKind::Malformed, std::move(msg), SIZE_MAX, line_, col()};
    return false;
  }

  // White space, comments and annotations (text/lexical.rst).
  bool skip_space() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == ';' && peek(1) == ';') {
        // text/lexical.rst: a line comment ends at a newline, which is LF, CR or CR LF.
        while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') advance();
      } else if (c == '(' && peek(1) == ';') {
        if (!skip_block_comment()) return false;
      } else if (c == '(' && peek(1) == '@') {
        if (!skip_annotation()) return false;
      } else {
        return true;
      }
    }
    return true;
  }

  char peek(size_t k) const { return pos_ + k < src_.size() ? src_[pos_ + k] : '\0'; }

  bool skip_block_comment() {
    uint32_t line = line_, column = col();
    int depth = 0;
    while (pos_ < src_.size()) {
      if (src_[pos_] == '(' && peek(1) == ';') {
        advance();
        advance();
        ++depth;
      } else if (src_[pos_] == ';' && peek(1) == ')') {
        advance();
        advance();
        if (--depth == 0) return true;
      } else {
        advance();
      }
    }
    error_ = Error{ErrorKind::Malformed, "unclosed comment", SIZE_MAX, line, column};
    return false;
  }

  // An annotation is white space; its contents must still be well-nested tokens.
  bool skip_annotation() {
    uint32_t line = line_, column = col();
    advance();  // (
    int depth = 1;
    while (depth > 0) {
      if (!skip_space()) return false;
      if (pos_ >= src_.size()) {
        error_ = Error{ErrorKind::Malformed, "unclosed annotation", SIZE_MAX, line, column};
        return false;
      }
      char c = src_[pos_];
      if (c == '(') {
        advance();
        ++depth;
      } else if (c == ')') {
        advance();
        --depth;
      } else {
        Token ignored;
        if (!lex_atom(ignored)) return false;
      }
    }
    return true;
  }

  // A maximal run of idchars and strings (the longest-match rule), then classified.
  bool lex_atom(Token& t) {
    size_t start = pos_;
    int strings = 0;
    bool reserved_chars = false;
    std::string str;
    size_t str_start = 0;
    while (pos_ < src_.size()) {
      auto c = static_cast<unsigned char>(src_[pos_]);
      if (c == '"') {
        ++strings;
        str_start = pos_;
        str.clear();
        if (!lex_string(str)) return false;
      } else if (is_idchar(c)) {
        advance();
      } else if (c == ';' && peek(1) == ';') {
        break;  // a line comment ends the token
      } else if (is_reserved_char(c)) {
        reserved_chars = true;
        advance();
      } else {
        break;
      }
    }
    if (pos_ == start) {
      return fail(fmt::format("unexpected character '{}'",
                              static_cast<unsigned char>(src_[pos_]) < 0x20 || src_[pos_] == 0x7f
                                  ? fmt::format("\\x{:02x}", static_cast<unsigned char>(src_[pos_]))
                                  : std::string(1, src_[pos_])));
    }
    std::string_view text = src_.substr(start, pos_ - start);
    if (strings == 0 && !reserved_chars) {
      char f = text[0];
      if (f == '$' && text.size() > 1) {
        t.kind = TokenKind::Id;
        t.value = std::string(text.substr(1));
      } else if (f >= 'a' && f <= 'z') {
        t.kind = TokenKind::Keyword;
      } else if ((f >= '0' && f <= '9') || f == '+' || f == '-') {
        t.kind = TokenKind::Number;
      } else {
        t.kind = TokenKind::Reserved;
      }
      return true;
    }
    if (strings == 1 && !reserved_chars) {
      // The string must span the whole token, optionally after a single '$'.
      if (str_start == start && src_[pos_ - 1] == '"') {
        t.kind = TokenKind::String;
        t.value = std::move(str);
        return true;
      }
      if (str_start == start + 1 && text[0] == '$' && src_[pos_ - 1] == '"') {
        // text/values.rst: $"..." identifiers; the name must be non-empty valid UTF-8.
        if (str.empty() || !is_valid_utf8(str)) {
          t.kind = TokenKind::Reserved;
          return true;
        }
        t.kind = TokenKind::Id;
        t.value = std::move(str);
        return true;
      }
    }
    t.kind = TokenKind::Reserved;
    return true;
  }

  // text/values.rst: strings and their escapes.
  bool lex_string(std::string& out) {
    uint32_t line = line_, column = col();
    advance();  // opening quote
    for (;;) {
      if (pos_ >= src_.size()) {
        error_ = Error{ErrorKind::Malformed, "unclosed string", SIZE_MAX, line, column};
        return false;
      }
      auto c = static_cast<unsigned char>(src_[pos_]);
      if (c == '"') {
        advance();
        return true;
      }
      if (c == '\n') {
        error_ = Error{ErrorKind::Malformed, "unclosed string", SIZE_MAX, line, column};
        return false;
      }
      if (c < 0x20 || c == 0x7f) return fail("illegal control character in string");
      if (c != '\\') {
        out += static_cast<char>(c);
        advance();
        continue;
      }
      advance();
      if (pos_ >= src_.size()) continue;  // reported as unclosed above
      char e = src_[pos_];
      switch (e) {
        case 't': out += '\t'; advance(); break;
        case 'n': out += '\n'; advance(); break;
        case 'r': out += '\r'; advance(); break;
        case '"': out += '"'; advance(); break;
        case '\'': out += '\''; advance(); break;
        case '\\': out += '\\'; advance(); break;
        case 'u': {
          advance();
          if (peek(0) != '{') return fail("illegal escape");
          advance();
          uint32_t cp = 0;
          int digits = 0;
          bool last_underscore = false;
          while (pos_ < src_.size() && src_[pos_] != '}') {
            if (src_[pos_] == '_' && digits > 0 && !last_underscore) {
              last_underscore = true;
              advance();
              continue;
            }
            int h = hex_value(static_cast<unsigned char>(src_[pos_]));
            if (h < 0) return fail("illegal escape");
            last_underscore = false;
            if (cp > 0x10ffff) return fail("illegal escape");
            cp = cp * 16 + static_cast<uint32_t>(h);
            ++digits;
            advance();
          }
          if (digits == 0 || last_underscore || pos_ >= src_.size()) return fail("illegal escape");
          advance();  // }
          if (cp >= 0x110000 || (cp >= 0xd800 && cp < 0xe000)) return fail("illegal escape");
          utf8::append(out, cp);
          break;
        }
        default: {
          int h1 = hex_value(static_cast<unsigned char>(e));
          int h2 = hex_value(static_cast<unsigned char>(peek(1)));
          if (h1 < 0 || h2 < 0) return fail("illegal escape");
          out += static_cast<char>(h1 * 16 + h2);
          advance();
          advance();
        }
      }
    }
  }

  std::string_view src_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  Error error_;
};

}  // namespace

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    int n;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      cp = c & 0x1f;
      n = 1;
    } else if ((c & 0xf0) == 0xe0) {
      cp = c & 0x0f;
      n = 2;
    } else if ((c & 0xf8) == 0xf0) {
      cp = c & 0x07;
      n = 3;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (int k = 1; k <= n; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    // Overlong forms, surrogates and values above U+10FFFF are not scalar values.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return false;
    i += n + 1;
  }
  return true;
}

Result<std::vector<Token>> tokenize(std::string_view source) { return Lexer(source).run(); }

}  // namespace shard::text
