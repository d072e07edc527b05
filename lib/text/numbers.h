// Numeric literals of the text format (text/values.rst): integers with `_` separators,
// signs and hex, and floats in decimal, hex, inf, nan and nan:0x forms, rounded exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace shard::text {

enum class NumStatus : uint8_t {
  Ok,
  Malformed,   ///< not a literal of the requested grammar ("unknown operator")
  OutOfRange,  ///< grammatical but not representable ("constant out of range")
};

template <class T>
struct NumResult {
  NumStatus status = NumStatus::Malformed;
  T value{};
};

/// text/values.rst: u32 / u64 (no sign).
NumResult<uint64_t> parse_uN(std::string_view text, unsigned bits);
/// text/values.rst: iN, accepting signed and unsigned ranges (-2^(N-1) .. 2^N-1); the value is
/// returned as the N-bit two's complement pattern.
NumResult<uint64_t> parse_iN(std::string_view text, unsigned bits);
/// text/values.rst: f32 / f64 literals as IEEE bit patterns, round-to-nearest-even; a literal
/// that rounds to infinity is OutOfRange, as is a nan payload outside 1..2^M-1.
NumResult<uint32_t> parse_f32(std::string_view text);
NumResult<uint64_t> parse_f64(std::string_view text);

}  // namespace shard::text
