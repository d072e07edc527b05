// Explainer.md: Import and Export Definitions (the lexical rules for externname) and
// Name Uniqueness.
#include "component/valid/names.h"

#include <fmt/format.h>

#include "semver.h"

namespace shard::component {
namespace {

bool lower(char c) { return c >= 'a' && c <= 'z'; }
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

/// words ::= first-word ('-' word)*, lowercase only (namespace and package names).
bool is_words(std::string_view s) {
  if (s.empty() || !lower(s[0])) return false;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-') {
      if (i == start) return false;
      start = i + 1;
    } else if (!lower(s[i]) && !digit(s[i])) {
      return false;
    }
  }
  return true;
}


bool parse_interface(std::string_view s, std::string& error) {
  // interfacename ::= namespace words projection interfaceversion?  (Explainer.md: Import and
  // Export Definitions). Nested namespaces and projections are the gated 🪺 form: rejected.
  size_t at = s.find('@');
  if (at != std::string_view::npos) {
    if (!is_semver(s.substr(at + 1))) return error = fmt::format("`{}` is not a valid semver", s.substr(at + 1)), false;
    s = s.substr(0, at);
  }
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return error = "expected `:` after namespace", false;
  std::string_view ns = s.substr(0, colon);
  if (!is_words(ns)) return error = fmt::format("`{}` is not in kebab case", ns), false;
  size_t slash = s.find('/', colon + 1);
  std::string_view pkg = s.substr(colon + 1, slash == std::string_view::npos ? std::string_view::npos : slash - colon - 1);
  if (pkg.find(':') != std::string_view::npos) return error = "expected `/` after package name", false;
  if (!is_words(pkg)) return error = fmt::format("`{}` is not in kebab case", pkg), false;
  if (slash == std::string_view::npos) return error = "expected `/` after package name", false;
  std::string_view rest = s.substr(slash + 1);
  size_t next = rest.find('/');
  std::string_view l = rest.substr(0, next);
  if (l.empty()) return error = "interface name after `/` cannot be empty", false;
  if (!is_label(l)) return error = fmt::format("`{}` is not in kebab case", l), false;
  if (next != std::string_view::npos)
    return error = fmt::format("trailing characters found: `{}`", rest.substr(next)), false;
  return true;
}

}  // namespace

bool is_label(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  bool first = true;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] != '-') continue;
    std::string_view frag = s.substr(start, i - start);
    if (frag.empty()) return false;
    if (first && !lower(frag[0]) && !upper(frag[0])) return false;
    bool is_lower = true;  // a word, unless its first letter is uppercase (an acronym)
    for (char c : frag)
      if (!digit(c)) {
        is_lower = lower(c);
        break;
      }
    for (char c : frag) {
      if (digit(c)) continue;
      if (is_lower ? !lower(c) : !upper(c)) return false;
    }
    first = false;
    start = i + 1;
  }
  return true;
}

bool parse_extern_name(std::string_view s, ParsedName& out, std::string& error) {
  out = ParsedName{};
  if (s.empty()) return error = "name cannot be empty", false;
  auto label = [&](std::string_view l) {
    if (is_label(l)) return true;
    error = fmt::format("`{}` is not in kebab case", l);
    return false;
  };
  if (s[0] == '[') {
    auto annotated = [&](std::string_view prefix, ParsedName::Kind kind) -> int {
      if (s.substr(0, prefix.size()) != prefix) return -1;
      out.kind = kind;
      std::string_view rest = s.substr(prefix.size());
      if (kind == ParsedName::Constructor) {
        out.resource = std::string(rest);
        return label(rest);
      }
      size_t dot = rest.find('.');
      if (dot == std::string_view::npos) return error = "failed to find `.` character", 0;
      out.resource = std::string(rest.substr(0, dot));
      out.field = std::string(rest.substr(dot + 1));
      return label(rest.substr(0, dot)) && label(rest.substr(dot + 1));
    };
    for (auto [p, k] : {std::pair{std::string_view("[constructor]"), ParsedName::Constructor},
                        std::pair{std::string_view("[method]"), ParsedName::Method},
                        std::pair{std::string_view("[static]"), ParsedName::Static}}) {
      int r = annotated(p, k);
      if (r >= 0) return r == 1;
    }
    return error = fmt::format("`{}` is not a valid extern name", s), false;
  }
  if (s.find(':') != std::string_view::npos) {  // only an interfacename has a namespace
    out.kind = ParsedName::Interface;
    return parse_interface(s, error);
  }
  return label(s);
}

bool is_interface_name(std::string_view s) {
  std::string err;
  return s.find(':') != std::string_view::npos && parse_interface(s, err);
}

std::string canonical_name(std::string_view s) {
  std::string n(s);
  for (char& c : n)
    if (upper(c)) c = static_cast<char>(c - 'A' + 'a');
  auto strip = [&](std::string_view prefix) {
    if (n.compare(0, prefix.size(), prefix) != 0) return false;
    std::string rest = n.substr(prefix.size());
    size_t dot = rest.find('.');
    // [method]l.l and [static]l.l canonicalize to l; other annotations are stripped
    if (dot != std::string::npos && rest.substr(0, dot) == rest.substr(dot + 1)) n = rest.substr(0, dot);
    else n = rest;
    return true;
  };
  if (!strip("[method]")) strip("[static]");
  return n;
}

}  // namespace shard::component
