// The WIT type-expression parser of sig.h (WIT.md: types), only as much as WASI needs.
#include "wasi/p2/sig.h"

#include <fmt/format.h>

namespace shard::wasi::p2 {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

/// Splits at top-level occurrences of `sep` (not inside <> or ()).
std::vector<std::string_view> split_top(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size()) {
      char c = s[i];
      if (c == '<' || c == '(') ++depth;
      if (c == '>' || c == ')') --depth;
      if (c != sep || depth != 0) continue;
    }
    std::string_view part = trim(s.substr(start, i - start));
    if (!part.empty()) out.push_back(part);
    start = i + 1;
  }
  return out;
}

abi::TypeRef primitive(std::string_view n) {
  static const std::pair<std::string_view, abi::TypeKind> kPrims[] = {
      {"bool", abi::TypeKind::Bool}, {"s8", abi::TypeKind::S8},   {"u8", abi::TypeKind::U8},
      {"s16", abi::TypeKind::S16},   {"u16", abi::TypeKind::U16}, {"s32", abi::TypeKind::S32},
      {"u32", abi::TypeKind::U32},   {"s64", abi::TypeKind::S64}, {"u64", abi::TypeKind::U64},
      {"f32", abi::TypeKind::F32},   {"f64", abi::TypeKind::F64}, {"char", abi::TypeKind::Char},
      {"string", abi::TypeKind::String}};
  for (auto& [name, k] : kPrims)
    if (name == n) return abi::ValType::prim(k);
  return nullptr;
}

}  // namespace

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find_first_of(" \n", i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

void TypeEnv::record(std::string name, std::string_view fields) {
  std::vector<abi::Field> fs;
  for (std::string_view f : split_top(fields, ',')) {
    size_t colon = f.find(':');
    auto t = parse(f.substr(colon + 1));
    fs.push_back({std::string(trim(f.substr(0, colon))), t ? *t : nullptr});
  }
  define(std::move(name), abi::ValType::record(std::move(fs)));
}

void TypeEnv::variant(std::string name, std::string_view cases) {
  std::vector<abi::Case> cs;
  for (std::string_view c : split_top(cases, ',')) {
    size_t open = c.find('(');
    if (open == std::string_view::npos) {
      cs.push_back({std::string(c), nullptr});
      continue;
    }
    auto t = parse(c.substr(open + 1, c.size() - open - 2));
    cs.push_back({std::string(c.substr(0, open)), t ? *t : nullptr});
  }
  define(std::move(name), abi::ValType::variant(std::move(cs)));
}

void TypeEnv::enum_(std::string name, std::string_view labels) { define(std::move(name), abi::ValType::enum_(words(labels))); }
void TypeEnv::flags(std::string name, std::string_view labels) { define(std::move(name), abi::ValType::flags(words(labels))); }

Result<abi::TypeRef> TypeEnv::parse(std::string_view text) const {
  text = trim(text);
  auto bad = [&] { return Error(ErrorKind::Usage, fmt::format("WASI host: bad type `{}`", text)); };
  if (text.empty()) return bad();
  if (text == "_") return abi::TypeRef{};
  if (text == "result") return abi::ValType::result(nullptr, nullptr);
  if (auto p = primitive(text)) return p;
  if (auto it = named_.find(text); it != named_.end()) return it->second;
  if (auto it = resources_.find(text); it != resources_.end()) return abi::ValType::own(it->second);
  const size_t lt = text.find('<');
  if (lt == std::string_view::npos || text.back() != '>') return bad();
  const std::string_view head = text.substr(0, lt);
  std::vector<abi::TypeRef> args;
  for (std::string_view a : split_top(text.substr(lt + 1, text.size() - lt - 2), ',')) {
    auto t = parse(a);
    if (!t) return t;
    args.push_back(std::move(*t));
  }
  if ((head == "own" || head == "borrow") && args.size() == 1) {
    auto it = resources_.find(trim(text.substr(lt + 1, text.size() - lt - 2)));
    if (it == resources_.end()) return bad();
    return head == "own" ? abi::ValType::own(it->second) : abi::ValType::borrow(it->second);
  }
  if (head == "list" && args.size() == 1 && args[0]) return abi::ValType::list(args[0]);
  if (head == "option" && args.size() == 1 && args[0]) return abi::ValType::option(args[0]);
  if (head == "tuple" && !args.empty()) return abi::ValType::tuple(std::move(args));
  if (head == "result" && args.size() == 1) return abi::ValType::result(args[0], nullptr);
  if (head == "result" && args.size() == 2) return abi::ValType::result(args[0], args[1]);
  return bad();
}

Result<abi::FuncType> TypeEnv::func(std::string_view sig, std::string_view self, std::vector<std::string>& names) const {
  sig = trim(sig);
  const size_t close = sig.find(')');
  if (sig.empty() || sig.front() != '(' || close == std::string_view::npos)
    return Error(ErrorKind::Usage, fmt::format("WASI host: bad signature `{}`", sig));
  std::vector<abi::TypeRef> params, results;
  names.clear();
  if (!self.empty()) {
    auto it = resources_.find(self);
    if (it == resources_.end()) return Error(ErrorKind::Usage, fmt::format("WASI host: unknown resource `{}`", self));
    params.push_back(abi::ValType::borrow(it->second));
    names.emplace_back("self");
  }
  for (std::string_view p : split_top(sig.substr(1, close - 1), ',')) {
    size_t colon = p.find(':');
    if (colon == std::string_view::npos) return Error(ErrorKind::Usage, fmt::format("WASI host: bad parameter `{}`", p));
    auto t = parse(p.substr(colon + 1));
    if (!t) return std::move(t).error();
    params.push_back(std::move(*t));
    names.emplace_back(trim(p.substr(0, colon)));
  }
  std::string_view rest = trim(sig.substr(close + 1));
  if (rest.starts_with("->")) {
    auto t = parse(rest.substr(2));
    if (!t) return std::move(t).error();
    results.push_back(std::move(*t));
  }
  return abi::FuncType::make(std::move(params), std::move(results));
}

}  // namespace shard::wasi::p2
