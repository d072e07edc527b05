#include "component/wit/lexer.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace shard::wit {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return is_lower(c) || is_upper(c); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

// WIT.md "Keywords", sorted for binary search.
constexpr std::array<std::string_view, 42> kKeywords = {
    "as",     "async",  "bool",    "borrow",  "char",    "constructor", "enum",   "export", "f32",
    "f64",    "flags",  "from",    "func",    "future",  "import",      "include", "interface",
    "list",   "map",    "option",  "own",     "package", "record",      "resource", "result",
    "s16",    "s32",    "s64",     "s8",      "static",  "stream",      "string", "tuple",
    "type",   "u16",    "u32",     "u64",     "u8",      "use",         "variant", "with",
    "world"};
static_assert(std::is_sorted(kKeywords.begin(), kKeywords.end()));

class Lexer {
 public:
  Lexer(std::string_view path, std::string_view src) : path_(path), src_(src) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    std::string docs;
    bool space = false;
    while (true) {
      // White space and comments (WIT.md "Whitespace", "Comments"); doc comments are kept.
      char c = peek(0);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance(1);
        space = true;
        continue;
      }
      if (c == '/' && peek(1) == '/') {
        size_t start = pos_;
        while (pos_ < src_.size() && src_[pos_] != '\n')
          if (auto e = check_char(); !e.ok()) return std::move(e).error();
        std::string_view text = src_.substr(start, pos_ - start);
        if (text.starts_with("///") && !text.starts_with("////")) add_doc_line(docs, text.substr(3));
        space = true;
        continue;
      }
      if (c == '/' && peek(1) == '*') {
        uint32_t line = line_, col = column();
        size_t start = pos_;
        advance(2);
        int depth = 1;  // block comments nest
        while (depth > 0) {
          if (pos_ >= src_.size()) return err(line, col, "unterminated block comment");
          if (peek(0) == '/' && peek(1) == '*') { advance(2); ++depth; }
          else if (peek(0) == '*' && peek(1) == '/') { advance(2); --depth; }
          else if (auto e = check_char(); !e.ok()) return std::move(e).error();
        }
        std::string_view text = src_.substr(start, pos_ - start);
        if (text.size() > 5 && text.starts_with("/**") && text[3] != '*') {
          std::string_view body = text.substr(3, text.size() - 5);
          while (!body.empty()) {
            size_t nl = body.find('\n');
            std::string_view ln = body.substr(0, nl);
            size_t first = ln.find_first_not_of(" \t*");
            ln = first == std::string_view::npos ? std::string_view{} : ln.substr(first);
            while (!ln.empty() && (ln.back() == ' ' || ln.back() == '\r')) ln.remove_suffix(1);
            if (!ln.empty() || !docs.empty()) add_doc_line(docs, ln);
            if (nl == std::string_view::npos) break;
            body.remove_prefix(nl + 1);
          }
        }
        space = true;
        continue;
      }

      Token t;
      t.line = line_;
      t.column = column();
      t.space_before = space || out.empty();
      space = false;
      size_t start = pos_;
      if (pos_ >= src_.size()) {
        t.kind = Tok::Eof;
        t.docs = std::move(docs);
        out.push_back(std::move(t));
        return out;
      }
      if (c == '%' || is_alpha(c)) {
        if (c == '%') {
          t.explicit_id = true;
          advance(1);
          start = pos_;
          if (!is_alpha(peek(0))) return err(t.line, t.column, "expected an identifier after `%`");
        }
        // A label is letters/digits in fragments joined by single dashes.
        while (is_alnum(peek(0)) || (peek(0) == '-' && is_alnum(peek(1)))) advance(1);
        t.kind = Tok::Id;
        t.text = src_.substr(start, pos_ - start);
        if (!is_label(t.text))
          return err(t.line, t.column,
                     fmt::format("identifier `{}` is not kebab-case (lower-case words or upper-case acronyms "
                                 "joined by `-`, WIT.md \"WIT Identifiers\")",
                                 t.text));
        if ((peek(0) == '-' && peek(1) != '>') || peek(0) == '_')
          return err(line_, column(), fmt::format("invalid character `{}` in identifier", peek(0)));
      } else if (is_digit(c)) {
        lex_number();
        t.kind = Tok::Number;
        t.text = src_.substr(start, pos_ - start);
      } else if (c == '"') {
        advance(1);
        while (peek(0) != '"') {
          if (pos_ >= src_.size() || peek(0) == '\n') return err(t.line, t.column, "unterminated string literal");
          if (peek(0) == '\\') advance(1);
          if (auto e = check_char(); !e.ok()) return std::move(e).error();
        }
        advance(1);
        t.kind = Tok::String;
        t.text = src_.substr(start, pos_ - start);
      } else {
        size_t len = 1;
        switch (c) {
          case '=': t.kind = Tok::Equals; break;
          case ',': t.kind = Tok::Comma; break;
          case ':': t.kind = Tok::Colon; break;
          case ';': t.kind = Tok::Semicolon; break;
          case '(': t.kind = Tok::LParen; break;
          case ')': t.kind = Tok::RParen; break;
          case '{': t.kind = Tok::LBrace; break;
          case '}': t.kind = Tok::RBrace; break;
          case '<': t.kind = Tok::LAngle; break;
          case '>': t.kind = Tok::RAngle; break;
          case '*': t.kind = Tok::Star; break;
          case '/': t.kind = Tok::Slash; break;
          case '.': t.kind = Tok::Dot; break;
          case '@': t.kind = Tok::At; break;
          case '_': t.kind = Tok::Underscore; break;
          case '-':
            if (peek(1) != '>') return err(t.line, t.column, "unexpected character `-`");
            t.kind = Tok::Arrow;
            len = 2;
            break;
          default: {
            auto e = check_char();
            if (!e.ok()) return std::move(e).error();
            return err(t.line, t.column,
                       fmt::format("unexpected character `{}`", src_.substr(start, pos_ - start)));
          }
        }
        advance(len);
        t.text = src_.substr(start, len);
      }
      t.docs = std::move(docs);
      docs.clear();
      out.push_back(std::move(t));
    }
  }

 private:
  char peek(size_t ahead) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; }
  uint32_t column() const { return static_cast<uint32_t>(pos_ - line_start_ + 1); }
  void advance(size_t n) {
    for (size_t i = 0; i < n && pos_ < src_.size(); ++i) {
      if (src_[pos_++] == '\n') {
        ++line_;
        line_start_ = pos_;
      }
    }
  }
  Error err(uint32_t line, uint32_t col, std::string_view msg) const {
    return wit_error(ErrorKind::Malformed, path_, line, col, msg);
  }

  static void add_doc_line(std::string& docs, std::string_view line) {
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (!docs.empty()) docs += '\n';
    docs += line;
  }

  // Consumes one character of a comment or string, rejecting what WIT.md "Lexical
  // structure" forbids: invalid UTF-8, control codes other than \n \r \t, bidirectional
  // overrides.
  Result<void> check_char() {
    auto c = static_cast<unsigned char>(src_[pos_]);
    uint32_t line = line_, col = column();
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
        return err(line, col, fmt::format("control character 0x{:02x} is not allowed", c));
      advance(1);
      return {};
    }
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
    if (len == 0 || c > 0xf4 || pos_ + len > src_.size()) return err(line, col, "invalid UTF-8");
    uint32_t cp = c & (0x3f >> (len - 1));
    for (size_t i = 1; i < len; ++i) {
      auto b = static_cast<unsigned char>(src_[pos_ + i]);
      if ((b & 0xc0) != 0x80) return err(line, col, "invalid UTF-8");
      cp = (cp << 6) | (b & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return err(line, col, "invalid UTF-8");
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x80 && cp < 0xa0))
      return err(line, col, fmt::format("character U+{:04X} (a bidirectional override or control code) is not allowed", cp));
    pos_ += len;
    return {};
  }

  // Digits, or a whole version `1.2.3-rc.1+build.5`; stops before a `.` that does not start
  // another version part, so `@0.2.12.{x}` ends at `12`.
  void lex_number() {
    while (is_digit(peek(0))) advance(1);
    if (peek(0) != '.' || !is_digit(peek(1))) return;
    while (peek(0) == '.' && is_digit(peek(1))) {
      advance(1);
      while (is_digit(peek(0))) advance(1);
    }
    auto ident_part = [&] {
      while (is_alnum(peek(0)) || peek(0) == '-') advance(1);
      while (peek(0) == '.' && (is_alnum(peek(1)) || peek(1) == '-')) {
        advance(1);
        while (is_alnum(peek(0)) || peek(0) == '-') advance(1);
      }
    };
    if (peek(0) == '-' && (is_alnum(peek(1)) || peek(1) == '-')) {
      advance(1);
      ident_part();
    }
    if (peek(0) == '+' && (is_alnum(peek(1)) || peek(1) == '-')) {
      advance(1);
      ident_part();
    }
  }

  std::string_view path_;
  std::string_view src_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  uint32_t line_ = 1;
};

}  // namespace

bool is_keyword(std::string_view word) { return std::binary_search(kKeywords.begin(), kKeywords.end(), word); }

bool is_label(std::string_view word) {
  // Explainer.md: label ::= first-fragment ('-' fragment)*, a fragment being all lower-case
  // with digits (a word) or all upper-case with digits (an acronym); the first starts with
  // a letter.
  if (word.empty() || !is_alpha(word.front())) return false;
  size_t i = 0;
  while (i <= word.size()) {
    size_t end = word.find('-', i);
    if (end == std::string_view::npos) end = word.size();
    std::string_view frag = word.substr(i, end - i);
    if (frag.empty()) return false;
    bool lower = true, upper = true;
    for (char ch : frag) {
      if (is_upper(ch)) lower = false;
      else if (is_lower(ch)) upper = false;
      else if (!is_digit(ch)) return false;
    }
    if (!lower && !upper) return false;
    i = end + 1;
  }
  return true;
}


const char* to_string(Tok kind) {
  switch (kind) {
    case Tok::Id: return "an identifier";
    case Tok::Number: return "a number";
    case Tok::String: return "a string";
    case Tok::Equals: return "`=`";
    case Tok::Comma: return "`,`";
    case Tok::Colon: return "`:`";
    case Tok::Semicolon: return "`;`";
    case Tok::LParen: return "`(`";
    case Tok::RParen: return "`)`";
    case Tok::LBrace: return "`{`";
    case Tok::RBrace: return "`}`";
    case Tok::LAngle: return "`<`";
    case Tok::RAngle: return "`>`";
    case Tok::Star: return "`*`";
    case Tok::Arrow: return "`->`";
    case Tok::Slash: return "`/`";
    case Tok::Dot: return "`.`";
    case Tok::At: return "`@`";
    case Tok::Underscore: return "`_`";
    case Tok::Eof: return "end of file";
  }
  return "?";
}

Result<std::vector<Token>> tokenize(std::string_view path, std::string_view source) {
  return Lexer(path, source).run();
}

Error wit_error(ErrorKind kind, std::string_view path, uint32_t line, uint32_t column, std::string_view message) {
  return Error(kind, fmt::format("{}: {}", path, message), SIZE_MAX, line, column);
}

}  // namespace shard::wit
