#include "jit/code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

namespace shard::jit {

namespace {
constexpr size_t kChunkSize = 256u << 10;
constexpr size_t kAlign = 32;
}  // namespace

CodeMemory::~CodeMemory() {
  for (const Chunk& c : chunks_) {
    munmap(c.exec, c.size);
    munmap(c.write, c.size);
  }
}

CodeMemory::Block CodeMemory::allocate(size_t size) {
  size = (size + kAlign - 1) & ~(kAlign - 1);
  if (chunks_.empty() || chunks_.back().size - chunks_.back().used < size) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t bytes = std::max(kChunkSize, (size + page - 1) / page * page);
    int fd = memfd_create("shard-jit", MFD_CLOEXEC);
    if (fd < 0) return {};
    if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
      close(fd);
      return {};
    }
    void* w = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void* x = mmap(nullptr, bytes, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    close(fd);
    if (w == MAP_FAILED || x == MAP_FAILED) {
      if (w != MAP_FAILED) munmap(w, bytes);
      if (x != MAP_FAILED) munmap(x, bytes);
      return {};
    }
    chunks_.push_back(Chunk{static_cast<uint8_t*>(x), static_cast<uint8_t*>(w), bytes, 0});
  }
  Chunk& c = chunks_.back();
  Block b{c.exec + c.used, c.write + c.used};
  c.used += size;
  used_total_ += size;
  return b;
}

}  // namespace shard::jit
