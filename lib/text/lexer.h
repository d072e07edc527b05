// Tokens of the WebAssembly text format (text/lexical.rst, text/values.rst).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shard/result.h"

namespace shard::text {

enum class TokenKind : uint8_t {
  LParen,
  RParen,
  Keyword,   ///< starts with a lower-case letter: "i32.add", "offset=4", "inf", "nan:0x1"
  Number,    ///< starts with a digit or sign; checked against the number grammar when used
  Id,        ///< $name or $"name"; `value` holds the name without the `$`
  String,    ///< "..."; `value` holds the decoded bytes
  Reserved,  ///< anything else the longest-match rule produces ("0$x", "\"a\"\"b\"")
  Eof,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string_view text;  ///< the token as written in the source
  uint32_t line = 0;      ///< 1-based
  uint32_t column = 0;    ///< 1-based, in bytes
  std::string value;      ///< String: decoded bytes; Id: the name
};

/// Splits `source` into tokens. White space, comments and annotations `(@id ...)` are
/// dropped. The last token is always Eof. Errors: unterminated strings or comments,
/// bad escapes, characters outside the grammar.
Result<std::vector<Token>> tokenize(std::string_view source);

/// text/values.rst: names are strings that must be valid UTF-8.
bool is_valid_utf8(std::string_view bytes);

}  // namespace shard::text
