// The `memory` canonopt as the ABI sees it (CanonicalABI.md § Canonical ABI Options: MemInst):
// a byte range that may grow (realloc can run memory.grow) and is re-read after every call
// into the guest. Wasm memories never shrink, so a checked range stays valid until then.
#pragma once

#include <cstdint>
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
