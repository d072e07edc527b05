// Per-module, per-tier code tables: where every instance of a module finds the compiled
// code of each of its functions.
//
// A tier keeps one CodeTable per module (and per code variant: metered code for fuel/epochs
// is a different variant, see Metering) in the module's caches. Instantiation points each
// defined FuncInst at its slot (FuncInst::code), never at the code itself, so replacing a
// function's code — lazy compilation, or a later tier-up — is one release store into the
// slot, seen by every instance in every store and thread at its next call. Nothing is
// patched per instance.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "module.h"

namespace shard::rt {

struct TierCode;

/// How a function's code was compiled (a bit set; one code table per combination). Code
/// compiled without a check pays nothing for it; a store running with fuel or epochs uses
/// the variant with them, and an instance whose memory 0 has the full reservation (and a
/// store that allows signal-based traps) the variant whose memory-0 accesses rely on the
/// guard region.
enum CodeVariant : uint8_t {
  kMeterNone = 0,
  kMeterFuel = 1,    ///< consumes fuel at function entry and loop iterations
  kMeterEpoch = 2,   ///< compares the epoch with the deadline there
  kGuardPages = 4,   ///< memory-0 loads/stores unchecked; the fault is the trap (signals.h)
  kCodeVariants = 8,
};

/// One slot per defined function of one module, for one tier and variant.
class CodeTable final : public ModuleCache {
 public:
  explicit CodeTable(size_t functions)
      : n_(functions), slots_(std::make_unique<std::atomic<TierCode*>[]>(functions)) {}
  ~CodeTable() override = default;
  CodeTable(const CodeTable&) = delete;
  CodeTable& operator=(const CodeTable&) = delete;

  size_t size() const { return n_; }
  /// The slot of defined function `i` (FuncInst::code points here).
  std::atomic<TierCode*>* slot(uint32_t i) const { return &slots_[i]; }
  TierCode* get(uint32_t i) const { return slots_[i].load(std::memory_order_acquire); }

  /// Publishes `code` as function i's code: one release store. Code it replaces is retired,
  /// not freed, because another thread may still be running it; it lives as long as the
  /// module. Returns the published pointer.
  TierCode* publish(uint32_t i, std::unique_ptr<TierCode> code);

 private:
  size_t n_;
  std::unique_ptr<std::atomic<TierCode*>[]> slots_;
  std::mutex owned_mutex_;
  std::vector<std::unique_ptr<TierCode>> owned_;  ///< everything ever published
};

}  // namespace shard::rt
