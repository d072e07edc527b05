#include "component/abi/value.h"

#include <bit>
#include <cstring>

#include <fmt/format.h>

namespace shard::component::abi {

const char* to_string(StringEncoding e) {
  switch (e) {
    case StringEncoding::Utf8: return "utf8";
    case StringEncoding::Utf16: return "utf16";
    case StringEncoding::Latin1Utf16: return "latin1+utf16";
  }
  return "?";
}

Value Value::f32(float v) { return scalar(TypeKind::F32, std::bit_cast<uint32_t>(v)); }
Value Value::f64(double v) { return scalar(TypeKind::F64, std::bit_cast<uint64_t>(v)); }
float Value::as_f32() const { return std::bit_cast<float>(static_cast<uint32_t>(bits_)); }
double Value::as_f64() const { return std::bit_cast<double>(bits_); }

Value Value::string(std::string_view utf8) {
  Value v;
  v.kind_ = TypeKind::String;
  v.str_ = std::string(utf8);
  v.hint_ = {StringEncoding::Utf8, utf8.size(), AddrType::I32};
  return v;
}

Value Value::lifted_string(std::string utf8, StringHint hint) {
  Value v;
  v.kind_ = TypeKind::String;
  v.str_ = std::move(utf8);
  v.hint_ = hint;
  return v;
}

Value Value::list(std::vector<Value> elems) {
  Value v;
  v.kind_ = TypeKind::List;
  v.items_ = std::move(elems);
  return v;
}

Value Value::bytes(std::string data, TypeKind elem) {
  Value v;
  v.kind_ = TypeKind::List;
  v.packed_ = true;
  v.bits_ = static_cast<uint64_t>(elem);
  v.str_ = std::move(data);
  return v;
}

void Value::unpack() const {
  const auto elem = static_cast<TypeKind>(bits_);
  items_.clear();
  items_.reserve(str_.size());
  for (char c : str_)
    items_.push_back(elem == TypeKind::S8 ? s8(static_cast<int8_t>(c)) : u8(static_cast<uint8_t>(c)));
}

Value Value::map(std::vector<std::pair<Value, Value>> entries) {
  Value v;
  v.kind_ = TypeKind::Map;
  v.items_.reserve(entries.size());
  for (auto& [k, x] : entries) v.items_.push_back(tuple({std::move(k), std::move(x)}));
  return v;
}

Value Value::compound(TypeKind k, std::vector<Value> items) {
  Value v;
  v.kind_ = k;
  v.items_ = std::move(items);
  return v;
}

Value Value::record(std::vector<Value> fields) {
  Value v;
  v.kind_ = TypeKind::Record;
  v.items_ = std::move(fields);
  return v;
}

Value Value::tuple(std::vector<Value> elems) {
  Value v;
  v.kind_ = TypeKind::Tuple;
  v.items_ = std::move(elems);
  return v;
}

Value Value::variant(uint32_t case_index, std::optional<Value> payload) {
  return with_case(TypeKind::Variant, case_index, std::move(payload));
}

Value Value::with_case(TypeKind k, uint32_t index, std::optional<Value> payload) {
  Value v;
  v.kind_ = k;
  v.case_ = index;
  if (payload) v.items_.push_back(std::move(*payload));
  return v;
}

Value Value::flags(std::vector<uint32_t> words) {
  Value v;
  v.kind_ = TypeKind::Flags;
  v.words_ = std::move(words);
  return v;
}

Value Value::flags_of(std::initializer_list<bool> bits) {
  std::vector<uint32_t> words((bits.size() + 31) / 32, 0);
  uint32_t i = 0;
  for (bool b : bits) {
    if (b) words[i / 32] |= uint32_t{1} << (i % 32);
    ++i;
  }
  return flags(std::move(words));
}

bool Value::operator==(const Value& o) const {
  if (shape_of(kind_) != shape_of(o.kind_)) return false;
  if (shape_of(kind_) == Shape::Scalar && kind_ != o.kind_) return false;
  if (packed_ || o.packed_) return shape_of(kind_) == Shape::List && items() == o.items();  // packed or not alike
  if (case_ != o.case_ || bits_ != o.bits_ || str_ != o.str_ || items_ != o.items_) return false;
  // Trailing zero words do not change a flags value.
  size_t n = std::max(words_.size(), o.words_.size());
  for (size_t i = 0; i < n; ++i) {
    uint32_t a = i < words_.size() ? words_[i] : 0, b = i < o.words_.size() ? o.words_[i] : 0;
    if (a != b) return false;
  }
  return true;
}

namespace {

std::string join_items(const std::vector<Value>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) s += ", ";
    s += to_string(items[i]);
  }
  return s;
}

}  // namespace

std::string to_string(const Value& v) {
  switch (v.kind()) {
    case TypeKind::Bool: return v.as_bool() ? "true" : "false";
    case TypeKind::S8: case TypeKind::S16: case TypeKind::S32: case TypeKind::S64:
      return fmt::format("{}({})", to_string(v.kind()), v.as_signed());
    case TypeKind::U8: case TypeKind::U16: case TypeKind::U32: case TypeKind::U64:
      return fmt::format("{}({})", to_string(v.kind()), v.as_unsigned());
    case TypeKind::F32: return fmt::format("f32({} / 0x{:08x})", v.as_f32(), v.raw_bits());
    case TypeKind::F64: return fmt::format("f64({} / 0x{:016x})", v.as_f64(), v.raw_bits());
    case TypeKind::Char: return fmt::format("char(U+{:04X})", static_cast<uint32_t>(v.as_char()));
    case TypeKind::String: return fmt::format("string(\"{}\")", v.as_string());
    case TypeKind::List: case TypeKind::Map: return fmt::format("list[{}]", join_items(v.items()));
    case TypeKind::Record: return fmt::format("record{{{}}}", join_items(v.items()));
    case TypeKind::Tuple: return fmt::format("tuple({})", join_items(v.items()));
    case TypeKind::Variant: case TypeKind::Enum: case TypeKind::Option: case TypeKind::Result:
      return fmt::format("{}#{}({})", to_string(v.kind()), v.case_index(), join_items(v.items()));
    case TypeKind::Flags: {
      std::string s = "flags(";
      for (size_t i = 0; i < v.flag_words().size(); ++i) s += fmt::format("{}0x{:08x}", i ? " " : "", v.flag_words()[i]);
      return s + ")";
    }
    case TypeKind::Own: return fmt::format("own(rep {})", v.rep());
    case TypeKind::Borrow: return fmt::format("borrow(rep {})", v.rep());
  }
  return "?";
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    uint8_t b = p[i];
    if (b < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp, min;
    if ((b & 0xE0) == 0xC0) { len = 2; cp = b & 0x1F; min = 0x80; }
    else if ((b & 0xF0) == 0xE0) { len = 3; cp = b & 0x0F; min = 0x800; }
    else if ((b & 0xF8) == 0xF0) { len = 4; cp = b & 0x07; min = 0x10000; }
    else return false;
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

bool value_matches(const Value& v, const ValType& t) {
  const Shape shape = t.shape();
  if (shape_of(v.kind()) != shape) return false;
  switch (shape) {
    case Shape::Scalar:
      if (v.kind() != t.kind) return false;
      if (t.kind == TypeKind::Char) {
        char32_t c = v.as_char();
        return c < 0xD800 || (c >= 0xE000 && c <= 0x10FFFF);
      }
      return true;
    case Shape::String: return valid_utf8(v.as_string());
    case Shape::List:
      if (v.is_bytes() && (t.elem->kind == TypeKind::U8 || t.elem->kind == TypeKind::S8))
        return !t.length || v.byte_view().size() == *t.length;
      if (t.length && v.items().size() != *t.length) return false;
      for (const Value& e : v.items()) {
        if (!value_matches(e, *t.elem)) return false;
      }
      return true;
    case Shape::Record:
      if (v.items().size() != t.fields.size()) return false;
      for (size_t i = 0; i < t.fields.size(); ++i) {
        if (!value_matches(v.items()[i], *t.fields[i].type)) return false;
      }
      return true;
    case Shape::Variant: {
      if (v.case_index() >= t.cases.size()) return false;
      const Case& c = t.cases[v.case_index()];
      if (!c.type) return v.payload() == nullptr;
      return v.payload() != nullptr && v.items().size() == 1 && value_matches(*v.payload(), *c.type);
    }
    case Shape::Flags: case Shape::Own: case Shape::Borrow: return true;
  }
  return false;
}

}  // namespace shard::component::abi
