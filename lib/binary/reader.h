// A small bounds-checked byte reader for the binary format (binary/values.rst).
//
// Errors are sticky: the first failure is recorded (message + byte offset) and every later
// read returns a zero value without moving, so hot loops (the body decoder) check `ok()`
// once per instruction instead of unwrapping a Result per LEB. Offsets are absolute
// positions in the module's bytes, so errors point at the right place in the file.
//
// Messages follow the spec interpreter's wording, which the spec tests match against:
// "unexpected end of section or function", "integer representation too long",
// "integer too large", "length out of bounds", "malformed UTF-8 encoding".
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "shard/result.h"

namespace shard::binary {

inline constexpr std::string_view kUnexpectedEnd = "unexpected end of section or function";

class Reader {
 public:
  /// Reads data[begin, end); `data` is the start of the whole module so positions are absolute.
  Reader(const uint8_t* data, size_t begin, size_t end) : data_(data), pos_(begin), end_(end) {}

  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  size_t remaining() const { return end_ - pos_; }
  bool at_end() const { return pos_ >= end_; }
  const uint8_t* data() const { return data_; }
  /// Moves the read position (must be <= end()).
  void seek(size_t p) { pos_ = p; }
  /// Narrows or widens the readable window; the caller keeps the window inside the buffer.
  void set_end(size_t e) { end_ = e; }

  bool ok() const { return ok_; }
  bool failed() const { return !ok_; }
  const Error& error() const { return err_; }
  Error take_error() { return std::move(err_); }

  /// Records the first error only; returns false so callers can `return r.fail(...)`.
  bool fail(size_t offset, std::string message, ErrorKind kind = ErrorKind::Malformed) {
    if (ok_) {
      ok_ = false;
      err_.kind = kind;
      err_.message = std::move(message);
      err_.offset = offset;
    }
    pos_ = end_;  // stop any loop that keeps reading
    return false;
  }
  bool fail_eof() { return fail(end_, std::string(kUnexpectedEnd)); }

  uint8_t u8() {
    if (pos_ >= end_) return fail_eof(), 0;
    return data_[pos_++];
  }
  /// The next byte without consuming it; -1 at the end.
  int peek() const { return pos_ < end_ ? data_[pos_] : -1; }

  // LEB128 (binary/values.rst: Integers). The fast path is the one-byte encoding.
  uint32_t u32() {
    if (pos_ < end_ && data_[pos_] < 0x80) return data_[pos_++];
    return static_cast<uint32_t>(leb<32, false>());
  }
  int32_t s32() {
    if (pos_ < end_ && data_[pos_] < 0x40) return data_[pos_++];
    return static_cast<int32_t>(leb<32, true>());
  }
  /// s33, used only for block types; returned sign-extended.
  int64_t s33() { return static_cast<int64_t>(leb<33, true>()); }
  int64_t s64() { return static_cast<int64_t>(leb<64, true>()); }
  uint64_t u64() { return leb<64, false>(); }

  uint32_t f32_bits() {
    uint32_t v = 0;
    if (!take(4)) return 0;
    std::memcpy(&v, data_ + pos_ - 4, 4);  // the format is little-endian, as are our hosts
    return v;
  }
  uint64_t f64_bits() {
    uint64_t v = 0;
    if (!take(8)) return 0;
    std::memcpy(&v, data_ + pos_ - 8, 8);
    return v;
  }
  /// Copies n raw bytes; false (and an error) if they are not there.
  bool bytes(uint8_t* out, size_t n) {
    if (!take(n)) return false;
    std::memcpy(out, data_ + pos_ - n, n);
    return true;
  }
  /// Skips n bytes.
  bool skip(size_t n) { return take(n); }

  /// A length or vector count (binary/conventions.rst: vec). As in the spec interpreter, it
  /// must not exceed the bytes left counted from the start of its own encoding; every vector
  /// element takes at least one byte, so this rejects absurd counts before anything is
  /// allocated ("length out of bounds").
  uint32_t len() {
    size_t start = pos_;
    uint32_t n = u32();
    if (failed()) return 0;
    if (n > end_ - start) return fail(start, "length out of bounds"), 0;
    return n;
  }

  /// A name (binary/values.rst: Names): a length-prefixed, valid UTF-8 byte string.
  std::string name() {
    uint32_t n = len();
    size_t start = pos_;
    if (!take(n)) return {};
    std::string_view s(reinterpret_cast<const char*>(data_ + start), n);
    if (!valid_utf8(s)) return fail(start, "malformed UTF-8 encoding"), std::string{};
    return std::string(s);
  }

  /// UTF-8 as the spec defines it (binary/values.rst: Names): shortest form, no surrogates,
  /// at most U+10FFFF.
  static bool valid_utf8(std::string_view s) {
    size_t i = 0, n = s.size();
    while (i < n) {
      auto b = static_cast<uint8_t>(s[i]);
      if (b < 0x80) {
        ++i;
        continue;
      }
      size_t len;
      uint32_t cp;
      if ((b & 0xe0) == 0xc0) len = 2, cp = b & 0x1f;
      else if ((b & 0xf0) == 0xe0) len = 3, cp = b & 0x0f;
      else if ((b & 0xf8) == 0xf0) len = 4, cp = b & 0x07;
      else return false;
      if (n - i < len) return false;
      for (size_t k = 1; k < len; ++k) {
        auto c = static_cast<uint8_t>(s[i + k]);
        if ((c & 0xc0) != 0x80) return false;
        cp = (cp << 6) | (c & 0x3f);
      }
      static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
      if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
      i += len;
    }
    return true;
  }

 private:
  bool take(size_t n) {
    if (n > end_ - pos_) return fail_eof();
    pos_ += n;
    return true;
  }

  /// N-bit LEB128, at most ceil(N/7) bytes; in the last byte the bits beyond N must be zero
  /// (unsigned) or copies of the sign bit (signed).
  template <unsigned N, bool Signed>
  uint64_t leb() {
    constexpr unsigned kMaxBytes = (N + 6) / 7;
    constexpr unsigned kLastBits = N - 7 * (kMaxBytes - 1);  // value bits in the last byte
    size_t start = pos_;
    uint64_t result = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    for (unsigned i = 0; i < kMaxBytes; ++i) {
      if (pos_ >= end_) return fail_eof(), 0;
      b = data_[pos_++];
      if (i == kMaxBytes - 1) {
        if (b & 0x80) return fail(start, "integer representation too long"), 0;
        uint8_t extra = static_cast<uint8_t>((b & 0x7f) >> (Signed ? kLastBits - 1 : kLastBits));
        uint8_t all = static_cast<uint8_t>(0x7f >> (Signed ? kLastBits - 1 : kLastBits));
        if (extra != 0 && (!Signed || extra != all)) return fail(start, "integer too large"), 0;
      }
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if constexpr (Signed) {
      if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
    }
    return result;
  }

  const uint8_t* data_;
  size_t pos_;
  size_t end_;
  bool ok_ = true;
  Error err_;
};

}  // namespace shard::binary
