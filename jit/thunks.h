// What JIT code calls in C++: the semantics of operations it does not inline (bound from
// sem::<Op> by expanding lib/opcodes.def, so the arithmetic is written once, in numerics.h /
// simd.h) and the runtime's slow paths (traps, memory.grow, bulk memory and table operations).
// All use the plain C calling convention; none throws.
#pragma once

#include <cstdint>

#include "runtime/runtime.h"
#include "types.h"

namespace shard::jit {

/// A numeric/SIMD operation on consecutive slots: operands in s[0..n), result in s[0].
/// `imm` is the lane index of lane instructions. Returns a trap kind (truncations, division).
using SlotThunk = TrapKind (*)(rt::Slot* s, uint32_t imm);
/// The thunk of a numeric, SIMD or lane instruction (Imm None / Lane with a value result),
/// or null.
SlotThunk slot_thunk(Op op);

/// A runtime operation on the VM context: operands in s[...], results in s[0]; `a`/`b` are
/// the instruction's indices. Returns a trap kind.
using CtxHelper = TrapKind (*)(rt::ExecContext* ctx, rt::Instance* inst, rt::Slot* s, uint32_t a, uint32_t b,
                               uint32_t c);
/// The helper of a memory/table/reference instruction handled out of line, or null.
CtxHelper ctx_helper(Op op);

/// The out-of-line form of a load or store (any memory; the SIMD forms), as a CtxHelper:
/// a = memory index, b = offset, c = lane; address (and value) in s[0] (and s[1]).
CtxHelper memory_helper(Op op);

/// i8x16.shuffle on s[0], s[1] with the 16 lane indices at `lanes`.
void shuffle(rt::Slot* s, const uint8_t* lanes);

// Exception handling (exec/instructions.rst: throw, throw_ref, try_table).
/// throw: a new exception of tag `a` with the payload in s[...]; returns TrapKind::Exception.
TrapKind throw_exception(rt::ExecContext* ctx, rt::Instance* inst, rt::Slot* s, uint32_t a, uint32_t, uint32_t);
/// throw_ref: the exnref in s[0]; a null reference traps.
TrapKind throw_ref(rt::ExecContext* ctx, rt::Instance* inst, rt::Slot* s, uint32_t, uint32_t, uint32_t);
/// A catch clause of try_table for catch_dispatch: its kind, tag index and the frame offset
/// its values go to (the home slots of the clause's target label).
struct CatchEntry {
  uint32_t kind = 0;  ///< CatchKind
  uint32_t tag = 0;
  int32_t dst = 0;
  uint32_t pad = 0;
};
/// Finds the first clause of `clauses` (innermost try_table first) that catches
/// ctx->exception, delivers the payload (and exnref) to the frame, and returns its index;
/// `n` when none does (the exception stays in flight).
uint32_t catch_dispatch(rt::ExecContext* ctx, rt::Instance* inst, rt::Slot* frame, const CatchEntry* clauses,
                        uint32_t n);

// Trap exits (masm.h: emit_exits).
/// Starts a trap of `kind` at `wasm_offset` in `f` (the first backtrace frame). `extra` is the
/// element index of "uninitialized element".
TrapKind raise_trap(rt::ExecContext* ctx, rt::FuncInst* f, uint32_t kind, uint32_t wasm_offset, uint64_t extra);
/// Adds `f` at `wasm_offset` (a call) to the backtrace of a trap a callee started.
TrapKind propagate_trap(rt::ExecContext* ctx, rt::FuncInst* f, uint32_t kind, uint32_t wasm_offset);
/// The prologue's limit check failed: "call stack exhausted", reported by the caller's frame.
TrapKind stack_exhausted(rt::ExecContext* ctx);

}  // namespace shard::jit
