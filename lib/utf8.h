// UTF-8 encoding and decoding of Unicode scalar values, shared by the text format's lexer, the
// canonical ABI's string transcoding and the component API's value syntax.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace shard::utf8 {

/// Appends the UTF-8 encoding of code point `cp` (at most 0x10FFFF).
inline void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

/// The code point starting at `s[i]` of already validated UTF-8; advances `i` past it.
inline char32_t next(std::string_view s, size_t& i) {
  const auto b = static_cast<uint8_t>(s[i]);
  if (b < 0x80) {
    ++i;
    return b;
  }
  const size_t len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
  char32_t cp = b & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
  for (size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<uint8_t>(s[i + k]) & 0x3f);
  i += len;
  return cp;
}

}  // namespace shard::utf8
