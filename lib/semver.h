// Semantic versions (https://semver.org: MAJOR.MINOR.PATCH(-prerelease)?(+build)?), as
// component import/export names (Explainer.md: Import and Export Definitions) and WIT package
// versions (WIT.md: Package declaration) write them.
#pragma once

#include <string_view>

namespace shard {

namespace semver_detail {
inline bool digit(char c) { return c >= '0' && c <= '9'; }
inline bool ident_char(char c) {
  return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}
/// A numeric identifier: digits, no leading zero.
inline bool numeric(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!digit(c)) return false;
  return s.size() == 1 || s[0] != '0';
}
/// Dot-separated identifiers; in a prerelease, all-digit ones are numeric identifiers.
inline bool idents(std::string_view s, bool prerelease) {
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i != s.size() && s[i] != '.') continue;
    std::string_view id = s.substr(start, i - start);
    if (id.empty()) return false;
    bool all_digits = true;
    for (char c : id) {
      if (!ident_char(c)) return false;
      all_digits = all_digits && digit(c);
    }
    if (prerelease && all_digits && !numeric(id)) return false;
    start = i + 1;
  }
  return true;
}
}  // namespace semver_detail

inline bool is_semver(std::string_view s) {
  using namespace semver_detail;
  if (size_t plus = s.find('+'); plus != std::string_view::npos) {
    if (!idents(s.substr(plus + 1), false)) return false;
    s = s.substr(0, plus);
  }
  if (size_t dash = s.find('-'); dash != std::string_view::npos) {
    if (!idents(s.substr(dash + 1), true)) return false;
    s = s.substr(0, dash);
  }
  const size_t d1 = s.find('.');
  if (d1 == std::string_view::npos) return false;
  const size_t d2 = s.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  return numeric(s.substr(0, d1)) && numeric(s.substr(d1 + 1, d2 - d1 - 1)) && numeric(s.substr(d2 + 1));
}

}  // namespace shard
