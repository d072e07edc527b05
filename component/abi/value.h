// Host-side component values: what lifting produces and lowering consumes (the Python
// values of CanonicalABI.md). Compound values are positional: a record holds its fields in
// the type's order, a variant its case index (§ Loading: load_variant numbers cases from 0).
// Strings are UTF-8 and remember the encoding and code-unit count they were lifted with —
// the "hint" of § Loading (String = tuple[str, str, int]) that store_string uses to pick
// its allocation sizes when transcoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "component/abi/types.h"

namespace shard::component::abi {

/// `string-encoding` canonopt.
enum class StringEncoding : uint8_t { Utf8, Utf16, Latin1Utf16 };
const char* to_string(StringEncoding e);

class Value {
 public:
  Value() = default;

  // ---- scalars ----
  static Value bool_(bool v) { return scalar(TypeKind::Bool, v ? 1 : 0); }
  static Value s8(int8_t v) { return scalar(TypeKind::S8, static_cast<uint64_t>(int64_t{v})); }
  static Value u8(uint8_t v) { return scalar(TypeKind::U8, v); }
  static Value s16(int16_t v) { return scalar(TypeKind::S16, static_cast<uint64_t>(int64_t{v})); }
  static Value u16(uint16_t v) { return scalar(TypeKind::U16, v); }
  static Value s32(int32_t v) { return scalar(TypeKind::S32, static_cast<uint64_t>(int64_t{v})); }
  static Value u32(uint32_t v) { return scalar(TypeKind::U32, v); }
  static Value s64(int64_t v) { return scalar(TypeKind::S64, static_cast<uint64_t>(v)); }
  static Value u64(uint64_t v) { return scalar(TypeKind::U64, v); }
  static Value f32(float v);
  static Value f64(double v);
  /// A Unicode scalar value; lowering reports a Usage error for surrogates or > 0x10FFFF.
  static Value char_(char32_t v) { return scalar(TypeKind::Char, v); }
  /// UTF-8 text; lowering reports a Usage error if it is not valid UTF-8.
  static Value string(std::string_view utf8);

  // ---- compound ----
  static Value list(std::vector<Value> elems);
  /// A list<u8> (or list<s8>: `elem` S8) held as raw bytes: what lifting a byte list makes and
  /// what byte-stream hosts hand over, with one copy instead of a Value per byte. items()
  /// unpacks it on first use, so code that walks elements sees an ordinary list.
  static Value bytes(std::string data, TypeKind elem = TypeKind::U8);
  bool is_bytes() const { return packed_; }
  /// The bytes of a packed list (empty for any other value).
  std::string_view byte_view() const { return packed_ ? std::string_view(str_) : std::string_view(); }
  static Value map(std::vector<std::pair<Value, Value>> entries);  ///< a list of 2-tuples
  static Value record(std::vector<Value> fields);
  static Value tuple(std::vector<Value> elems);
  static Value variant(uint32_t case_index, std::optional<Value> payload = std::nullopt);
  static Value enum_(uint32_t case_index) { return with_case(TypeKind::Enum, case_index, std::nullopt); }
  static Value none() { return with_case(TypeKind::Option, 0, std::nullopt); }
  static Value some(Value v) { return with_case(TypeKind::Option, 1, std::move(v)); }
  static Value ok(std::optional<Value> v = std::nullopt) { return with_case(TypeKind::Result, 0, std::move(v)); }
  static Value err(std::optional<Value> v = std::nullopt) { return with_case(TypeKind::Result, 1, std::move(v)); }
  /// Flags as bit words (flag i is bit i%32 of word i/32).
  static Value flags(std::vector<uint32_t> words);
  static Value flags_of(std::initializer_list<bool> bits);
  /// own/borrow: the resource representation (§ Loading: "the abstract lifted value for
  /// handle types is currently just the internal resource representation").
  static Value own(uint32_t rep) { return scalar(TypeKind::Own, rep); }
  static Value borrow(uint32_t rep) { return scalar(TypeKind::Borrow, rep); }

  // ---- generic constructors (used by lifting: the kind is the type's kind) ----
  static Value from_bits(TypeKind scalar_kind, uint64_t bits) { return scalar(scalar_kind, bits); }
  static Value compound(TypeKind k, std::vector<Value> items);  ///< list/map/record/tuple
  static Value with_case(TypeKind k, uint32_t index, std::optional<Value> payload);  ///< variant family

  TypeKind kind() const { return kind_; }

  bool as_bool() const { return bits_ != 0; }
  int64_t as_signed() const { return static_cast<int64_t>(bits_); }  ///< s8..s64
  uint64_t as_unsigned() const { return bits_; }                      ///< u8..u64
  float as_f32() const;
  double as_f64() const;
  char32_t as_char() const { return static_cast<char32_t>(bits_); }
  uint32_t rep() const { return static_cast<uint32_t>(bits_); }  ///< own/borrow
  uint64_t raw_bits() const { return bits_; }  ///< scalars: the value's bits (floats: IEEE bits)

  const std::string& as_string() const { return str_; }
  const std::vector<Value>& items() const {  ///< list / record / tuple
    if (packed_ && items_.size() != str_.size()) unpack();
    return items_;
  }
  std::vector<Value>& items() {
    if (packed_) {  // the caller may change the elements: they become the only copy
      unpack();
      packed_ = false;
      str_.clear();
      bits_ = 0;
    }
    return items_;
  }
  uint32_t case_index() const { return case_; }               ///< variant / enum / option / result
  const Value* payload() const { return items_.empty() ? nullptr : &items_[0]; }
  bool is_some() const { return case_ == 1; }                 ///< option
  bool is_ok() const { return case_ == 0; }                   ///< result
  const std::vector<uint32_t>& flag_words() const { return words_; }
  bool flag(uint32_t i) const { return i / 32 < words_.size() && ((words_[i / 32] >> (i % 32)) & 1); }

  /// The § Loading string hint: encoding and tagged code-unit count of the source.
  struct StringHint {
    StringEncoding encoding = StringEncoding::Utf8;
    uint64_t tagged_code_units = 0;
    AddrType addr = AddrType::I32;  ///< which utf16_tag the count uses
  };
  const StringHint& string_hint() const { return hint_; }
  /// A lifted string: `utf8` plus where it came from (used by load_string_from_range).
  static Value lifted_string(std::string utf8, StringHint hint);

  /// Equality of contents (floats bitwise, so NaN == NaN; string hints ignored).
  bool operator==(const Value& o) const;

 private:
  static Value scalar(TypeKind k, uint64_t bits) {
    Value v;
    v.kind_ = k;
    v.bits_ = bits;
    return v;
  }

  void unpack() const;

  TypeKind kind_ = TypeKind::Bool;
  bool packed_ = false;  ///< a byte list in str_ (element kind in bits_); items_ a cache of it
  uint32_t case_ = 0;
  uint64_t bits_ = 0;
  std::string str_;
  StringHint hint_;
  mutable std::vector<Value> items_;
  std::vector<uint32_t> words_;
};

/// A readable rendering ("record{u8(1), string(\"a\")}") for messages and test output.
std::string to_string(const Value& v);

/// Whether `v` has the shape `t` requires (kinds, arities, case indices and payload presence,
/// flag counts, fixed list lengths, valid chars and UTF-8). Lowering a value that fails this
/// is a host error, checked before any guest-visible effect.
bool value_matches(const Value& v, const ValType& t);

/// Strict UTF-8 validation (no overlongs, surrogates or code points > 0x10FFFF).
bool valid_utf8(std::string_view s);

}  // namespace shard::component::abi
