#include "types.h"

#include <array>
#include <string>
#include <unordered_map>

namespace shard {

std::optional<ValType> val_type_from_byte(uint8_t b) {
  switch (b) {
    case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x7b: case 0x70: case 0x6f: case 0x69:
      return static_cast<ValType>(b);
    default:
      return std::nullopt;
  }
}

std::string_view to_string(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
    case ValType::ExnRef: return "exnref";
    case ValType::Bot: return "<unknown>";
  }
  return "<invalid>";
}

namespace {

// Opcode -> Op, computed at compile time: decoding a binary must not pay for building tables at
// start-up (cold start, #16). The name map below is for the text parser only and is built on
// its first use.
struct CodeTables {
  std::array<int16_t, 256> single{};
  std::array<int16_t, 32> fc{};
  std::array<int16_t, 256> fd{};
};

constexpr CodeTables make_code_tables() {
  CodeTables t;
  t.single.fill(-1);
  t.fc.fill(-1);
  t.fd.fill(-1);
  for (size_t i = 0; i < kOpCount; ++i) {
    const OpInfo& oi = kOpInfo[i];
    auto id = static_cast<int16_t>(i);
    if (oi.prefix == 0) t.single[oi.code] = id;
    else if (oi.prefix == 0xfc) t.fc[oi.code] = id;
    else t.fd[oi.code] = id;
  }
  return t;
}

constexpr CodeTables kCodeTables = make_code_tables();

const std::unordered_map<std::string_view, Op>& names() {
  static const auto m = [] {
    std::unordered_map<std::string_view, Op> by_name;
    // SelectT shares "select" with Select; emplace keeps the first, the untyped one.
    for (size_t i = 0; i < kOpCount; ++i) by_name.emplace(kOpInfo[i].name, static_cast<Op>(i));
    return by_name;
  }();
  return m;
}

}  // namespace

std::optional<Op> op_from_code(uint8_t prefix, uint32_t code) {
  const CodeTables& t = kCodeTables;
  int16_t id = -1;
  if (prefix == 0) id = code < 256 ? t.single[code] : -1;
  else if (prefix == 0xfc) id = code < t.fc.size() ? t.fc[code] : -1;
  else if (prefix == 0xfd) id = code < t.fd.size() ? t.fd[code] : -1;
  if (id < 0) return std::nullopt;
  return static_cast<Op>(id);
}

std::optional<Op> op_from_name(std::string_view name) {
  const auto& m = names();
  auto it = m.find(name);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

}  // namespace shard
