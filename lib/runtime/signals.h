// Traps through signals: the process-wide SIGSEGV/SIGBUS/SIGILL/SIGFPE handler, the
// registries it consults, and the per-thread activation record it resumes.
//
// How a tier uses it (the interpreter does, interp/exec.cpp; the JIT will):
//  1. Guest memories with the full reservation (StoreConfig::reserve_full_memory) register
//     their address range (done by the runtime, memory.cpp), so a fault there is Shard's.
//  2. A tier that emits native code registers each executable range with a lookup callback
//     (register_code_range): given the faulting pc it says which trap that instruction
//     raises (out of bounds memory access for a guard-page hit, unreachable for ud2, integer
//     divide by zero for a #DE on idiv, ...) and where the tier's state is.
//  3. Each entry from the host into guest code pushes an Activation (ActivationScope) and
//     calls sigsetjmp(act.resume, 0) in a small frame of its own (not in the dispatch loop:
//     setjmp pessimises the function that calls it). While guest code runs `in_guest` is true;
//     a tier clears it around calls to host functions.
//  4. On a fault the handler (on the thread's alternate signal stack) checks: this thread
//     has an activation that is in guest code, and either the pc is in a registered code
//     range whose callback claims it, or the faulting address is inside a registered
//     memory reservation and the activation accepts memory faults (the interpreter, whose
//     loads and stores are C++ code, not a registered range). If so it records the trap
//     kind, pc and address in the activation and siglongjmps to `resume`; the tier then
//     builds the trap (message, backtrace) from the state it left for this purpose
//     (Activation::guest_pc_slot and its own frame records).
//  5. Any other fault is not Shard's: it goes to the handler that was installed before
//     Shard's (SA_SIGINFO or plain), or, for SIG_DFL, the default action is restored and the
//     instruction re-executed, so the process dies as it would have without Shard.
//     An embedder that installs its own handler *after* Shard's must chain to the one it
//     replaces in the same way, or guard-page faults of guest code reach it instead of Shard
//     (tests/catch_main.cpp turns Catch2's handler off for that reason).
//
// Nothing here allocates or locks in the handler: the registries are immutable snapshots
// swapped atomically, and a writer frees an old snapshot only when no handler is reading.
#pragma once

#include <csetjmp>
#include <cstddef>
#include <cstdint>

#include "shard/trap.h"

namespace shard::rt {

struct ExecContext;

/// What a code range's callback returns for a faulting pc inside it.
struct CodeFault {
  TrapKind kind = TrapKind::None;  ///< None: not a trap site (the fault is not Shard's)
};
/// Called in the signal handler: async-signal-safe code only (no allocation, no locks).
using CodeFaultLookup = CodeFault (*)(void* data, uintptr_t pc, uintptr_t fault_addr, int signo);

/// Registers [start, end) as guest code whose faults `lookup` classifies. Returns a handle
/// for unregister_code_range. Thread-safe.
uint64_t register_code_range(uintptr_t start, uintptr_t end, CodeFaultLookup lookup, void* data);
void unregister_code_range(uint64_t handle);

/// Registers a guest memory's whole reservation (committed pages and guard region).
uint64_t register_memory_reservation(uintptr_t start, uintptr_t end);
void unregister_memory_reservation(uint64_t handle);

/// The record of one host → guest entry on one thread (a stack through `prev`).
struct Activation {
  sigjmp_buf resume;           ///< where the handler resumes the host (sigsetjmp(resume, 0))
  ExecContext* ctx = nullptr;
  Activation* prev = nullptr;
  /// Guest code (not a host function it called) is running. Volatile: the handler reads it.
  volatile bool in_guest = false;
  /// A fault inside a memory reservation counts even when the pc is in no code range
  /// (a tier whose loads and stores are compiled C++, like the interpreter).
  bool memory_faults_anywhere = false;
  /// Where a tier whose code is compiled C++ keeps its own position (the interpreter's pc,
  /// a volatile local of its loop); the handler copies it to guest_pc while the frame lives.
  const void* const volatile* guest_pc_slot = nullptr;
  // Filled by the handler before it resumes:
  TrapKind trap = TrapKind::None;
  uintptr_t fault_pc = 0;
  uintptr_t fault_addr = 0;
  const void* guest_pc = nullptr;
};

/// The innermost activation of the calling thread, or null.
Activation* current_activation();

/// Pushes `act` as the thread's current activation (and makes sure the thread has an
/// alternate signal stack and the handlers are installed); pops it on destruction.
class ActivationScope {
 public:
  ActivationScope(Activation& act, ExecContext* ctx);
  ~ActivationScope();
  ActivationScope(const ActivationScope&) = delete;
  ActivationScope& operator=(const ActivationScope&) = delete;

 private:
  Activation& act_;
};

/// Installs the process-wide handlers once (idempotent, thread-safe). Returns false if the
/// OS refused (then tiers must keep software checks).
bool install_signal_handlers();

}  // namespace shard::rt
