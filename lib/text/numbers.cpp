#include "text/numbers.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <system_error>

namespace shard::text {

namespace {

int digit_value(char c, bool hex) {
  if (c >= '0' && c <= '9') return c - '0';
  if (hex && c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (hex && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// text/values.rst: num ::= digit ('_'? digit)*, hexnum likewise. Consumes from `i`, appends
// the digits (without separators) to `out`; false if there is no digit or a misplaced `_`.
bool scan_digits(std::string_view s, size_t& i, bool hex, std::string& out) {
  size_t n = 0;
  while (i < s.size()) {
    if (digit_value(s[i], hex) >= 0) {
      out += s[i++];
      ++n;
    } else if (s[i] == '_' && n > 0 && i + 1 < s.size() && digit_value(s[i + 1], hex) >= 0) {
      ++i;
    } else {
      break;
    }
  }
  return n > 0;
}

// Magnitude of an unsigned literal (decimal or 0x hex), saturating flag on overflow.
NumResult<uint64_t> parse_magnitude(std::string_view s) {
  bool hex = s.size() > 2 && s[0] == '0' && s[1] == 'x';
  size_t i = hex ? 2 : 0;
  std::string digits;
  if (!scan_digits(s, i, hex, digits) || i != s.size()) return {NumStatus::Malformed, 0};
  uint64_t v = 0;
  unsigned base = hex ? 16 : 10;
  for (char c : digits) {
    auto d = static_cast<uint64_t>(digit_value(c, hex));
    if (v > (UINT64_MAX - d) / base) return {NumStatus::OutOfRange, 0};
    v = v * base + d;
  }
  return {NumStatus::Ok, v};
}

template <class Float, class Bits>
struct FloatTraits;
template <>
struct FloatTraits<float, uint32_t> {
  static constexpr int kMantBits = 23;
};
template <>
struct FloatTraits<double, uint64_t> {
  static constexpr int kMantBits = 52;
};

template <class Float, class Bits>
NumResult<Bits> parse_float(std::string_view s) {
  constexpr int kMant = FloatTraits<Float, Bits>::kMantBits;
  constexpr Bits kSign = Bits{1} << (sizeof(Bits) * 8 - 1);
  constexpr Bits kExpMask = ~kSign & ~((Bits{1} << kMant) - 1);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  Bits sign = negative ? kSign : 0;
  if (s == "inf") return {NumStatus::Ok, sign | kExpMask};
  if (s == "nan") return {NumStatus::Ok, sign | kExpMask | (Bits{1} << (kMant - 1))};
  if (s.substr(0, 6) == "nan:0x") {
    auto payload = parse_magnitude(s.substr(4));
    if (payload.status == NumStatus::Malformed) return {NumStatus::Malformed, 0};
    // text/values.rst: 1 <= n < 2^signif(N).
    if (payload.status == NumStatus::OutOfRange || payload.value == 0 || payload.value >= (uint64_t{1} << kMant))
      return {NumStatus::OutOfRange, 0};
    return {NumStatus::Ok, sign | kExpMask | static_cast<Bits>(payload.value)};
  }

  // Check the grammar and build a separator-free copy for the exact conversion.
  bool hex = s.size() > 2 && s[0] == '0' && s[1] == 'x';
  size_t i = hex ? 2 : 0;
  std::string clean;
  if (!scan_digits(s, i, hex, clean)) return {NumStatus::Malformed, 0};
  if (i < s.size() && s[i] == '.') {
    clean += '.';
    ++i;
    if (i < s.size() && digit_value(s[i], hex) >= 0 && !scan_digits(s, i, hex, clean))
      return {NumStatus::Malformed, 0};
  }
  if (i < s.size() && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
    clean += hex ? 'p' : 'e';
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
    if (!scan_digits(s, i, false, clean)) return {NumStatus::Malformed, 0};
  }
  if (i != s.size()) return {NumStatus::Malformed, 0};

  Float value = 0;
  auto [end, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), value,
                                   hex ? std::chars_format::hex : std::chars_format::general);
  if (end != clean.data() + clean.size()) return {NumStatus::Malformed, 0};
  if (ec == std::errc::result_out_of_range) {
    // Overflow or underflow: decide by the magnitude. Underflow rounds to zero, which is
    // representable; only rounding to infinity is out of range (text/values.rst).
    size_t exp_pos = clean.find_first_of(hex ? "p" : "e");
    long long exp10 = 0;
    if (exp_pos != std::string::npos) {
      std::string_view e(clean.data() + exp_pos + 1, clean.size() - exp_pos - 1);
      bool eneg = !e.empty() && e[0] == '-';
      if (!e.empty() && (e[0] == '-' || e[0] == '+')) e.remove_prefix(1);
      long long ev = 0;
      for (char c : e) ev = ev > 1'000'000'000'000LL ? ev : ev * 10 + (c - '0');
      exp10 = eneg ? -ev : ev;
    }
    // Position of the first significant digit relative to the radix point.
    std::string_view mant(clean.data(), exp_pos == std::string::npos ? clean.size() : exp_pos);
    size_t dot = mant.find('.');
    size_t int_len = dot == std::string::npos ? mant.size() : dot;
    size_t first = mant.find_first_not_of("0.");
    long long lead = first == std::string::npos ? 0
                     : first < int_len         ? static_cast<long long>(int_len - first)
                                               : -static_cast<long long>(first - int_len - 1);
    long long magnitude = hex ? lead * 4 + exp10 : lead + exp10;
    if (first != std::string::npos && magnitude > 0) return {NumStatus::OutOfRange, 0};
    value = 0;
  } else if (ec != std::errc()) {
    return {NumStatus::Malformed, 0};
  }
  if (std::isinf(value)) return {NumStatus::OutOfRange, 0};
  Bits bits;
  std::memcpy(&bits, &value, sizeof bits);
  return {NumStatus::Ok, bits | sign};
}

}  // namespace

NumResult<uint64_t> parse_uN(std::string_view text, unsigned bits) {
  auto r = parse_magnitude(text);
  if (r.status == NumStatus::Ok && bits < 64 && r.value >> bits) r.status = NumStatus::OutOfRange;
  return r;
}

NumResult<uint64_t> parse_iN(std::string_view text, unsigned bits) {
  bool negative = false, signed_form = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    signed_form = true;
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  auto r = parse_magnitude(text);
  if (r.status != NumStatus::Ok) return r;
  uint64_t mask = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  uint64_t half = uint64_t{1} << (bits - 1);
  // text/values.rst: uN without a sign, sN with one (-2^(N-1) <= i < 2^(N-1)).
  if (!signed_form) {
    if (r.value > mask) return {NumStatus::OutOfRange, 0};
    return r;
  }
  if (negative ? r.value > half : r.value >= half) return {NumStatus::OutOfRange, 0};
  return {NumStatus::Ok, (negative ? (0 - r.value) : r.value) & mask};
}

NumResult<uint32_t> parse_f32(std::string_view text) { return parse_float<float, uint32_t>(text); }
NumResult<uint64_t> parse_f64(std::string_view text) { return parse_float<double, uint64_t>(text); }

}  // namespace shard::text
