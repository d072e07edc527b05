// Executable memory for one module's JIT code, never writable and executable at the same
// address: each chunk is one memfd mapped twice, read-write (where code is copied in) and
// read-execute (where it runs). Code is only appended, so a function already running is
// never touched while another is written. Everything is unmapped with the module's cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace shard::jit {

class CodeMemory {
 public:
  CodeMemory() = default;
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;
  ~CodeMemory();

  /// Room for `size` bytes: the executable address the code will run at and the writable
  /// view of the same bytes. Null on failure (out of memory or mappings).
  struct Block {
    uint8_t* exec = nullptr;
    uint8_t* write = nullptr;
  };
  Block allocate(size_t size);

  size_t bytes_used() const { return used_total_; }

 private:
  struct Chunk {
    uint8_t* exec = nullptr;
    uint8_t* write = nullptr;
    size_t size = 0;
    size_t used = 0;
  };
  std::vector<Chunk> chunks_;
  size_t used_total_ = 0;
};

}  // namespace shard::jit
