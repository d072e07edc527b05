// Tokens of a .wit file (WIT.md "Lexical structure").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shard/result.h"

#include "semver.h"

namespace shard::wit {

enum class Tok : uint8_t {
  Id,        ///< `foo-bar` or `%foo-bar` (text without the `%`; keywords are Ids too)
  Number,    ///< digits, or a whole semver `1.2.3-pre+build` (WIT.md "Integers", package versions)
  String,    ///< "..." (only @external-id uses it); text is the raw literal
  Equals, Comma, Colon, Semicolon, LParen, RParen, LBrace, RBrace, LAngle, RAngle, Star,
  Arrow, Slash, Dot, At, Underscore,
  Eof,
};

struct Token {
  Tok kind = Tok::Eof;
  std::string_view text;
  bool explicit_id = false;   ///< Id written with `%`: never a keyword
  bool space_before = false;  ///< whitespace or a comment right before it
  uint32_t line = 0;          ///< 1-based
  uint32_t column = 0;        ///< 1-based, in bytes
  std::string docs;           ///< `///` and `/** */` comments before it, one line per line
};

/// WIT.md "Keywords".
bool is_keyword(std::string_view word);
/// WIT.md "WIT Identifiers": the kebab-case `label` production of Explainer.md.
bool is_label(std::string_view word);
/// A semantic version (lib/semver.h).
using shard::is_semver;
const char* to_string(Tok kind);

/// Splits a file into tokens; the last is Eof. `path` prefixes error messages; errors carry
/// line and column (ErrorKind::Malformed).
Result<std::vector<Token>> tokenize(std::string_view path, std::string_view source);

/// The error every WIT stage reports: "path: message" at line:column.
Error wit_error(ErrorKind kind, std::string_view path, uint32_t line, uint32_t column, std::string_view message);

}  // namespace shard::wit
