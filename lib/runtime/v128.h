// The 128-bit vector value (syntax/types.rst: vector types), stored little-endian.
#pragma once

#include <cstdint>
#include <cstring>

namespace shard {

struct alignas(16) V128 {
  uint8_t bytes[16];

  template <class T, int N = 16 / sizeof(T)>
  T lane(int i) const {
    T v;
    std::memcpy(&v, bytes + i * sizeof(T), sizeof(T));
    return v;
  }
  template <class T>
  void set_lane(int i, T v) {
    std::memcpy(bytes + i * sizeof(T), &v, sizeof(T));
  }
  bool operator==(const V128& o) const { return std::memcmp(bytes, o.bytes, 16) == 0; }
};
static_assert(sizeof(V128) == 16);

}  // namespace shard
