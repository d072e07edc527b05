// Shared helpers of the ABI's .cpp files; not part of the library's interface.
#pragma once

#include <bit>
#include <cstring>

#include "component/abi/canon.h"
#include "try.h"

static_assert(std::endian::native == std::endian::little, "linear memory is little-endian; so is every host Shard targets");

namespace shard::component::abi::detail {

/// load_int (§ Loading): little-endian, zero-extended. The range must be in bounds.
inline uint64_t load_int(GuestMemory& m, uint64_t ptr, uint32_t nbytes) {
  uint64_t v = 0;
  std::memcpy(&v, m.data() + ptr, nbytes);
  return v;
}
/// store_int (§ Storing). The range must be in bounds.
inline void store_int(GuestMemory& m, uint64_t ptr, uint64_t v, uint32_t nbytes) {
  std::memcpy(m.data() + ptr, &v, nbytes);
}

inline constexpr uint32_t kCanonicalF32Nan = 0x7fc00000;
inline constexpr uint64_t kCanonicalF64Nan = 0x7ff8000000000000;
/// canonicalize_nan32/64 (§ Loading) on bit patterns. Lowering uses the same canonical NaN
/// (§ Storing allows any fixed NaN in place of maybe_scramble_nan; it is also the
/// deterministic profile's choice).
inline uint64_t canonical_f32(uint64_t bits) {
  const uint32_t b = static_cast<uint32_t>(bits);
  return (b & 0x7f800000) == 0x7f800000 && (b & 0x007fffff) != 0 ? kCanonicalF32Nan : b;
}
inline uint64_t canonical_f64(uint64_t bits) {
  return (bits & 0x7ff0000000000000) == 0x7ff0000000000000 && (bits & 0x000fffffffffffff) != 0 ? kCanonicalF64Nan
                                                                                                : bits;
}

inline bool aligned(uint64_t ptr, uint64_t alignment) { return ptr % alignment == 0; }

/// The core type a scalar kind flattens to.
inline CoreType scalar_core_type(TypeKind k) {
  switch (k) {
    case TypeKind::S64: case TypeKind::U64: return CoreType::I64;
    case TypeKind::F32: return CoreType::F32;
    case TypeKind::F64: return CoreType::F64;
    default: return CoreType::I32;
  }
}

// Unchecked recursive workers: memory present, ranges checked by the caller, values already
// matched against their types.
Result<Value> load_value(LiftLowerContext& cx, GuestMemory& m, uint64_t ptr, const ValType& t);
Result<void> store_value(LiftLowerContext& cx, GuestMemory& m, const Value& v, const ValType& t, uint64_t ptr);
Result<std::vector<Flat>> lower_values(LiftLowerContext& cx, uint32_t max_flat, std::span<const Value> vs,
                                       std::span<const TypeRef> ts, const ValType& tuple, FlatSource* out_param);

inline Error missing_option(const char* what) {
  return abi_usage(std::string("canonical ABI option `") + what + "` is required");
}

}  // namespace shard::component::abi::detail
