// The `memory` canonopt as the ABI sees it (CanonicalABI.md § Canonical ABI Options: MemInst):
// a byte range that may grow (realloc can run memory.grow) and is re-read after every call
// into the guest. Wasm memories never shrink, so a checked range stays valid until then.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "component/abi/types.h"

namespace shard::component::abi {

class GuestMemory {
 public:
  virtual ~GuestMemory() = default;
  virtual uint8_t* data() = 0;
  virtual uint64_t size() const = 0;
  virtual AddrType addr_type() const { return AddrType::I32; }
  /// [ptr, ptr+len) lies inside the memory, without overflow.
  bool in_bounds(uint64_t ptr, uint64_t len) const {
    const uint64_t s = size();
    return ptr <= s && len <= s - ptr;
  }
  /// [ptr, ptr+len) when inside the memory; nullopt otherwise. Host code (the canonical ABI,
  /// the WASI hosts) checks each guest range once here and then copies within the span.
  std::optional<std::span<uint8_t>> span(uint64_t ptr, uint64_t len) {
    if (!in_bounds(ptr, len)) return std::nullopt;
    return std::span<uint8_t>(data() + ptr, static_cast<size_t>(len));
  }
  /// A guest string given as pointer and length (not NUL-terminated), or nullopt.
  std::optional<std::string_view> string(uint64_t ptr, uint64_t len) {
    auto s = span(ptr, len);
    if (!s) return std::nullopt;
    return std::string_view(reinterpret_cast<const char*>(s->data()), s->size());
  }
  /// Little-endian scalar access (wasm memories are little-endian; Shard's hosts are too).
  template <class T>
  bool store(uint64_t ptr, T value) {
    auto s = span(ptr, sizeof(T));
    if (!s) return false;
    std::memcpy(s->data(), &value, sizeof(T));
    return true;
  }
  template <class T>
  std::optional<T> load(uint64_t ptr) {
    auto s = span(ptr, sizeof(T));
    if (!s) return std::nullopt;
    T v;
    std::memcpy(&v, s->data(), sizeof(T));
    return v;
  }
};

/// A memory backed by a byte vector (tests, host-side buffers).
class VectorMemory final : public GuestMemory {
 public:
  explicit VectorMemory(size_t size = 0, AddrType addr = AddrType::I32) : bytes(size, 0), addr_(addr) {}
  uint8_t* data() override { return bytes.data(); }
  uint64_t size() const override { return bytes.size(); }
  AddrType addr_type() const override { return addr_; }
  std::vector<uint8_t> bytes;

 private:
  AddrType addr_;
};

}  // namespace shard::component::abi
