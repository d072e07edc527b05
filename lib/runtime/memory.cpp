// Linear memories and tables (exec/runtime.rst: memory and table instances;
// exec/modules.rst: growing memories / tables).
//
// A memory reserves its whole address range once (PROT_NONE, MAP_NORESERVE) and commits
// pages with mprotect as it grows, so `base` never moves and the bytes after the committed
// size fault — the guard that lets a JIT drop bounds checks.
#include <sys/mman.h>

#include <algorithm>
#include <cstring>

#include "runtime/runtime.h"
#include "runtime/signals.h"

namespace shard::rt {

namespace {
constexpr uint64_t kPageSize = 65536;
}  // namespace

MemoryInst::~MemoryInst() {
  if (reservation_handle != 0) unregister_memory_reservation(reservation_handle);
  if (base != nullptr && reserved != 0) munmap(base, reserved);
}

uint32_t MemoryInst::grow(uint64_t delta) {
  // exec/modules.rst: growmem — fails (-1) past the effective maximum; never moves the base.
  uint64_t old = pages();
  if (delta > max_pages || old + delta > max_pages) return UINT32_MAX;
  uint64_t new_size = (old + delta) * kPageSize;
  if (new_size > reserved) return UINT32_MAX;
  if (delta != 0 && mprotect(base + size, new_size - size, PROT_READ | PROT_WRITE) != 0) return UINT32_MAX;
  size = new_size;
  type.limits.min = old + delta;
  return static_cast<uint32_t>(old);
}

uint32_t TableInst::grow(uint64_t delta, void* init) {
  // exec/modules.rst: growtable.
  uint64_t old = size;
  if (delta > max_size || old + delta > max_size) return UINT32_MAX;
  storage.resize(old + delta, init);
  elements = storage.data();
  size = old + delta;
  type.limits.min = size;
  return static_cast<uint32_t>(old);
}

Result<MemoryInst*> Store::create_memory(const MemoryType& type) {
  auto mem = std::make_unique<MemoryInst>();
  mem->type = type;
  uint64_t max = std::min<uint64_t>(type.limits.max.value_or(65536), config_.max_memory_pages);
  max = std::min<uint64_t>(max, 65536);
  if (type.limits.min > max) {
    return Error{ErrorKind::Uninstantiable, "memory size exceeds the embedder's limit"};
  }
  mem->max_pages = max;
  size_t want = config_.reserve_full_memory ? kFullReservation : max * kPageSize + config_.guard_bytes;
  void* p = mmap(nullptr, want, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED && config_.reserve_full_memory) {
    // Address space may be limited (ulimit -v, sanitizers): fall back to the bounded layout.
    want = max * kPageSize + config_.guard_bytes;
    p = mmap(nullptr, want, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  }
  if (p == MAP_FAILED) return Error{ErrorKind::Uninstantiable, "out of memory: cannot reserve linear memory"};
  mem->base = static_cast<uint8_t*>(p);
  mem->reserved = want;
  if (mem->fully_reserved()) {
    auto start = reinterpret_cast<uintptr_t>(p);
    mem->reservation_handle = register_memory_reservation(start, start + want);
  }
  if (mem->grow(type.limits.min) == UINT32_MAX && type.limits.min != 0) {
    return Error{ErrorKind::Uninstantiable, "out of memory: cannot commit linear memory"};
  }
  mem->type.limits.min = type.limits.min;
  memories_.push_back(std::move(mem));
  return memories_.back().get();
}

Result<TableInst*> Store::create_table(const TableType& type, void* init) {
  auto t = std::make_unique<TableInst>();
  t->type = type;
  uint64_t max = std::min<uint64_t>(type.limits.max.value_or(UINT32_MAX), config_.max_table_elements);
  if (type.limits.min > max) return Error{ErrorKind::Uninstantiable, "table size exceeds the embedder's limit"};
  t->max_size = max;
  t->storage.assign(type.limits.min, init);
  t->elements = t->storage.data();
  t->size = type.limits.min;
  tables_.push_back(std::move(t));
  return tables_.back().get();
}

}  // namespace shard::rt
