#include "types.h"

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

struct OpTables {
  std::array<int16_t, 256> single;
  std::array<int16_t, 32> fc;
  std::array<int16_t, 256> fd;
  std::unordered_map<std::string_view, Op> by_name;

  OpTables() {
    single.fill(-1);
    fc.fill(-1);
    fd.fill(-1);
    for (size_t i = 0; i < kOpCount; ++i) {
      const OpInfo& oi = kOpInfo[i];
      auto id = static_cast<int16_t>(i);
      if (oi.prefix == 0) single[oi.code] = id;
      else if (oi.prefix == 0xfc) fc[oi.code] = id;
      else fd[oi.code] = id;
      // SelectT shares "select" with Select; keep the untyped one for the name lookup.
      by_name.emplace(oi.name, static_cast<Op>(i));
    }
  }
};

const OpTables& tables() {
  static const OpTables t;
  return t;
}

}  // namespace

std::optional<Op> op_from_code(uint8_t prefix, uint32_t code) {
  const OpTables& t = tables();
  int16_t id = -1;
  if (prefix == 0) id = code < 256 ? t.single[code] : -1;
  else if (prefix == 0xfc) id = code < t.fc.size() ? t.fc[code] : -1;
  else if (prefix == 0xfd) id = code < t.fd.size() ? t.fd[code] : -1;
  if (id < 0) return std::nullopt;
  return static_cast<Op>(id);
}

std::optional<Op> op_from_name(std::string_view name) {
  const auto& m = tables().by_name;
  auto it = m.find(name);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

}  // namespace shard
