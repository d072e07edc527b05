// The interpreter's internal code: what the compiler (compiler.cpp) emits and the dispatch
// loop (exec.cpp) runs. Internal to interp/.
//
// A compiled function is a flat array of 8-byte words. Every instruction starts with the
// address of its handler (threaded code: dispatch is `goto *pc->op`), followed by operand
// words. Operands are slot-addressed: a uint32 byte offset from the frame pointer, so there
// is no operand stack at run time. Frame layout (16-byte slots):
//
//   fp[0 .. nparams)            parameters (the caller's argument slots: frames overlap)
//   fp[nparams .. nlocals)      declared locals, zeroed on entry
//   fp[nlocals .. + max_height) the operand stack, value at height h lives in fp[nlocals + h]
//
// Call records (return pc, caller fp/func/code) are kept apart, growing down from the end of
// the value stack, because frames overlap.
//
// A call passes its arguments in place: the callee's fp is the caller's slot of the first
// argument, and results come back in the same slots — the rt calling convention, so host
// functions and other tiers are called with the very same pointer.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "runtime/runtime.h"
#include "types.h"
#include "valid/visitor.h"

namespace shard::interp {

using rt::Slot;

union Word {
  const void* op;
  uint64_t u64;
  struct {
    uint32_t lo;
    uint32_t hi;
  };
  int64_t s64;
};
static_assert(sizeof(Word) == 8);

// Internal ops beyond the Wasm numeric/SIMD/memory ones (whose internal id equals their Op).
// clang-format off
#define SHARD_INTERP_FIXED_OPS(X) \
  X(Invalid) X(Copy) X(Const64) X(ConstV) \
  X(Br) X(BrIfNz) X(BrIfZ) X(BrTable) \
  X(Call) X(CallIndirect) X(Ret) X(TrapUnreachable) X(Throw) X(ThrowRef) \
  X(Select) X(GlobalGet) X(GlobalSet) X(RefFunc) X(RefIsNull) \
  X(TableGet) X(TableSet) X(TableSize) X(TableGrow) X(TableFill) X(TableCopy) X(TableInit) X(ElemDrop) \
  X(MemorySize) X(MemoryGrow) X(MemoryFill) X(MemoryCopy) X(MemoryInit) X(DataDrop) \
  X(MemorySizeN) X(MemoryGrowN) X(MemoryFillN) X(MemoryCopyN) X(MemoryInitN) \
  X(I8x16Shuffle) X(Fuel) X(Epoch) X(FuelEpoch)

// Binary scalar ops that also get a form with an immediate second operand (x op const).
#define SHARD_INTERP_IMM_OPS(X) \
  X(I32Add) X(I32Sub) X(I32Mul) X(I32And) X(I32Or) X(I32Xor) X(I32Shl) X(I32ShrS) X(I32ShrU) \
  X(I32Eq) X(I32Ne) X(I32LtS) X(I32LtU) X(I32GtS) X(I32GtU) X(I32LeS) X(I32LeU) X(I32GeS) X(I32GeU) \
  X(I64Add) X(I64Sub) X(I64Mul) X(I64And) X(I64Or) X(I64Xor) X(I64Shl) X(I64ShrS) X(I64ShrU) \
  X(I64Eq) X(I64Ne) X(I64LtS) X(I64LtU) X(I64GtS) X(I64GtU) X(I64LeS) X(I64LeU) X(I64GeS) X(I64GeU) \
  X(F32Add) X(F32Sub) X(F32Mul) X(F64Add) X(F64Sub) X(F64Mul)

// Comparisons fused with a following br_if / if into compare-and-branch (slot/slot and
// slot/immediate forms). Each has its negation in the list, for `if` (branch when false).
#define SHARD_INTERP_CMP_OPS(X) \
  X(I32Eq, I32Ne) X(I32Ne, I32Eq) X(I32LtS, I32GeS) X(I32LtU, I32GeU) X(I32GtS, I32LeS) X(I32GtU, I32LeU) \
  X(I32LeS, I32GtS) X(I32LeU, I32GtU) X(I32GeS, I32LtS) X(I32GeU, I32LtU) \
  X(I64Eq, I64Ne) X(I64Ne, I64Eq) X(I64LtS, I64GeS) X(I64LtU, I64GeU) X(I64GtS, I64LeS) X(I64GtU, I64LeU) \
  X(I64LeS, I64GtS) X(I64LeU, I64GtU) X(I64GeS, I64LtS) X(I64GeU, I64LtU)

// Multi-memory: the plain load/store handlers (internal id = Op) and X_Memory* address memory 0
// through the dispatch loop's cached base and size. Accesses to another memory use separate
// forms that find the memory in the instance: MemN_<Op> for every row of opcodes.def with a
// memarg immediate (the same words plus a trailing [memidx|-]), and X_Memory*N.
// SHARD_INTERP_IF_MEMARG_<Imm>(...) keeps its arguments for those rows only.
#define SHARD_INTERP_IF_MEMARG_MemArg(...) __VA_ARGS__
#define SHARD_INTERP_IF_MEMARG_MemArgLane(...) __VA_ARGS__
#define SHARD_INTERP_IF_MEMARG_None(...)
#define SHARD_INTERP_IF_MEMARG_Block(...)
#define SHARD_INTERP_IF_MEMARG_Label(...)
#define SHARD_INTERP_IF_MEMARG_BrTable(...)
#define SHARD_INTERP_IF_MEMARG_Func(...)
#define SHARD_INTERP_IF_MEMARG_CallIndirect(...)
#define SHARD_INTERP_IF_MEMARG_Local(...)
#define SHARD_INTERP_IF_MEMARG_Global(...)
#define SHARD_INTERP_IF_MEMARG_Table(...)
#define SHARD_INTERP_IF_MEMARG_Elem(...)
#define SHARD_INTERP_IF_MEMARG_Data(...)
#define SHARD_INTERP_IF_MEMARG_TableInit(...)
#define SHARD_INTERP_IF_MEMARG_TableCopy(...)
#define SHARD_INTERP_IF_MEMARG_Memory(...)
#define SHARD_INTERP_IF_MEMARG_MemoryInit(...)
#define SHARD_INTERP_IF_MEMARG_MemoryCopy(...)
#define SHARD_INTERP_IF_MEMARG_Lane(...)
#define SHARD_INTERP_IF_MEMARG_RefType(...)
#define SHARD_INTERP_IF_MEMARG_SelectT(...)
#define SHARD_INTERP_IF_MEMARG_I32(...)
#define SHARD_INTERP_IF_MEMARG_I64(...)
#define SHARD_INTERP_IF_MEMARG_F32(...)
#define SHARD_INTERP_IF_MEMARG_F64(...)
#define SHARD_INTERP_IF_MEMARG_V128(...)
#define SHARD_INTERP_IF_MEMARG_Shuffle(...)
#define SHARD_INTERP_IF_MEMARG_Tag(...)
#define SHARD_INTERP_IF_MEMARG_TryTable(...)
// clang-format on

/// Internal op ids: the Wasm ops first (same numbering as shard::Op), then the rest.
enum class IOp : uint16_t {
#define WASM_OP(id, ...) id,
#include "opcodes.def"
#undef WASM_OP
#define X(name) X_##name,
  SHARD_INTERP_FIXED_OPS(X)
#undef X
#define X(name) Imm_##name,
  SHARD_INTERP_IMM_OPS(X)
#undef X
#define X(name, neg) BrSS_##name,
  SHARD_INTERP_CMP_OPS(X)
#undef X
#define X(name, neg) BrSI_##name,
  SHARD_INTERP_CMP_OPS(X)
#undef X
#define WASM_OP(id, name, prefix, code, imm, ...) SHARD_INTERP_IF_MEMARG_##imm(MemN_##id,)
#include "opcodes.def"
#undef WASM_OP
  // Guarded forms (code variant kGuardPages): memory-0 accesses without a bounds check.
#define WASM_OP(id, name, prefix, code, imm, ...) SHARD_INTERP_IF_MEMARG_##imm(G_##id,)
#include "opcodes.def"
#undef WASM_OP
  Count,
};
inline constexpr size_t kIOpCount = static_cast<size_t>(IOp::Count);
inline constexpr IOp iop(Op op) { return static_cast<IOp>(static_cast<uint16_t>(op)); }

/// Saved state of the caller; a stack of these grows down from the value stack's end.
/// `callee` names the function the record was pushed for, so the trap path after a
/// guard-page fault (which has lost the loop's registers) finds the innermost function from
/// the newest record; the newest record is found from ExecContext::depth.
struct CallRecord {
  const Word* pc;     ///< return address in the caller; nullptr for the entry frame
  Slot* fp;           ///< caller's frame
  rt::FuncInst* func; ///< caller
  struct CompiledFunc* code;
  rt::FuncInst* callee;
  void* unused;
};
static_assert(sizeof(CallRecord) == 3 * sizeof(Slot));

/// One catch clause of a try_table as compiled: where its landing pad is and where the
/// exception's payload (then the exnref, for the _ref kinds) is written before jumping there.
struct CatchPad {
  CatchKind kind = CatchKind::CatchAll;
  uint32_t tag = 0;   ///< tag index in the instance (catch / catch_ref)
  uint32_t pad = 0;   ///< word index of the landing pad
  uint32_t dst = 0;   ///< frame byte offset of the first payload slot
};

/// The code a try_table covers, [start, end) in words, and its clauses
/// catches[first, first + count). Regions are listed in the order their try_tables start, so
/// of the regions containing a pc the last one listed is the innermost.
struct TryRegion {
  uint32_t start = 0, end = 0;
  uint32_t first = 0, count = 0;
};

/// One function compiled for the interpreter: immutable once published in the module's
/// cache (interp.cpp), shared by every instance of the module.
struct CompiledFunc : rt::TierCode {
  std::vector<Word> code;
  /// (word index of an instruction, byte offset of the wasm instruction it came from),
  /// ascending: maps a pc to the instruction offset for trap backtraces.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  uint32_t nparams = 0;
  uint32_t nresults = 0;
  uint32_t nlocals = 0;     ///< params + declared locals, in slots
  uint32_t frame_slots = 0; ///< nlocals + max operand height (+ slack)
  /// Exception handling: only looked at while an exception unwinds (exec.cpp: throw_exn).
  std::vector<TryRegion> tries;
  std::vector<CatchPad> catches;

  size_t offset_at(const Word* pc, bool is_return_address) const;
};

/// The handler address table of the dispatch loop, indexed by IOp (exec.cpp).
const void* const* handler_table();

/// The interpreter's entry point (rt::EntryFn) for wasm functions.
TrapKind interp_entry(rt::ExecContext* ctx, rt::FuncInst* f, Slot* io);
/// The entry for code of the kGuardPages variant: runs the dispatch loop inside an
/// activation (runtime/signals.h) so a guard-page fault becomes "out of bounds memory access".
TrapKind interp_guarded_entry(rt::ExecContext* ctx, rt::FuncInst* f, Slot* io);
inline bool is_interp_entry(rt::EntryFn e) { return e == &interp_entry || e == &interp_guarded_entry; }

/// The code of `f` (a defined function of an instance): FuncInst::code, else the module's
/// cached code (compiled now if no instance has called it yet). nullptr and a trap in ctx on
/// failure (only possible for resource exhaustion: bodies were validated).
CompiledFunc* ensure_compiled(rt::ExecContext* ctx, rt::FuncInst* f);

}  // namespace shard::interp

namespace shard::interp {
/// Human-readable listing of compiled code (for tests and debugging).
std::string disassemble(const CompiledFunc& f);
}  // namespace shard::interp
