// The interpreter's dispatch loop: threaded code with computed goto (`goto *pc->op`).
//
// Hot state lives in locals the compiler can keep in registers: pc, the frame pointer, the
// current instance and memory 0's base/size (other memories are looked up in the instance by
// their own handlers, see SHARD_MEM_ACCESSES). Wasm-to-wasm calls never recurse on the host
// stack: a call pushes a CallRecord above the callee's frame in the store's value stack and
// jumps; the depth counter and the value-stack end bound recursion ("call stack exhausted").
// Only calls into host functions or other tiers go through the rt calling convention.
//
// Numeric and SIMD semantics come from lib/runtime/numerics.h and simd.h (sem::<Op>), bound
// to handlers by expanding lib/opcodes.def; nothing here re-implements arithmetic.
#include <fmt/format.h>
#include <cstring>
#include <type_traits>
#include <utility>

#include <atomic>
#include <csetjmp>

#include "interp/code.h"
#include "runtime/numerics.h"
#include "runtime/signals.h"
#include "runtime/simd.h"

namespace shard::interp {

using rt::ExecContext;
using rt::FuncInst;
using rt::Instance;

namespace {

using sem::CType;

template <Op op>
struct OpT {
  static constexpr OpInfo oi = kOpInfo[static_cast<size_t>(op)];
};

template <class T>
inline T rd(const void* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <class T>
inline void wr(void* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

/// Runs a slot-form numeric/SIMD instruction: [op][dst|a][b|c] (or [op][dst|a] when unary),
/// or the lane form [op][dst|a][b|lane]. `f` forwards to sem::<Op>.
template <Op op, class F>
inline TrapKind numeric(F f, char* fp, const Word* pc) {
  using oi = OpT<op>;
  using R = CType<oi::oi.result>;
  using A = CType<oi::oi.params[0]>;
  void* dst = fp + pc[1].lo;
  const A a = rd<A>(fp + pc[1].hi);
  if constexpr (oi::oi.imm == Imm::Lane) {
    auto lane = static_cast<uint8_t>(pc[2].hi);
    if constexpr (oi::oi.params[1] == OpType::None) {
      wr<R>(dst, f(a, lane));
    } else {
      using B = CType<oi::oi.params[1]>;
      wr<R>(dst, f(a, rd<B>(fp + pc[2].lo), lane));
    }
    return TrapKind::None;
  } else if constexpr (oi::oi.params[1] == OpType::None) {
    if constexpr (std::is_invocable_v<F, A>) {
      wr<R>(dst, f(a));
      return TrapKind::None;
    } else {
      R out{};
      TrapKind k = f(a, out);
      if (k == TrapKind::None) wr<R>(dst, out);
      return k;
    }
  } else if constexpr (oi::oi.params[2] == OpType::None) {
    using B = CType<oi::oi.params[1]>;
    const B b = rd<B>(fp + pc[2].lo);
    if constexpr (std::is_invocable_v<F, A, B>) {
      wr<R>(dst, f(a, b));
      return TrapKind::None;
    } else {
      R out{};
      TrapKind k = f(a, b, out);
      if (k == TrapKind::None) wr<R>(dst, out);
      return k;
    }
  } else {
    using B = CType<oi::oi.params[1]>;
    using C = CType<oi::oi.params[2]>;
    wr<R>(dst, f(a, rd<B>(fp + pc[2].lo), rd<C>(fp + pc[2].hi)));
    return TrapKind::None;
  }
}

/// [op][dst|a][imm64]: binary op with a constant right operand (never traps: see IMM_OPS).
template <Op op, class F>
inline void numeric_imm(F f, char* fp, const Word* pc) {
  using oi = OpT<op>;
  using R = CType<oi::oi.result>;
  using A = CType<oi::oi.params[0]>;
  using B = CType<oi::oi.params[1]>;
  wr<R>(fp + pc[1].lo, f(rd<A>(fp + pc[1].hi), rd<B>(&pc[2])));
}

template <Op op, class F>
inline bool compare(F f, const char* fp, const Word* pc, bool imm) {
  using A = CType<kOpInfo[static_cast<size_t>(op)].params[0]>;
  A a = rd<A>(fp + pc[1].hi);
  A b = imm ? rd<A>(&pc[2]) : rd<A>(fp + pc[2].lo);
  return f(a, b) != 0;
}

}  // namespace

#define SEM(id) [](auto&&... a) -> decltype(sem::id(std::forward<decltype(a)>(a)...)) { \
  return sem::id(std::forward<decltype(a)>(a)...);                                      \
}

// ---- label tables generated from opcodes.def (by immediate kind and result type) ----------
#define SHARD_TBL_R_I32(id) &&L_##id,
#define SHARD_TBL_R_I64(id) &&L_##id,
#define SHARD_TBL_R_F32(id) &&L_##id,
#define SHARD_TBL_R_F64(id) &&L_##id,
#define SHARD_TBL_R_V128(id) &&L_##id,
#define SHARD_TBL_R_None(id) &&L_X_Invalid,
#define SHARD_TBL_R_Special(id) &&L_X_Invalid,
#define SHARD_TBL_None(id, r) SHARD_TBL_R_##r(id)
#define SHARD_TBL_Lane(id, r) &&L_##id,
#define SHARD_TBL_MemArg(id, r) &&L_##id,
#define SHARD_TBL_MemArgLane(id, r) &&L_##id,
#define SHARD_TBL_INVALID(id, r) &&L_X_Invalid,
#define SHARD_TBL_Block SHARD_TBL_INVALID
#define SHARD_TBL_Label SHARD_TBL_INVALID
#define SHARD_TBL_BrTable SHARD_TBL_INVALID
#define SHARD_TBL_Func SHARD_TBL_INVALID
#define SHARD_TBL_CallIndirect SHARD_TBL_INVALID
#define SHARD_TBL_Local SHARD_TBL_INVALID
#define SHARD_TBL_Global SHARD_TBL_INVALID
#define SHARD_TBL_Table SHARD_TBL_INVALID
#define SHARD_TBL_Elem SHARD_TBL_INVALID
#define SHARD_TBL_Data SHARD_TBL_INVALID
#define SHARD_TBL_TableInit SHARD_TBL_INVALID
#define SHARD_TBL_TableCopy SHARD_TBL_INVALID
#define SHARD_TBL_Memory SHARD_TBL_INVALID
#define SHARD_TBL_MemoryInit SHARD_TBL_INVALID
#define SHARD_TBL_MemoryCopy SHARD_TBL_INVALID
#define SHARD_TBL_RefType SHARD_TBL_INVALID
#define SHARD_TBL_SelectT SHARD_TBL_INVALID
#define SHARD_TBL_I32 SHARD_TBL_INVALID
#define SHARD_TBL_I64 SHARD_TBL_INVALID
#define SHARD_TBL_F32 SHARD_TBL_INVALID
#define SHARD_TBL_F64 SHARD_TBL_INVALID
#define SHARD_TBL_V128 SHARD_TBL_INVALID
#define SHARD_TBL_Shuffle SHARD_TBL_INVALID
#define SHARD_TBL_Tag SHARD_TBL_INVALID
#define SHARD_TBL_TryTable SHARD_TBL_INVALID

// Handlers for the same rows: numeric/SIMD ops (Imm None with a value result) and lane ops.
#define SHARD_GEN_NUM(id)                                                 \
  L_##id : {                                                              \
    constexpr size_t kWords = kOpInfo[size_t(Op::id)].params[1] == OpType::None ? 2 : 3; \
    TrapKind k = numeric<Op::id>(SEM(id), fp, pc);                        \
    if (k != TrapKind::None) { tk = k; goto trap; }                      \
    pc += kWords;                                                         \
    NEXT();                                                               \
  }
#define SHARD_GEN_R_I32(id) SHARD_GEN_NUM(id)
#define SHARD_GEN_R_I64(id) SHARD_GEN_NUM(id)
#define SHARD_GEN_R_F32(id) SHARD_GEN_NUM(id)
#define SHARD_GEN_R_F64(id) SHARD_GEN_NUM(id)
#define SHARD_GEN_R_V128(id) SHARD_GEN_NUM(id)
#define SHARD_GEN_R_None(id)
#define SHARD_GEN_R_Special(id)
#define SHARD_GEN_None(id, r) SHARD_GEN_R_##r(id)
#define SHARD_GEN_Lane(id, r)                 \
  L_##id : {                                  \
    numeric<Op::id>(SEM(id), fp, pc);         \
    pc += 3;                                  \
    NEXT();                                   \
  }
#define SHARD_GEN_NOTHING(id, r)
#define SHARD_GEN_MemArg SHARD_GEN_NOTHING
#define SHARD_GEN_MemArgLane SHARD_GEN_NOTHING
#define SHARD_GEN_Block SHARD_GEN_NOTHING
#define SHARD_GEN_Label SHARD_GEN_NOTHING
#define SHARD_GEN_BrTable SHARD_GEN_NOTHING
#define SHARD_GEN_Func SHARD_GEN_NOTHING
#define SHARD_GEN_CallIndirect SHARD_GEN_NOTHING
#define SHARD_GEN_Local SHARD_GEN_NOTHING
#define SHARD_GEN_Global SHARD_GEN_NOTHING
#define SHARD_GEN_Table SHARD_GEN_NOTHING
#define SHARD_GEN_Elem SHARD_GEN_NOTHING
#define SHARD_GEN_Data SHARD_GEN_NOTHING
#define SHARD_GEN_TableInit SHARD_GEN_NOTHING
#define SHARD_GEN_TableCopy SHARD_GEN_NOTHING
#define SHARD_GEN_Memory SHARD_GEN_NOTHING
#define SHARD_GEN_MemoryInit SHARD_GEN_NOTHING
#define SHARD_GEN_MemoryCopy SHARD_GEN_NOTHING
#define SHARD_GEN_RefType SHARD_GEN_NOTHING
#define SHARD_GEN_SelectT SHARD_GEN_NOTHING
#define SHARD_GEN_I32 SHARD_GEN_NOTHING
#define SHARD_GEN_I64 SHARD_GEN_NOTHING
#define SHARD_GEN_F32 SHARD_GEN_NOTHING
#define SHARD_GEN_F64 SHARD_GEN_NOTHING
#define SHARD_GEN_V128 SHARD_GEN_NOTHING
#define SHARD_GEN_Shuffle SHARD_GEN_NOTHING
#define SHARD_GEN_Tag SHARD_GEN_NOTHING
#define SHARD_GEN_TryTable SHARD_GEN_NOTHING

namespace {

void add_frame(rt::Trap& trap, const FuncInst* f, const CompiledFunc* code, const Word* pc, bool ret_addr) {
  if (trap.backtrace.size() >= 512) return;  // enough to diagnose; deep recursion would be huge
  rt::Frame fr;
  fr.instance = f->instance;
  fr.func_index = f->index;
  if (f->instance != nullptr) fr.func_name = std::string(f->instance->module->func_name(f->index));
  fr.offset = code->offset_at(pc, ret_addr);
  trap.backtrace.push_back(std::move(fr));
}

/// The dispatch loop. `guarded`: it runs inside an activation (interp_guarded_entry), so
/// code of the kGuardPages variant may run inline and host calls mark the activation as
/// not in guest code.
TrapKind run(ExecContext* ctx, FuncInst* f, Slot* io, const void* const** table_out, bool guarded) {
  static const void* const kTable[] = {
#define WASM_OP(id, name, prefix, code, imm, aux, p0, p1, p2, r) SHARD_TBL_##imm(id, r)
#include "opcodes.def"
#undef WASM_OP
#define X(name) &&L_X_##name,
      SHARD_INTERP_FIXED_OPS(X)
#undef X
#define X(name) &&L_Imm_##name,
      SHARD_INTERP_IMM_OPS(X)
#undef X
#define X(name, neg) &&L_BrSS_##name,
      SHARD_INTERP_CMP_OPS(X)
#undef X
#define X(name, neg) &&L_BrSI_##name,
      SHARD_INTERP_CMP_OPS(X)
#undef X
#define WASM_OP(id, name, prefix, code, imm, ...) SHARD_INTERP_IF_MEMARG_##imm(&&L_MemN_##id,)
#include "opcodes.def"
#undef WASM_OP
#define WASM_OP(id, name, prefix, code, imm, ...) SHARD_INTERP_IF_MEMARG_##imm(&&L_G_##id,)
#include "opcodes.def"
#undef WASM_OP
  };
  static_assert(sizeof(kTable) / sizeof(kTable[0]) == kIOpCount);
  if (table_out != nullptr) {
    *table_out = kTable;
    return TrapKind::None;
  }

  const uint32_t entry_depth = ctx->depth;
  if (ctx->depth >= ctx->max_depth) return ctx->raise(TrapKind::CallStackExhausted);
  // Each activation of this loop uses host stack (host -> wasm -> host -> wasm ...); wasm
  // calls within it do not. The native stack limit (ExecContext::stack_limit) bounds them.
  if (reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < ctx->stack_limit) {
    return ctx->raise(TrapKind::CallStackExhausted);
  }
  CompiledFunc* code = ensure_compiled(ctx, f);
  if (code == nullptr) return ctx->trap.kind;
  // Call records grow down from the end of the value stack while frames grow up from `io`;
  // they never overlap, and frames can overlap each other (arguments are passed in place).
  auto* rp = reinterpret_cast<CallRecord*>(ctx->stack_end) - 1;
  if (io + code->frame_slots > reinterpret_cast<Slot*>(rp)) return ctx->raise(TrapKind::CallStackExhausted);
  *rp = CallRecord{nullptr, nullptr, nullptr, nullptr, f, nullptr};
  // Skip the call when there are no locals: glibc's memset costs ~100 ns even for 0 bytes
  // here (measured: 78% of an empty host -> wasm call, bench/RESULTS.md issue 15).
  if (code->nlocals > code->nparams) std::memset(io + code->nparams, 0, (code->nlocals - code->nparams) * sizeof(Slot));
  ++ctx->depth;

  const Word* pc = code->code.data();
  char* fp = reinterpret_cast<char*>(io);
  Instance* inst = f->instance;
  rt::MemoryInst* mem = nullptr;
  uint8_t* mbase = nullptr;
  uint64_t msize = 0;
  TrapKind tk = TrapKind::None;
  FuncInst* callee = nullptr;
  Slot* argp = nullptr;
  const Word* next_pc = nullptr;
  // The pc of the current unchecked access, in this frame (a store to the stack, cheaper than
  // one through ctx); volatile because the signal handler reads it.
  const Word* volatile guard_pc = nullptr;
  if (guarded) rt::current_activation()->guest_pc_slot = reinterpret_cast<const void* const volatile*>(&guard_pc);

#define RELOAD_MEM()                          \
  do {                                        \
    mem = inst->mem0;                         \
    mbase = mem != nullptr ? mem->base : nullptr; \
    msize = mem != nullptr ? mem->size : 0;   \
  } while (0)
#define NEXT() goto *pc->op
#define S(off) (fp + (off))
#define TRAP(kind)    \
  do {                \
    tk = (kind);      \
    goto trap;        \
  } while (0)

  RELOAD_MEM();
  NEXT();

  // ---- generated numeric, SIMD and lane handlers ----
#define WASM_OP(id, name, prefix, code, imm, aux, p0, p1, p2, r) SHARD_GEN_##imm(id, r)
#include "opcodes.def"
#undef WASM_OP

#define X(name)                                    \
  L_Imm_##name : {                                 \
    numeric_imm<Op::name>(SEM(name), fp, pc);      \
    pc += 3;                                       \
    NEXT();                                        \
  }
  SHARD_INTERP_IMM_OPS(X)
#undef X

  // Compare-and-branch: [op][rel|a][b|-] / [op][rel|a][imm]; rel counts from word 1.
#define X(name, neg)                                                          \
  L_BrSS_##name : {                                                           \
    if (compare<Op::name>(SEM(name), fp, pc, false)) pc += 1 + int32_t(pc[1].lo); \
    else pc += 3;                                                             \
    NEXT();                                                                   \
  }                                                                           \
  L_BrSI_##name : {                                                           \
    if (compare<Op::name>(SEM(name), fp, pc, true)) pc += 1 + int32_t(pc[1].lo);  \
    else pc += 3;                                                             \
    NEXT();                                                                   \
  }
  SHARD_INTERP_CMP_OPS(X)
#undef X

  // ---- memory (exec/instructions.rst: Memory Instructions). Effective address is
  // i32 + offset as a 65-bit-safe u64; alignment hints are ignored.
  //
  // Each access is written once, as a body over `mb`/`ms` (the memory's base and size), and
  // SHARD_MEM_ACCESSES lists them all. The list is expanded twice: here into L_<Op>, the
  // handlers for memory 0 (from the loop's cached mbase/msize), and near the end of the loop
  // into L_MemN_<Op> for other memories (multi-memory), which look their memory up in the
  // instance from the word after the access's own `words` words. Keeping those apart keeps
  // memory 0's handlers as close together as before.
#define EA(slot, N)                                                  \
  uint64_t ea = uint64_t(rd<uint32_t>(S(slot))) + pc[2].u64;         \
  if (ea + (N) > ms) TRAP(TrapKind::OutOfBoundsMemory)
  // Loads: [op][dst|addr][offset]; stores: [op][addr|val][offset].
#define LOAD(T, M) EA(pc[1].hi, sizeof(M)); wr<T>(S(pc[1].lo), static_cast<T>(rd<M>(mb + ea)));
#define STORE(T, M) EA(pc[1].lo, sizeof(M)); wr<M>(mb + ea, static_cast<M>(rd<T>(S(pc[1].hi))));
#define VLOAD(N, expr) EA(pc[1].hi, N); const uint8_t* p = mb + ea; wr<V128>(S(pc[1].lo), expr);
  // Lane loads: [op][dst|addr][offset][vec|lane]; lane stores: [op][addr|vec][offset][lane|-].
  // The lane shaping is sem:: (runtime/simd.h), shared with every tier.
#define VLOAD_LANE(T, shape)                                                                      \
  EA(pc[1].hi, sizeof(T));                                                                        \
  wr<V128>(S(pc[1].lo), sem::shape(rd<V128>(S(pc[3].lo)), rd<T>(mb + ea), static_cast<uint8_t>(pc[3].hi)));
#define VSTORE_LANE(T, shape) \
  EA(pc[1].lo, sizeof(T));    \
  wr<T>(mb + ea, sem::shape(rd<V128>(S(pc[1].hi)), static_cast<uint8_t>(pc[3].lo)));
#define SHARD_MEM_ACCESSES(M)                                             \
  M(I32Load, 3, LOAD(uint32_t, uint32_t))                                 \
  M(I64Load, 3, LOAD(uint64_t, uint64_t))                                 \
  M(F32Load, 3, LOAD(float, float))                                       \
  M(F64Load, 3, LOAD(double, double))                                     \
  M(I32Load8S, 3, LOAD(uint32_t, int8_t))                                 \
  M(I32Load8U, 3, LOAD(uint32_t, uint8_t))                                \
  M(I32Load16S, 3, LOAD(uint32_t, int16_t))                               \
  M(I32Load16U, 3, LOAD(uint32_t, uint16_t))                              \
  M(I64Load8S, 3, LOAD(uint64_t, int8_t))                                 \
  M(I64Load8U, 3, LOAD(uint64_t, uint8_t))                                \
  M(I64Load16S, 3, LOAD(uint64_t, int16_t))                               \
  M(I64Load16U, 3, LOAD(uint64_t, uint16_t))                              \
  M(I64Load32S, 3, LOAD(uint64_t, int32_t))                               \
  M(I64Load32U, 3, LOAD(uint64_t, uint32_t))                              \
  M(V128Load, 3, LOAD(V128, V128))                                        \
  M(I32Store, 3, STORE(uint32_t, uint32_t))                               \
  M(I64Store, 3, STORE(uint64_t, uint64_t))                               \
  M(F32Store, 3, STORE(float, float))                                     \
  M(F64Store, 3, STORE(double, double))                                   \
  M(I32Store8, 3, STORE(uint32_t, uint8_t))                               \
  M(I32Store16, 3, STORE(uint32_t, uint16_t))                             \
  M(I64Store8, 3, STORE(uint64_t, uint8_t))                               \
  M(I64Store16, 3, STORE(uint64_t, uint16_t))                             \
  M(I64Store32, 3, STORE(uint64_t, uint32_t))                             \
  M(V128Store, 3, STORE(V128, V128))                                      \
  M(V128Load8x8S, 3, VLOAD(8, sem::extend_load_8x8_s(rd<uint64_t>(p))))   \
  M(V128Load8x8U, 3, VLOAD(8, sem::extend_load_8x8_u(rd<uint64_t>(p))))   \
  M(V128Load16x4S, 3, VLOAD(8, sem::extend_load_16x4_s(rd<uint64_t>(p)))) \
  M(V128Load16x4U, 3, VLOAD(8, sem::extend_load_16x4_u(rd<uint64_t>(p)))) \
  M(V128Load32x2S, 3, VLOAD(8, sem::extend_load_32x2_s(rd<uint64_t>(p)))) \
  M(V128Load32x2U, 3, VLOAD(8, sem::extend_load_32x2_u(rd<uint64_t>(p)))) \
  M(V128Load8Splat, 3, VLOAD(1, sem::load_splat_8(rd<uint8_t>(p))))       \
  M(V128Load16Splat, 3, VLOAD(2, sem::load_splat_16(rd<uint16_t>(p))))    \
  M(V128Load32Splat, 3, VLOAD(4, sem::load_splat_32(rd<uint32_t>(p))))    \
  M(V128Load64Splat, 3, VLOAD(8, sem::load_splat_64(rd<uint64_t>(p))))    \
  M(V128Load32Zero, 3, VLOAD(4, sem::load_zero_32(rd<uint32_t>(p))))      \
  M(V128Load64Zero, 3, VLOAD(8, sem::load_zero_64(rd<uint64_t>(p))))      \
  M(V128Load8Lane, 4, VLOAD_LANE(uint8_t, load_lane_8))                   \
  M(V128Load16Lane, 4, VLOAD_LANE(uint16_t, load_lane_16))                \
  M(V128Load32Lane, 4, VLOAD_LANE(uint32_t, load_lane_32))                \
  M(V128Load64Lane, 4, VLOAD_LANE(uint64_t, load_lane_64))                \
  M(V128Store8Lane, 4, VSTORE_LANE(uint8_t, store_lane_8))                \
  M(V128Store16Lane, 4, VSTORE_LANE(uint16_t, store_lane_16))             \
  M(V128Store32Lane, 4, VSTORE_LANE(uint32_t, store_lane_32))             \
  M(V128Store64Lane, 4, VSTORE_LANE(uint64_t, store_lane_64))
#define MEM0_HANDLER(id, words, ...) \
  L_##id : {                         \
    uint8_t* const mb = mbase;       \
    const uint64_t ms = msize;       \
    __VA_ARGS__                      \
    pc += (words);                   \
    NEXT();                          \
  }
  SHARD_MEM_ACCESSES(MEM0_HANDLER)
#undef MEM0_HANDLER

  // Bulk memory: [op][a|b][c|-][x|y] with the memory (and data) indices in the last word.
  // The plain forms work on memory 0 through mbase/msize, the N forms look memories up.
  // Bounds are checked before any write.
#define MEMORY_FILL(BASE, SIZE)                                                      \
  uint64_t d = rd<uint32_t>(S(pc[1].lo)), n = rd<uint32_t>(S(pc[2].lo));             \
  if (d + n > (SIZE)) TRAP(TrapKind::OutOfBoundsMemory);                             \
  if (n != 0) std::memset((BASE) + d, static_cast<uint8_t>(rd<uint32_t>(S(pc[1].hi))), n)
#define MEMORY_COPY(DBASE, DSIZE, SBASE, SSIZE)                                                          \
  uint64_t d = rd<uint32_t>(S(pc[1].lo)), s = rd<uint32_t>(S(pc[1].hi)), n = rd<uint32_t>(S(pc[2].lo)); \
  if (d + n > (DSIZE) || s + n > (SSIZE)) TRAP(TrapKind::OutOfBoundsMemory);                             \
  if (n != 0) std::memmove((DBASE) + d, (SBASE) + s, n)
#define MEMORY_INIT(BASE, SIZE)                                                                          \
  uint64_t d = rd<uint32_t>(S(pc[1].lo)), s = rd<uint32_t>(S(pc[1].hi)), n = rd<uint32_t>(S(pc[2].lo)); \
  const rt::DataInst* seg = inst->datas[pc[3].lo];                                                       \
  if (s + n > seg->size || d + n > (SIZE)) TRAP(TrapKind::OutOfBoundsMemory);                            \
  if (n != 0) std::memcpy((BASE) + d, seg->bytes + s, n)

L_X_MemorySize:
  wr<uint32_t>(S(pc[1].lo), static_cast<uint32_t>(msize >> 16));
  pc += 2;
  NEXT();
L_X_MemorySizeN:
  wr<uint32_t>(S(pc[1].lo), static_cast<uint32_t>(inst->memories[pc[1].hi]->pages()));
  pc += 2;
  NEXT();
L_X_MemoryGrow:
  // exec/instructions.rst: memory.grow — old size in pages, or -1; the base never moves.
  wr<uint32_t>(S(pc[1].lo), mem->grow(rd<uint32_t>(S(pc[1].hi))));
  RELOAD_MEM();
  pc += 2;
  NEXT();
L_X_MemoryGrowN:
  // [op][dst|delta][memidx|-]. Memory N may be memory 0 too (one memory imported twice).
  wr<uint32_t>(S(pc[1].lo), inst->memories[pc[2].lo]->grow(rd<uint32_t>(S(pc[1].hi))));
  RELOAD_MEM();
  pc += 3;
  NEXT();
L_X_MemoryFill: {
  MEMORY_FILL(mbase, msize);
  pc += 4;
  NEXT();
}
L_X_MemoryFillN: {
  const rt::MemoryInst* m = inst->memories[pc[3].lo];
  MEMORY_FILL(m->base, m->size);
  pc += 4;
  NEXT();
}
L_X_MemoryCopy: {
  MEMORY_COPY(mbase, msize, mbase, msize);
  pc += 4;
  NEXT();
}
L_X_MemoryCopyN: {
  // [..][dst memidx|src memidx]; memmove also serves distinct memories.
  const rt::MemoryInst* dm = inst->memories[pc[3].lo];
  const rt::MemoryInst* sm = inst->memories[pc[3].hi];
  MEMORY_COPY(dm->base, dm->size, sm->base, sm->size);
  pc += 4;
  NEXT();
}
L_X_MemoryInit: {
  MEMORY_INIT(mbase, msize);
  pc += 4;
  NEXT();
}
L_X_MemoryInitN: {
  // [..][dataidx|memidx]
  const rt::MemoryInst* m = inst->memories[pc[3].hi];
  MEMORY_INIT(m->base, m->size);
  pc += 4;
  NEXT();
}
#undef MEMORY_FILL
#undef MEMORY_COPY
#undef MEMORY_INIT
L_X_DataDrop:
  inst->datas[pc[1].lo]->size = 0;
  pc += 2;
  NEXT();

  // ---- tables (exec/instructions.rst: Table Instructions) ----
L_X_TableGet: {
  rt::TableInst* t = inst->tables[pc[2].lo];
  uint32_t i = rd<uint32_t>(S(pc[1].hi));
  if (i >= t->size) TRAP(TrapKind::OutOfBoundsTable);
  wr<void*>(S(pc[1].lo), t->elements[i]);
  pc += 3;
  NEXT();
}
L_X_TableSet: {
  rt::TableInst* t = inst->tables[pc[2].lo];
  uint32_t i = rd<uint32_t>(S(pc[1].lo));
  if (i >= t->size) TRAP(TrapKind::OutOfBoundsTable);
  t->elements[i] = rd<void*>(S(pc[1].hi));
  pc += 3;
  NEXT();
}
L_X_TableSize:
  wr<uint32_t>(S(pc[1].lo), static_cast<uint32_t>(inst->tables[pc[1].hi]->size));
  pc += 2;
  NEXT();
L_X_TableGrow: {
  // [op][dst|init][n|table]
  rt::TableInst* t = inst->tables[pc[2].hi];
  uint32_t r = t->grow(rd<uint32_t>(S(pc[2].lo)), rd<void*>(S(pc[1].hi)));
  wr<uint32_t>(S(pc[1].lo), r);
  pc += 3;
  NEXT();
}
L_X_TableFill: {
  rt::TableInst* t = inst->tables[pc[3].lo];
  uint64_t i = rd<uint32_t>(S(pc[1].lo)), n = rd<uint32_t>(S(pc[2].lo));
  void* v = rd<void*>(S(pc[1].hi));
  if (i + n > t->size) TRAP(TrapKind::OutOfBoundsTable);
  for (uint64_t k = 0; k < n; ++k) t->elements[i + k] = v;
  pc += 4;
  NEXT();
}
L_X_TableCopy: {
  rt::TableInst* dt = inst->tables[pc[3].lo];
  rt::TableInst* st = inst->tables[pc[3].hi];
  uint64_t d = rd<uint32_t>(S(pc[1].lo)), s = rd<uint32_t>(S(pc[1].hi)), n = rd<uint32_t>(S(pc[2].lo));
  if (d + n > dt->size || s + n > st->size) TRAP(TrapKind::OutOfBoundsTable);
  if (n != 0) std::memmove(dt->elements + d, st->elements + s, n * sizeof(void*));
  pc += 4;
  NEXT();
}
L_X_TableInit: {
  const rt::ElemInst* seg = inst->elems[pc[3].lo];
  rt::TableInst* t = inst->tables[pc[3].hi];
  uint64_t d = rd<uint32_t>(S(pc[1].lo)), s = rd<uint32_t>(S(pc[1].hi)), n = rd<uint32_t>(S(pc[2].lo));
  if (s + n > seg->refs.size() || d + n > t->size) TRAP(TrapKind::OutOfBoundsTable);
  if (n != 0) std::memcpy(t->elements + d, seg->refs.data() + s, n * sizeof(void*));
  pc += 4;
  NEXT();
}
L_X_ElemDrop:
  inst->elems[pc[1].lo]->refs.clear();
  pc += 2;
  NEXT();

  // ---- variables, references, parametric ----
L_X_Copy:
  std::memcpy(S(pc[1].lo), S(pc[1].hi), sizeof(Slot));
  pc += 2;
  NEXT();
L_X_Const64:
  wr<uint64_t>(S(pc[1].lo), pc[2].u64);
  pc += 3;
  NEXT();
L_X_ConstV:
  std::memcpy(S(pc[1].lo), &pc[2], 16);
  pc += 4;
  NEXT();
L_X_GlobalGet:
  std::memcpy(S(pc[1].lo), &inst->globals[pc[1].hi]->value, sizeof(Slot));
  pc += 2;
  NEXT();
L_X_GlobalSet:
  std::memcpy(&inst->globals[pc[1].hi]->value, S(pc[1].lo), sizeof(Slot));
  pc += 2;
  NEXT();
L_X_RefFunc:
  wr<void*>(S(pc[1].lo), inst->funcs[pc[1].hi]);
  pc += 2;
  NEXT();
L_X_RefIsNull:
  wr<uint32_t>(S(pc[1].lo), rd<void*>(S(pc[1].hi)) == nullptr ? 1u : 0u);
  pc += 2;
  NEXT();
L_X_Select: {
  // [op][dst|cond][a|b]
  uint32_t src = rd<uint32_t>(S(pc[1].hi)) != 0 ? pc[2].lo : pc[2].hi;
  std::memmove(S(pc[1].lo), S(src), sizeof(Slot));
  pc += 3;
  NEXT();
}
L_X_I8x16Shuffle: {
  V128 r = sem::I8x16Shuffle(rd<V128>(S(pc[1].hi)), rd<V128>(S(pc[2].lo)), reinterpret_cast<const uint8_t*>(&pc[3]));
  wr<V128>(S(pc[1].lo), r);
  pc += 5;
  NEXT();
}

  // ---- control ----
L_X_Br:
  pc += 1 + int32_t(pc[1].lo);
  NEXT();
L_X_BrIfNz:
  if (rd<uint32_t>(S(pc[1].hi)) != 0) pc += 1 + int32_t(pc[1].lo);
  else pc += 2;
  NEXT();
L_X_BrIfZ:
  if (rd<uint32_t>(S(pc[1].hi)) == 0) pc += 1 + int32_t(pc[1].lo);
  else pc += 2;
  NEXT();
L_X_BrTable: {
  // [op][idx|max][rel_0]..[rel_max]; an index past the end takes the default (last) entry.
  uint32_t i = rd<uint32_t>(S(pc[1].lo));
  uint32_t max = pc[1].hi;
  if (i > max) i = max;
  pc += 2 + i;
  pc += int32_t(pc->lo);
  NEXT();
}
L_X_TrapUnreachable:
  TRAP(TrapKind::Unreachable);

  // ---- interruption (metered code only: function entries and loop starts; runtime.h) ----
#define FUEL_CHECK()                                 \
  if (ctx->fuel == 0) TRAP(TrapKind::OutOfFuel);     \
  --ctx->fuel
#define EPOCH_CHECK()                                                          \
  if (ctx->epoch->load(std::memory_order_relaxed) >= ctx->epoch_deadline) {    \
    tk = rt::epoch_deadline_reached(ctx);                                      \
    if (tk != TrapKind::None) goto unwind;                                     \
  }
L_X_Fuel:
  FUEL_CHECK();
  pc += 1;
  NEXT();
L_X_Epoch:
  EPOCH_CHECK();
  pc += 1;
  NEXT();
L_X_FuelEpoch:
  FUEL_CHECK();
  EPOCH_CHECK();
  pc += 1;
  NEXT();
#undef FUEL_CHECK
#undef EPOCH_CHECK
L_X_Throw:
  // exec/instructions.rst: throw — [op][tag|args]
  ctx->exception = ctx->store->alloc_exn(inst->tag_vec[pc[1].lo], reinterpret_cast<const Slot*>(fp + pc[1].hi),
                                         /*exposed=*/false);
  goto throw_exn;
L_X_ThrowRef: {
  // exec/instructions.rst: throw_ref — [op][exnref|-]
  auto* exn = static_cast<rt::ExnInst*>(rd<void*>(S(pc[1].lo)));
  if (exn == nullptr) {
    ctx->raise(TrapKind::NullReference, "null exception reference");
    tk = TrapKind::NullReference;
    goto unwind;
  }
  ctx->exception = exn;
  goto throw_exn;
}
L_X_Invalid:
  ctx->raise(TrapKind::HostError, "interpreter: invalid instruction");
  tk = TrapKind::HostError;
  goto unwind;

L_X_Call:
  callee = inst->funcs[pc[1].lo];
  argp = reinterpret_cast<Slot*>(fp + pc[1].hi);
  next_pc = pc + 2;
  goto do_call;
L_X_CallIndirect: {
  // exec/instructions.rst: call_indirect — [op][type|table][idx|args]
  rt::TableInst* t = inst->tables[pc[1].hi];
  uint32_t i = rd<uint32_t>(S(pc[2].lo));
  if (i >= t->size) TRAP(TrapKind::UndefinedElement);
  callee = static_cast<FuncInst*>(t->elements[i]);
  if (callee == nullptr) {
    // The reference interpreter names the element ("uninitialized element 2"); so do we.
    ctx->raise(TrapKind::UninitializedElement, fmt::format("uninitialized element {}", i));
    tk = TrapKind::UninitializedElement;
    goto unwind;
  }
  if (callee->type_id != inst->type_ids[pc[1].lo]) TRAP(TrapKind::IndirectCallTypeMismatch);
  argp = reinterpret_cast<Slot*>(fp + pc[2].hi);
  next_pc = pc + 3;
  goto do_call;
}
do_call:
  if (callee->entry == &interp_entry || (guarded && callee->entry == &interp_guarded_entry)) {
    if (ctx->depth >= ctx->max_depth) TRAP(TrapKind::CallStackExhausted);
    auto* cc = static_cast<CompiledFunc*>(callee->code->load(std::memory_order_acquire));
    if (cc == nullptr) {
      cc = ensure_compiled(ctx, callee);
      if (cc == nullptr) {
        tk = ctx->trap.kind;
        goto unwind;
      }
    }
    if (argp + cc->frame_slots > reinterpret_cast<Slot*>(rp - 1)) TRAP(TrapKind::CallStackExhausted);
    *--rp = CallRecord{next_pc, reinterpret_cast<Slot*>(fp), f, code, callee, nullptr};
    if (cc->nlocals > cc->nparams) std::memset(argp + cc->nparams, 0, (cc->nlocals - cc->nparams) * sizeof(Slot));
    ++ctx->depth;
    fp = reinterpret_cast<char*>(argp);
    f = callee;
    code = cc;
    if (callee->instance != inst) {
      inst = callee->instance;
      RELOAD_MEM();
    }
    pc = cc->code.data();
    NEXT();
  } else {
    // Host function or another tier: the rt calling convention, same argument slots.
    // The callee may use the stack between our frames and our call records.
    Slot* saved_top = ctx->stack_top;
    Slot* saved_end = ctx->stack_end;
    ctx->stack_top = argp + std::max(callee->nparams, callee->nresults);
    ctx->stack_end = reinterpret_cast<Slot*>(rp);
    ctx->caller = inst;
    // A fault in the host function is not a guest trap (signals.h).
    rt::Activation* act = guarded ? rt::current_activation() : nullptr;
    if (act != nullptr) act->in_guest = false;
    TrapKind k = callee->entry(ctx, callee, argp);
    if (act != nullptr) act->in_guest = true;
    ctx->stack_top = saved_top;
    ctx->stack_end = saved_end;
    if (k != TrapKind::None) {
      if (k == TrapKind::Exception) goto throw_exn;  // thrown by (or through) the host
      tk = k;
      goto unwind;
    }
    RELOAD_MEM();
    pc = next_pc;
    NEXT();
  }
L_X_Ret: {
  CallRecord* rec = rp++;
  --ctx->depth;
  if (rec->pc == nullptr) return TrapKind::None;
  pc = rec->pc;
  fp = reinterpret_cast<char*>(rec->fp);
  f = rec->func;
  code = rec->code;
  if (f->instance != inst) {
    inst = f->instance;
    RELOAD_MEM();
  } else {
    msize = mem != nullptr ? mem->size : 0;
  }
  NEXT();
}

  // ---- loads and stores on memories other than 0 (see SHARD_MEM_ACCESSES above) ----
#define MEMN_HANDLER(id, words, ...)                           \
  L_MemN_##id : {                                              \
    const rt::MemoryInst* mn = inst->memories[pc[words].lo];   \
    uint8_t* const mb = mn->base;                              \
    const uint64_t ms = mn->size;                              \
    __VA_ARGS__                                                \
    pc += (words) + 1;                                         \
    NEXT();                                                    \
  }
  SHARD_MEM_ACCESSES(MEMN_HANDLER)
#undef MEMN_HANDLER

  // ---- memory-0 loads and stores without a bounds check (code variant kGuardPages) ----
  // Memory 0 reserves every address i32 + u32 offset + 16 can form (rt::kFullReservation),
  // so an access past its size hits PROT_NONE pages; the signal handler turns that into the
  // trap and resumes interp_guarded_entry, which finds this instruction from guard_pc (the
  // handler copies it out of this frame: Activation::guest_pc_slot). The signal fence keeps
  // the compiler from moving the store of pc below the access.
#undef EA
#define EA(slot, N)                                            \
  uint64_t ea = uint64_t(rd<uint32_t>(S(slot))) + pc[2].u64;   \
  guard_pc = pc;                                               \
  std::atomic_signal_fence(std::memory_order_seq_cst)
#define GUARD_HANDLER(id, words, ...) \
  L_G_##id : {                        \
    uint8_t* const mb = mbase;        \
    __VA_ARGS__                       \
    pc += (words);                    \
    NEXT();                           \
  }
  SHARD_MEM_ACCESSES(GUARD_HANDLER)
#undef GUARD_HANDLER
#undef SHARD_MEM_ACCESSES
#undef EA
#undef LOAD
#undef STORE
#undef VLOAD
#undef VLOAD_LANE
#undef VSTORE_LANE

  // ---- exception handling (exec/instructions.rst: throw_ref, the unwinding of a throw) ----
  // ctx->exception is in flight from the instruction at pc (a throw, or a call the exception
  // came out of). Find the innermost try_table covering it with a matching clause, in this
  // frame, then in each caller at its call; entered only when something is thrown, so the
  // other handlers pay nothing for it.
throw_exn: {
  rt::ExnInst* exn = ctx->exception;
  bool ret_addr = false;
  for (;;) {
    auto idx = static_cast<uint32_t>(pc - code->code.data()) - (ret_addr ? 1u : 0u);
    for (size_t r = code->tries.size(); r-- > 0;) {
      const TryRegion& tr = code->tries[r];
      if (idx < tr.start || idx >= tr.end) continue;
      for (uint32_t c = tr.first; c < tr.first + tr.count; ++c) {
        const CatchPad& cp = code->catches[c];
        bool tagged = cp.kind == CatchKind::Catch || cp.kind == CatchKind::CatchRef;
        if (tagged && inst->tag_vec[cp.tag] != exn->tag) continue;
        auto* dst = reinterpret_cast<Slot*>(fp + cp.dst);
        size_t n = 0;
        if (tagged) {
          n = exn->fields.size();
          if (n != 0) std::memcpy(static_cast<void*>(dst), exn->fields.data(), n * sizeof(Slot));
        }
        if (cp.kind == CatchKind::CatchRef || cp.kind == CatchKind::CatchAllRef) {
          dst[n] = Slot{};
          dst[n].ref = exn;
          exn->exposed = true;
        } else if (!exn->exposed) {
          ctx->store->recycle_exn(exn);  // consumed, and wasm never saw it as a reference
        }
        ctx->exception = nullptr;
        pc = code->code.data() + cp.pad;
        RELOAD_MEM();
        NEXT();
      }
    }
    if (rp->pc == nullptr) break;  // the entry frame of this activation: not caught here
    CallRecord* rec = rp++;
    --ctx->depth;
    pc = rec->pc;
    fp = reinterpret_cast<char*>(rec->fp);
    f = rec->func;
    code = rec->code;
    inst = f->instance;
    ret_addr = true;
  }
  ctx->raise(TrapKind::Exception);
  tk = TrapKind::Exception;
  add_frame(ctx->trap, f, code, pc, ret_addr);
  ctx->depth = entry_depth;
  return tk;
}

trap:
  ctx->raise(tk);
unwind: {
  // Backtrace: this frame at the faulting instruction, then every caller at its call.
  add_frame(ctx->trap, f, code, pc, false);
  for (CallRecord* rec = rp; rec->pc != nullptr; ++rec) add_frame(ctx->trap, rec->func, rec->code, rec->pc, true);
  ctx->depth = entry_depth;
  return tk;
}
#undef RELOAD_MEM
#undef NEXT
#undef S
#undef TRAP
}

}  // namespace

size_t CompiledFunc::offset_at(const Word* pc, bool is_return_address) const {
  auto idx = static_cast<uint32_t>(pc - code.data());
  if (is_return_address && idx > 0) --idx;
  // The last entry whose word index is <= idx.
  size_t lo = 0, hi = offsets.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (offsets[mid].first <= idx) lo = mid + 1;
    else hi = mid;
  }
  return lo == 0 ? SIZE_MAX : offsets[lo - 1].second;
}

const void* const* handler_table() {
  static const void* const* table = [] {
    const void* const* t = nullptr;
    run(nullptr, nullptr, nullptr, &t, false);
    return t;
  }();
  return table;
}

TrapKind interp_entry(ExecContext* ctx, FuncInst* f, Slot* io) { return run(ctx, f, io, nullptr, false); }

namespace {

/// After a guard-page fault: the trap and its backtrace, from what the loop left in memory.
/// The newest call record is `depth - entry_depth - 1` records below the activation's entry
/// record (every call pushes one and increments depth, every return pops one and
/// decrements it); its callee is the faulting function, and act.guest_pc the faulting
/// instruction (the handler copied it out of the loop's frame). The frames are the same as
/// the software check's trap path builds.
TrapKind guard_fault_trap(ExecContext* ctx, const rt::Activation& act, uint32_t entry_depth, Slot* entry_end) {
  const TrapKind kind = act.trap;
  ctx->raise(kind);
  auto* rp = reinterpret_cast<CallRecord*>(entry_end) - 1 - (ctx->depth - entry_depth - 1);
  FuncInst* f = rp->callee;
  auto* code = static_cast<CompiledFunc*>(f->code->load(std::memory_order_acquire));
  add_frame(ctx->trap, f, code, static_cast<const Word*>(act.guest_pc), false);
  for (CallRecord* rec = rp; rec->pc != nullptr; ++rec) add_frame(ctx->trap, rec->func, rec->code, rec->pc, true);
  ctx->depth = entry_depth;
  return kind;
}

}  // namespace

TrapKind interp_guarded_entry(ExecContext* ctx, FuncInst* f, Slot* io) {
  // sigsetjmp here, in a small frame of its own, not in run(): a function that calls setjmp
  // loses its register allocation across the call.
  rt::Activation act;
  act.memory_faults_anywhere = true;  // the loads and stores are run()'s C++ code
  rt::ActivationScope scope(act, ctx);
  const uint32_t entry_depth = ctx->depth;
  Slot* const entry_end = ctx->stack_end;
  Slot* const entry_top = ctx->stack_top;
  if (sigsetjmp(act.resume, 0) != 0) {
    ctx->stack_top = entry_top;
    ctx->stack_end = entry_end;
    return guard_fault_trap(ctx, act, entry_depth, entry_end);
  }
  act.in_guest = true;
  TrapKind k = run(ctx, f, io, nullptr, true);
  act.in_guest = false;
  return k;
}

}  // namespace shard::interp
