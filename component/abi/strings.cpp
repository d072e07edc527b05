// Strings across the boundary: CanonicalABI.md § Loading (load_string_from_range) and
// § Storing (store_string_into_range and its transcoding cases). The host form is UTF-8; the
// value's hint (source encoding and code units) drives store_string's allocation sizes and
// realloc sequence exactly as the spec's cases do, since realloc calls are guest-visible.
#include "component/abi/internal.h"
#include "utf8.h"

namespace shard::component::abi {

using detail::aligned;

namespace {

/// src.encode('utf-16-le').
std::vector<uint8_t> encode_utf16le(std::string_view s) {
  std::vector<uint8_t> out;
  out.reserve(s.size() * 2);
  auto unit = [&](uint32_t u) {
    out.push_back(static_cast<uint8_t>(u));
    out.push_back(static_cast<uint8_t>(u >> 8));
  };
  for (size_t i = 0; i < s.size();) {
    char32_t cp = utf8::next(s, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 | (cp >> 10));
      unit(0xDC00 | (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

/// src.encode('latin-1'); every code point is < 256 (the hint says so).
std::vector<uint8_t> encode_latin1(std::string_view s) {
  std::vector<uint8_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) out.push_back(static_cast<uint8_t>(utf8::next(s, i)));
  return out;
}

struct Counts {
  uint64_t code_points = 0, utf16_units = 0;
  bool latin1 = true;
};
Counts count(std::string_view s) {
  Counts c;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = utf8::next(s, i);
    ++c.code_points;
    c.utf16_units += cp >= 0x10000 ? 2 : 1;
    c.latin1 = c.latin1 && cp < 0x100;
  }
  return c;
}

void write(GuestMemory& m, uint64_t ptr, std::span<const uint8_t> bytes) {
  if (!bytes.empty()) std::memcpy(m.data() + ptr, bytes.data(), bytes.size());
}

enum class Simple : uint8_t { Utf8, Utf16, Latin1 };

/// The spec's string tuple (src, src_encoding, src_tagged_code_units) decoded into the simple
/// encoding and untagged code units. A hint that does not describe the text (only possible
/// through Value::lifted_string misuse) is replaced by the UTF-8 one.
struct Source {
  std::string_view text;
  StringEncoding encoding;
  Simple simple;
  uint64_t code_units;
};
Source source_of(const Value& v) {
  const std::string& s = v.as_string();
  const Value::StringHint& h = v.string_hint();
  Source src{s, h.encoding, Simple::Utf8, h.tagged_code_units};
  // The tag is the one of the memory the string was lifted from.
  const uint64_t tag = utf16_tag(h.addr);
  switch (h.encoding) {
    case StringEncoding::Utf8: src.simple = Simple::Utf8; break;
    case StringEncoding::Utf16: src.simple = Simple::Utf16; break;
    case StringEncoding::Latin1Utf16:
      if (h.tagged_code_units & tag) {
        src.simple = Simple::Utf16;
        src.code_units = h.tagged_code_units ^ tag;
      } else {
        src.simple = Simple::Latin1;
      }
      break;
  }
  bool consistent = true;
  if (src.simple == Simple::Utf8) {
    consistent = src.code_units == s.size();
  } else {
    Counts c = count(s);
    consistent = src.simple == Simple::Utf16 ? c.utf16_units == src.code_units
                                             : c.latin1 && c.code_points == src.code_units;
  }
  if (!consistent) src = Source{s, StringEncoding::Utf8, Simple::Utf8, s.size()};
  return src;
}

Result<StoredString> store_string_copy(LiftLowerContext& cx, GuestMemory& m, const Source& src,
                                       uint32_t dst_code_unit_size, uint32_t dst_alignment, Simple dst_encoding) {
  const uint64_t dst_byte_length = dst_code_unit_size * src.code_units;
  SHARD_TRY(ptr, cx.allocate(dst_alignment, dst_byte_length));
  if (!aligned(ptr, dst_alignment)) return realloc_misaligned();
  if (!m.in_bounds(ptr, dst_byte_length)) return realloc_out_of_bounds();
  switch (dst_encoding) {
    case Simple::Utf8: write(m, ptr, std::span(reinterpret_cast<const uint8_t*>(src.text.data()), src.text.size())); break;
    case Simple::Utf16: write(m, ptr, encode_utf16le(src.text)); break;
    case Simple::Latin1: write(m, ptr, encode_latin1(src.text)); break;
  }
  return StoredString{ptr, src.code_units};
}

/// store_string_to_utf8: optimistic 1 byte per code unit, then worst case, then shrink.
Result<StoredString> store_string_to_utf8(LiftLowerContext& cx, GuestMemory& m, const Source& src,
                                          uint64_t worst_case_size) {
  const uint64_t units = src.code_units;
  SHARD_TRY(ptr, cx.allocate(1, units));
  if (!m.in_bounds(ptr, units)) return realloc_out_of_bounds();
  const std::string_view s = src.text;
  for (size_t i = 0; i < s.size(); ++i) {  // code point i == byte i while all are ASCII
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      m.data()[ptr + i] = b;
      continue;
    }
    SHARD_TRY(p2, cx.reallocate(ptr, units, 1, worst_case_size));
    ptr = p2;
    if (!m.in_bounds(ptr, worst_case_size)) return realloc_out_of_bounds();
    std::memcpy(m.data() + ptr + i, s.data() + i, s.size() - i);
    if (worst_case_size > s.size()) {
      SHARD_TRY(p3, cx.reallocate(ptr, worst_case_size, 1, s.size()));
      ptr = p3;
      if (!m.in_bounds(ptr, s.size())) return realloc_out_of_bounds();
    }
    return StoredString{ptr, s.size()};
  }
  return StoredString{ptr, units};
}

/// store_utf8_to_utf16: worst-case allocation, then shrink.
Result<StoredString> store_utf8_to_utf16(LiftLowerContext& cx, GuestMemory& m, const Source& src) {
  const uint64_t worst_case_size = 2 * src.code_units;
  SHARD_TRY(ptr, cx.allocate(2, worst_case_size));
  if (!aligned(ptr, 2)) return realloc_misaligned();
  if (!m.in_bounds(ptr, worst_case_size)) return realloc_out_of_bounds();
  const std::vector<uint8_t> encoded = encode_utf16le(src.text);
  write(m, ptr, encoded);
  if (encoded.size() < worst_case_size) {
    SHARD_TRY(p2, cx.reallocate(ptr, worst_case_size, 2, encoded.size()));
    ptr = p2;
    if (!aligned(ptr, 2)) return realloc_misaligned();
    if (!m.in_bounds(ptr, encoded.size())) return realloc_out_of_bounds();
  }
  return StoredString{ptr, encoded.size() / 2};
}

/// store_string_to_latin1_or_utf16: optimistic Latin-1, inflated in place to UTF-16 at the
/// first code point >= 256.
Result<StoredString> store_string_to_latin1_or_utf16(LiftLowerContext& cx, GuestMemory& m, const Source& src) {
  const uint64_t units = src.code_units;
  SHARD_TRY(ptr, cx.allocate(2, units));
  if (!aligned(ptr, 2)) return realloc_misaligned();
  if (!m.in_bounds(ptr, units)) return realloc_out_of_bounds();
  uint64_t dst_byte_length = 0;
  const std::string_view s = src.text;
  for (size_t i = 0; i < s.size();) {
    const char32_t usv = utf8::next(s, i);
    if (usv < 0x100) {
      m.data()[ptr + dst_byte_length] = static_cast<uint8_t>(usv);
      ++dst_byte_length;
      continue;
    }
    const uint64_t worst_case_size = 2 * units;
    SHARD_TRY(p2, cx.reallocate(ptr, units, 2, worst_case_size));
    ptr = p2;
    if (!aligned(ptr, 2)) return realloc_misaligned();
    if (!m.in_bounds(ptr, worst_case_size)) return realloc_out_of_bounds();
    uint8_t* d = m.data() + ptr;
    for (uint64_t j = dst_byte_length; j-- > 0;) {
      d[2 * j] = d[j];
      d[2 * j + 1] = 0;
    }
    const std::vector<uint8_t> encoded = encode_utf16le(s);
    write(m, ptr + 2 * dst_byte_length, std::span(encoded).subspan(2 * dst_byte_length));
    if (worst_case_size > encoded.size()) {
      SHARD_TRY(p3, cx.reallocate(ptr, worst_case_size, 2, encoded.size()));
      ptr = p3;
      if (!aligned(ptr, 2)) return realloc_misaligned();
      if (!m.in_bounds(ptr, encoded.size())) return realloc_out_of_bounds();
    }
    return StoredString{ptr, (encoded.size() / 2) | utf16_tag(cx.addr)};
  }
  if (dst_byte_length < units) {
    SHARD_TRY(p2, cx.reallocate(ptr, units, 2, dst_byte_length));
    ptr = p2;
    if (!aligned(ptr, 2)) return realloc_misaligned();
    if (!m.in_bounds(ptr, dst_byte_length)) return realloc_out_of_bounds();
  }
  return StoredString{ptr, dst_byte_length};
}

/// store_probably_utf16_to_latin1_or_utf16: UTF-16 first, deflated to Latin-1 if it fits.
Result<StoredString> store_probably_utf16_to_latin1_or_utf16(LiftLowerContext& cx, GuestMemory& m, const Source& src) {
  const uint64_t src_byte_length = 2 * src.code_units;
  SHARD_TRY(ptr, cx.allocate(2, src_byte_length));
  if (!aligned(ptr, 2)) return realloc_misaligned();
  if (!m.in_bounds(ptr, src_byte_length)) return realloc_out_of_bounds();
  const std::vector<uint8_t> encoded = encode_utf16le(src.text);
  write(m, ptr, encoded);
  if (!count(src.text).latin1) return StoredString{ptr, (encoded.size() / 2) | utf16_tag(cx.addr)};
  const uint64_t latin1_size = encoded.size() / 2;
  uint8_t* d = m.data() + ptr;
  for (uint64_t i = 0; i < latin1_size; ++i) d[i] = d[2 * i];
  SHARD_TRY(p2, cx.reallocate(ptr, src_byte_length, 1, latin1_size));
  ptr = p2;
  if (!m.in_bounds(ptr, latin1_size)) return realloc_out_of_bounds();
  return StoredString{ptr, latin1_size};
}

/// decode('utf-16-le') into UTF-8; false on an unpaired surrogate.
bool decode_utf16le(const uint8_t* p, uint64_t units, std::string& out) {
  out.reserve(units);
  for (uint64_t i = 0; i < units; ++i) {
    char32_t u = p[2 * i] | (p[2 * i + 1] << 8);
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 1 >= units) return false;
      const char32_t lo = p[2 * i + 2] | (p[2 * i + 3] << 8);
      if (lo < 0xDC00 || lo > 0xDFFF) return false;
      u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
      ++i;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      return false;
    }
    utf8::append(out, u);
  }
  return true;
}

}  // namespace

Result<Value> load_string_from_range(LiftLowerContext& cx, uint64_t ptr, uint64_t tagged_code_units) {
  SHARD_TRY(m, cx.memory());
  const uint64_t tag = utf16_tag(cx.addr);
  uint32_t alignment = 1;
  uint64_t code_units = tagged_code_units;
  Simple encoding = Simple::Utf8;
  switch (cx.opts.string_encoding) {
    case StringEncoding::Utf8: break;
    case StringEncoding::Utf16: alignment = 2; encoding = Simple::Utf16; break;
    case StringEncoding::Latin1Utf16:
      alignment = 2;
      if (tagged_code_units & tag) {
        code_units = tagged_code_units ^ tag;
        encoding = Simple::Utf16;
      } else {
        encoding = Simple::Latin1;
      }
      break;
  }
  // trap_if(byte_length > MAX_STRING_BYTE_LENGTH), with byte_length = 2 * code_units for UTF-16.
  const uint64_t unit = encoding == Simple::Utf16 ? 2 : 1;
  if (code_units > kMaxStringByteLength / unit) return abi_trap(AbiTrap::StringTooLong);
  const uint64_t byte_length = code_units * unit;
  if (!aligned(ptr, alignment)) return abi_trap(AbiTrap::MisalignedPointer);
  if (!m->in_bounds(ptr, byte_length))
    return abi_trap(AbiTrap::OutOfBounds, "string pointer/length out of bounds of memory");
  const uint8_t* p = m->data() + ptr;
  std::string s;
  switch (encoding) {
    case Simple::Utf8:
      s.assign(reinterpret_cast<const char*>(p), byte_length);
      if (!valid_utf8(s)) return abi_trap(AbiTrap::InvalidUtf8);
      break;
    case Simple::Utf16:
      if (!decode_utf16le(p, code_units, s)) return abi_trap(AbiTrap::InvalidUtf16);
      break;
    case Simple::Latin1:
      s.reserve(byte_length);
      for (uint64_t i = 0; i < byte_length; ++i) utf8::append(s, p[i]);
      break;
  }
  return Value::lifted_string(std::move(s), {cx.opts.string_encoding, tagged_code_units, cx.addr});
}

Result<StoredString> store_string_into_range(LiftLowerContext& cx, const Value& v) {
  SHARD_TRY(mp, cx.memory());
  GuestMemory& m = *mp;
  const Source src = source_of(v);
  // Lifted strings are bounded by MAX_STRING_BYTE_LENGTH; a longer host string traps the
  // same way, which keeps every allocation below REALLOC_I32_MAX as the spec asserts.
  if (src.text.size() > kMaxStringByteLength) return abi_trap(AbiTrap::StringTooLong);
  switch (cx.opts.string_encoding) {
    case StringEncoding::Utf8:
      switch (src.simple) {
        case Simple::Utf8: return store_string_copy(cx, m, src, 1, 1, Simple::Utf8);
        case Simple::Utf16: return store_string_to_utf8(cx, m, src, src.code_units * 3);   // store_utf16_to_utf8
        case Simple::Latin1: return store_string_to_utf8(cx, m, src, src.code_units * 2);  // store_latin1_to_utf8
      }
      break;
    case StringEncoding::Utf16:
      switch (src.simple) {
        case Simple::Utf8: return store_utf8_to_utf16(cx, m, src);
        case Simple::Utf16: return store_string_copy(cx, m, src, 2, 2, Simple::Utf16);
        case Simple::Latin1: return store_string_copy(cx, m, src, 2, 2, Simple::Utf16);
      }
      break;
    case StringEncoding::Latin1Utf16:
      if (src.encoding != StringEncoding::Latin1Utf16) return store_string_to_latin1_or_utf16(cx, m, src);
      if (src.simple == Simple::Latin1) return store_string_copy(cx, m, src, 1, 2, Simple::Latin1);
      return store_probably_utf16_to_latin1_or_utf16(cx, m, src);
  }
  return abi_usage("unknown string encoding");
}

}  // namespace shard::component::abi
