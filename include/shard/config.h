// Engine configuration: the execution tier and the resource limits of every store.
#pragma once

#include <cstddef>
#include <cstdint>

namespace shard {

/// Which execution tier runs wasm code.
enum class TierKind : uint8_t {
  Interpreter,  ///< the portable interpreter (the only tier so far)
};

/// Engine-wide configuration: the tier and the resource limits every Store of the engine gets.
struct EngineConfig {
  TierKind tier = TierKind::Interpreter;
  uint64_t max_memory_pages = 65536;        ///< per linear memory (64 KiB pages; 65536 = 4 GiB)
  uint64_t max_table_elements = 10'000'000; ///< per table
  uint32_t max_call_depth = 20'000;         ///< wasm + host frames; deeper → "call stack exhausted"
  size_t max_stack_bytes = 64u << 20;       ///< value stack, reserved up front (not committed)
  /// Reserve 8 GiB of address space per memory so it never moves and bounds checks can be
  /// elided by a JIT; turn off where address space is scarce.
  bool reserve_full_memory = true;
};

}  // namespace shard
