// Component-level value types for the Canonical ABI (Explainer.md: Type Definitions), with
// the static layout facts of CanonicalABI.md computed once when a type node is built:
// alignment (§ Alignment), elem_size (§ Element Size), flatten_type (§ Flattening), record
// field offsets and variant discriminant/payload placement. Any execution tier (the
// interpreter's host-side glue today, a JIT's generated trampolines later) reads these
// numbers instead of re-deriving them.
//
// Specialized types keep their own kind (so lifted values keep their shape: a tuple lifts to
// a tuple, an option to an option) but carry their despecialized structure (§ Despecialization):
// tuple → record fields "0","1",...; enum/option/result → variant cases; map<k,v> →
// list<tuple<k,v>>.
//
// Type nodes are immutable and shared (TypeRef). Build them only with the factory functions.
// own/borrow refer to a runtime ResourceType by identity (resources.h); the component
// decoder converts its static types into these at instantiation, when resource types exist.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace shard::component::abi {

struct ResourceType;

/// Core value types that flattened component values use (§ Flattening).
enum class CoreType : uint8_t { I32, I64, F32, F64 };
const char* to_string(CoreType t);

/// The address type of the `memory` canonopt (§ Canonical ABI Options: MemInst.addrtype).
enum class AddrType : uint8_t { I32 = 0, I64 = 1 };
constexpr uint32_t ptr_size(AddrType a) { return a == AddrType::I32 ? 4 : 8; }
constexpr CoreType ptr_core_type(AddrType a) { return a == AddrType::I32 ? CoreType::I32 : CoreType::I64; }
/// utf16_tag (§ Loading): the high bit of the pointer-sized code-unit count.
constexpr uint64_t utf16_tag(AddrType a) { return uint64_t{1} << (ptr_size(a) * 8 - 1); }

// § Flattening and § Loading constants.
inline constexpr uint32_t kMaxFlatParams = 16;
inline constexpr uint32_t kMaxFlatAsyncParams = 4;
inline constexpr uint32_t kMaxFlatResults = 1;
inline constexpr uint64_t kMaxStringByteLength = (uint64_t{1} << 28) - 1;
inline constexpr uint64_t kMaxListByteLength = (uint64_t{1} << 28) - 1;
inline constexpr uint64_t kReallocI32Max = (uint64_t{1} << 32) - 1;
/// Flat type lists are kept only up to this length; longer ones only need their count,
/// because every use compares it against MAX_FLAT_PARAMS/RESULTS (all <= this).
inline constexpr uint64_t kMaxFlatTracked = 32;

enum class TypeKind : uint8_t {
  Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
  List, Record, Tuple, Variant, Enum, Option, Result, Flags, Own, Borrow, Map,
};
const char* to_string(TypeKind k);

/// The fundamental shape a kind despecializes to (§ Despecialization).
enum class Shape : uint8_t { Scalar, String, List, Record, Variant, Flags, Own, Borrow };
constexpr Shape shape_of(TypeKind k) {
  switch (k) {
    case TypeKind::String: return Shape::String;
    case TypeKind::List: case TypeKind::Map: return Shape::List;
    case TypeKind::Record: case TypeKind::Tuple: return Shape::Record;
    case TypeKind::Variant: case TypeKind::Enum: case TypeKind::Option: case TypeKind::Result:
      return Shape::Variant;
    case TypeKind::Flags: return Shape::Flags;
    case TypeKind::Own: return Shape::Own;
    case TypeKind::Borrow: return Shape::Borrow;
    default: return Shape::Scalar;
  }
}

struct ValType;
using TypeRef = std::shared_ptr<const ValType>;

struct Field {
  std::string label;
  TypeRef type;
};
struct Case {
  std::string label;
  TypeRef type;  ///< null: the case has no payload
};

/// Static layout of a type for one address type.
struct Layout {
  uint64_t size = 0;      ///< elem_size (saturating; validation keeps real types < 2^28)
  uint32_t align = 1;     ///< alignment
  uint64_t flat_count = 0;            ///< len(flatten_type(t)) (saturating)
  std::vector<CoreType> flat;         ///< flatten_type(t), when flat_count <= kMaxFlatTracked
  std::vector<uint64_t> field_offsets;///< record/tuple: offset of each field
  uint32_t disc_size = 0;             ///< variant: elem_size(discriminant_type(cases))
  uint32_t max_case_align = 1;        ///< variant: max_case_alignment(cases)
  uint64_t payload_offset = 0;        ///< variant: align_to(disc_size, max_case_align)
  uint32_t flag_words = 0;            ///< flags: number of i32 words when flattened
  bool flat_complete() const { return flat_count <= kMaxFlatTracked; }
};

struct ValType {
  TypeKind kind = TypeKind::Bool;
  std::vector<Field> fields;        ///< record (tuple: labels "0", "1", ...)
  std::vector<Case> cases;          ///< variant, enum, option (none, some), result (ok, error)
  TypeRef elem;                     ///< list (map: tuple<key, value>)
  std::optional<uint32_t> length;   ///< fixed-length list<T, N>
  std::vector<std::string> labels;  ///< flags (and enum, for printing)
  const ResourceType* resource = nullptr;  ///< own, borrow
  bool contains_borrow = false;     ///< § Type Predicates: contains_borrow
  Layout layouts[2];                ///< indexed by AddrType

  Shape shape() const { return shape_of(kind); }
  const Layout& layout(AddrType a) const { return layouts[static_cast<int>(a)]; }
  uint32_t alignment(AddrType a) const { return layout(a).align; }
  uint64_t elem_size(AddrType a) const { return layout(a).size; }
  uint32_t flag_count() const { return static_cast<uint32_t>(labels.size()); }
  /// Whether elem_size(t, 'i64') < 2^28, the bound component validation imposes (§ Element Size).
  bool size_within_limits() const { return layout(AddrType::I64).size < (uint64_t{1} << 28); }

  // ---- factories ----
  static TypeRef prim(TypeKind k);  ///< Bool .. String
  static TypeRef bool_() { return prim(TypeKind::Bool); }
  static TypeRef s8() { return prim(TypeKind::S8); }
  static TypeRef u8() { return prim(TypeKind::U8); }
  static TypeRef s16() { return prim(TypeKind::S16); }
  static TypeRef u16() { return prim(TypeKind::U16); }
  static TypeRef s32() { return prim(TypeKind::S32); }
  static TypeRef u32() { return prim(TypeKind::U32); }
  static TypeRef s64() { return prim(TypeKind::S64); }
  static TypeRef u64() { return prim(TypeKind::U64); }
  static TypeRef f32() { return prim(TypeKind::F32); }
  static TypeRef f64() { return prim(TypeKind::F64); }
  static TypeRef char_() { return prim(TypeKind::Char); }
  static TypeRef string() { return prim(TypeKind::String); }
  static TypeRef list(TypeRef elem, std::optional<uint32_t> length = std::nullopt);
  static TypeRef map(TypeRef key, TypeRef value);
  static TypeRef record(std::vector<Field> fields);
  static TypeRef tuple(std::vector<TypeRef> elems);
  static TypeRef variant(std::vector<Case> cases);
  static TypeRef enum_(std::vector<std::string> labels);
  static TypeRef option(TypeRef some);
  static TypeRef result(TypeRef ok, TypeRef err);  ///< either may be null
  static TypeRef flags(std::vector<std::string> labels);
  /// flags with `n` labels named "f0".."f{n-1}".
  static TypeRef flags_n(uint32_t n);
  static TypeRef own(const ResourceType* rt);
  static TypeRef borrow(const ResourceType* rt);
};

/// discriminant_type(cases) as a byte size (§ Alignment): 1, 2 or 4.
constexpr uint32_t discriminant_size(uint64_t num_cases) {
  return num_cases <= (uint64_t{1} << 8) ? 1 : num_cases <= (uint64_t{1} << 16) ? 2 : 4;
}
constexpr uint64_t align_to(uint64_t ptr, uint64_t alignment) {
  return (ptr + alignment - 1) / alignment * alignment;
}

/// flatten_types(ts) (§ Flattening): the count (saturating) and, when complete, the list.
struct FlatTypes {
  uint64_t count = 0;
  std::vector<CoreType> types;
};
FlatTypes flatten_types(std::span<const TypeRef> ts, AddrType a);

/// A component function type. `results` has at most one element in today's spec
/// (ft.result_type()); more are accepted and treated as a tuple of results.
struct FuncType {
  std::vector<TypeRef> params;
  std::vector<TypeRef> results;
  bool async = false;
  TypeRef params_tuple;   ///< TupleType(params), for spilling to memory
  TypeRef results_tuple;  ///< TupleType(results)
  static FuncType make(std::vector<TypeRef> params, std::vector<TypeRef> results, bool async = false);
};

/// A core function type produced by flatten_functype.
struct CoreFuncType {
  std::vector<CoreType> params;
  std::vector<CoreType> results;
  bool operator==(const CoreFuncType&) const = default;
};

/// Which side of the boundary a core signature is for (§ Flattening: context).
enum class CallContext : uint8_t { Lift, Lower };

/// flatten_functype (§ Flattening). `async_opt`/`callback` are the `async` and `callback`
/// canonopts.
CoreFuncType flatten_functype(const FuncType& ft, AddrType addr, CallContext context,
                              bool async_opt = false, bool callback = false);

/// Structural type equality (resources by identity), for tests and the host's checks.
bool type_equal(const ValType& a, const ValType& b);

}  // namespace shard::component::abi
