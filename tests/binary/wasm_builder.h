// Tiny helpers to hand-assemble binary modules in tests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace shard::test {

using Bytes = std::vector<uint8_t>;

inline void put_leb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
  } while (v);
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes leb(uint64_t v) {
  Bytes b;
  put_leb(b, v);
  return b;
}

inline Bytes str(std::string_view s) {
  Bytes b = leb(s.size());
  b.insert(b.end(), s.begin(), s.end());
  return b;
}

/// A section: id, size, contents.
inline Bytes section(uint8_t id, const Bytes& contents) { return cat({{id}, leb(contents.size()), contents}); }

/// A code-section entry: size followed by locals and instructions.
inline Bytes body(const Bytes& locals_and_code) { return cat({leb(locals_and_code.size()), locals_and_code}); }

inline Bytes header() { return {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}; }

inline Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out = header();
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

/// A module with one type, the given function bodies all of that type, and optionally a
/// memory: the common shape for body tests.
inline Bytes one_type_module(const Bytes& type, std::initializer_list<Bytes> bodies, bool memory = false) {
  Bytes funcs = leb(bodies.size());
  Bytes code = leb(bodies.size());
  for (const Bytes& b : bodies) {
    funcs.push_back(0);
    Bytes e = body(b);
    code.insert(code.end(), e.begin(), e.end());
  }
  Bytes out = module({section(1, cat({{0x01}, type})), section(3, funcs)});
  if (memory) out = cat({out, section(5, {0x01, 0x00, 0x01})});
  return cat({out, section(10, code)});
}

}  // namespace shard::test
