// Engine configuration: the execution tier, the resource limits of every store, and the
// engine's epoch counter (for stopping guests on a wall-clock budget).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace shard {

/// Which execution tier runs wasm code. The one place that maps this to a tier is
/// tiers/tiers.h (select_tier); asking for a tier the build or host lacks is an error there,
/// never a silent fallback.
enum class TierKind : uint8_t {
  Auto,         ///< the JIT where this build and host have one, else the interpreter
  Interpreter,  ///< the portable interpreter ("interp")
  Jit,          ///< the native-code tier ("jit")
};

/// "interp", "jit", "auto".
constexpr std::string_view tier_name(TierKind k) {
  switch (k) {
    case TierKind::Auto: return "auto";
    case TierKind::Interpreter: return "interp";
    case TierKind::Jit: return "jit";
  }
  return "?";
}
/// The inverse of tier_name; nullopt for an unknown name.
constexpr std::optional<TierKind> parse_tier_name(std::string_view s) {
  if (s == "auto") return TierKind::Auto;
  if (s == "interp" || s == "interpreter") return TierKind::Interpreter;
  if (s == "jit") return TierKind::Jit;
  return std::nullopt;
}

/// Engine-wide configuration: the tier and the resource limits every Store of the engine gets.
struct EngineConfig {
  TierKind tier = TierKind::Auto;
  uint64_t max_memory_pages = 65536;        ///< per linear memory (64 KiB pages; 65536 = 4 GiB)
  uint64_t max_table_elements = 10'000'000; ///< per table
  uint32_t max_call_depth = 20'000;         ///< wasm + host frames; deeper → "call stack exhausted"
  size_t max_stack_bytes = 64u << 20;       ///< value stack, reserved up front (not committed)
  /// Host (native) stack that wasm execution may use below the point where the host called
  /// into wasm, across nested host→wasm entries; past it → "call stack exhausted". Also
  /// capped by the thread's real stack, so a small host thread never overflows.
  size_t max_wasm_stack = 512u << 10;
  /// Reserve, per memory, every address a 32-bit access can form plus a guard (4 GiB + the
  /// largest offset + the access width + guard) so it never moves and out-of-bounds accesses
  /// fault instead of being checked; turn off where address space is scarce.
  bool reserve_full_memory = true;
  /// With the full reservation, let tiers drop software bounds checks on loads and stores
  /// and turn the guard-page fault into the trap (signal handler, runtime/signals.h). False
  /// keeps the explicit checks (for hosts where Shard must not install signal handlers).
  bool signal_based_traps = true;
  /// Compile code that counts fuel (Store::set_fuel). Off: no cost, set_fuel fails.
  bool consume_fuel = false;
  /// Compile code that checks the engine's epoch against the store's deadline
  /// (Engine::increment_epoch, Store::set_epoch_deadline). Off: no cost.
  bool epoch_interruption = false;
};

/// Configuration shared by modules and stores, plus the epoch counter its stores watch.
/// Cheap to copy; copies share the counter. Create one per application.
class Engine {
 public:
  explicit Engine(EngineConfig config = {})
      : config_(config), epoch_(std::make_shared<std::atomic<uint64_t>>(0)) {}
  const EngineConfig& config() const { return config_; }

  /// Advances the epoch by one. Any thread may call it (a timer thread, typically); a store
  /// running with epoch_interruption whose deadline is reached traps "interrupted" (or calls
  /// its deadline callback) at its next function entry or loop iteration.
  void increment_epoch() const { epoch_->fetch_add(1, std::memory_order_relaxed); }
  uint64_t epoch() const { return epoch_->load(std::memory_order_relaxed); }
  /// Shard-internal: the counter compiled code reads.
  const std::atomic<uint64_t>* epoch_counter() const { return epoch_.get(); }

 private:
  EngineConfig config_;
  std::shared_ptr<std::atomic<uint64_t>> epoch_;
};

/// What stops one store's guest, for runners that create the store themselves
/// (wasi::run_command, the CLI).
struct StopConditions {
  std::optional<uint64_t> fuel;            ///< needs EngineConfig::consume_fuel
  std::optional<uint64_t> epoch_deadline;  ///< ticks from now; needs EngineConfig::epoch_interruption
};

}  // namespace shard
