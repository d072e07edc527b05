// A runtime memory (lib/runtime) seen through the canonical ABI's GuestMemory: what the
// `memory` canonopt and the WASI hosts read and write. Header-only, so the preview1 host uses
// the same bounds checks without depending on the component libraries.
#pragma once

#include "component/abi/memory.h"
#include "runtime/runtime.h"

namespace shard::component::abi {

/// The base never moves (reserved mapping); the size is re-read on every access, so growth
/// by the guest is seen. A null memory (a module without one) is an empty range.
class RtMemory final : public GuestMemory {
 public:
  explicit RtMemory(const rt::MemoryInst* mem) : mem_(mem) {}
  uint8_t* data() override { return mem_ ? mem_->base : nullptr; }
  uint64_t size() const override { return mem_ ? mem_->size : 0; }

 private:
  const rt::MemoryInst* mem_;
};

}  // namespace shard::component::abi
