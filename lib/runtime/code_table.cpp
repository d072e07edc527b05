#include "runtime/code_table.h"

#include "runtime/runtime.h"

namespace shard::rt {

TierCode* CodeTable::publish(uint32_t i, std::unique_ptr<TierCode> code) {
  TierCode* p = code.get();
  {
    std::lock_guard<std::mutex> lock(owned_mutex_);
    owned_.push_back(std::move(code));
  }
  slots_[i].store(p, std::memory_order_release);
  return p;
}

}  // namespace shard::rt
