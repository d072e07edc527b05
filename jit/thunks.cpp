#include "jit/thunks.h"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <type_traits>

#include "runtime/numerics.h"
#include "runtime/simd.h"
#include "valid/visitor.h"

namespace shard::jit {

using rt::Slot;

namespace {

template <class T>
T rd(const Slot& s) {
  T v;
  std::memcpy(&v, &s, sizeof(T));
  return v;
}
template <class T>
void wr(Slot& s, T v) {
  std::memcpy(&s, &v, sizeof(T));
}

#define SHARD_SEM(id) [](auto&&... a) -> decltype(sem::id(std::forward<decltype(a)>(a)...)) { \
  return sem::id(std::forward<decltype(a)>(a)...);                                              \
}

/// Calls sem::<op> on the slots: plain (r = f(a, b, c)), trapping (k = f(a, b, out)) and
/// lane (r = f(a, [b,] lane)) forms, told apart by the table row and the callable.
template <Op op, class F>
TrapKind run_slots(F f, Slot* s, uint32_t imm) {
  constexpr OpInfo oi = kOpInfo[static_cast<size_t>(op)];
  using R = sem::CType<oi.result>;
  using A = sem::CType<oi.params[0]>;
  const A a = rd<A>(s[0]);
  if constexpr (oi.imm == Imm::Lane) {
    auto lane = static_cast<uint8_t>(imm);
    if constexpr (oi.params[1] == OpType::None) wr<R>(s[0], f(a, lane));
    else wr<R>(s[0], f(a, rd<sem::CType<oi.params[1]>>(s[1]), lane));
    return TrapKind::None;
  } else if constexpr (oi.params[1] == OpType::None) {
    if constexpr (std::is_invocable_v<F, A>) {
      wr<R>(s[0], f(a));
      return TrapKind::None;
    } else {
      R out{};
      TrapKind k = f(a, out);
      if (k == TrapKind::None) wr<R>(s[0], out);
      return k;
    }
  } else if constexpr (oi.params[2] == OpType::None) {
    using B = sem::CType<oi.params[1]>;
    const B b = rd<B>(s[1]);
    if constexpr (std::is_invocable_v<F, A, B>) {
      wr<R>(s[0], f(a, b));
      return TrapKind::None;
    } else {
      R out{};
      TrapKind k = f(a, b, out);
      if (k == TrapKind::None) wr<R>(s[0], out);
      return k;
    }
  } else {
    wr<R>(s[0], f(a, rd<sem::CType<oi.params[1]>>(s[1]), rd<sem::CType<oi.params[2]>>(s[2])));
    return TrapKind::None;
  }
}

// Rows of opcodes.def that get a thunk: value-producing instructions without immediates
// (numeric and SIMD) and lane instructions.
#define SHARD_THUNK_R_I32(id) t[static_cast<size_t>(Op::id)] = [](Slot* s, uint32_t i) { return run_slots<Op::id>(SHARD_SEM(id), s, i); };
#define SHARD_THUNK_R_I64 SHARD_THUNK_R_I32
#define SHARD_THUNK_R_F32 SHARD_THUNK_R_I32
#define SHARD_THUNK_R_F64 SHARD_THUNK_R_I32
#define SHARD_THUNK_R_V128 SHARD_THUNK_R_I32
#define SHARD_THUNK_R_None(id)
#define SHARD_THUNK_R_Special(id)
#define SHARD_THUNK_None(id, r) SHARD_THUNK_R_##r(id)
#define SHARD_THUNK_Lane(id, r) SHARD_THUNK_R_##r(id)

const std::array<SlotThunk, kOpCount> kThunks = [] {
  std::array<SlotThunk, kOpCount> t{};
#define WASM_OP(id, name, prefix, code, imm, aux, p0, p1, p2, r) SHARD_THUNK_IF_##imm(id, r)
#define SHARD_THUNK_IF_None(id, r) SHARD_THUNK_None(id, r)
#define SHARD_THUNK_IF_Lane(id, r) SHARD_THUNK_Lane(id, r)
#define SHARD_THUNK_SKIP(id, r)
#define SHARD_THUNK_IF_Block SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_Label SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_BrTable SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_Func SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_CallIndirect SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_Local SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_Global SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_Table SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_Elem SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_Data SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_TableInit SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_TableCopy SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_Memory SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_MemoryInit SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_MemoryCopy SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_RefType SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_SelectT SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_I32 SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_I64 SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_F32 SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_F64 SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_V128 SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_Shuffle SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_Tag SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_TryTable SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_MemArg SHARD_THUNK_SKIP
#define SHARD_THUNK_IF_MemArgLane SHARD_THUNK_SKIP
#include "opcodes.def"
#undef WASM_OP
  return t;
}();

// ---- runtime helpers (exec/instructions.rst; the same checks as the interpreter's handlers) --

TrapKind memory_grow(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t mem, uint32_t, uint32_t) {
  wr<uint32_t>(s[0], inst->memories[mem]->grow(rd<uint32_t>(s[0])));
  return TrapKind::None;
}

TrapKind memory_size(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t mem, uint32_t, uint32_t) {
  s[0] = Slot{};
  s[0].i32 = static_cast<uint32_t>(inst->memories[mem]->pages());
  return TrapKind::None;
}

TrapKind memory_fill(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t mem, uint32_t, uint32_t) {
  rt::MemoryInst* m = inst->memories[mem];
  uint64_t d = rd<uint32_t>(s[0]), n = rd<uint32_t>(s[2]);
  if (!m->in_bounds(d, n)) return TrapKind::OutOfBoundsMemory;
  if (n != 0) std::memset(m->base + d, static_cast<uint8_t>(rd<uint32_t>(s[1])), n);
  return TrapKind::None;
}

TrapKind memory_copy(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t dmem, uint32_t smem, uint32_t) {
  rt::MemoryInst* dm = inst->memories[dmem];
  rt::MemoryInst* sm = inst->memories[smem];
  uint64_t d = rd<uint32_t>(s[0]), src = rd<uint32_t>(s[1]), n = rd<uint32_t>(s[2]);
  if (!dm->in_bounds(d, n) || !sm->in_bounds(src, n)) return TrapKind::OutOfBoundsMemory;
  if (n != 0) std::memmove(dm->base + d, sm->base + src, n);
  return TrapKind::None;
}

TrapKind memory_init(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t data, uint32_t mem, uint32_t) {
  rt::MemoryInst* m = inst->memories[mem];
  const rt::DataInst* seg = inst->datas[data];
  uint64_t d = rd<uint32_t>(s[0]), src = rd<uint32_t>(s[1]), n = rd<uint32_t>(s[2]);
  if (src + n > seg->size || !m->in_bounds(d, n)) return TrapKind::OutOfBoundsMemory;
  if (n != 0) std::memcpy(m->base + d, seg->bytes + src, n);
  return TrapKind::None;
}

TrapKind data_drop(rt::ExecContext*, rt::Instance* inst, Slot*, uint32_t data, uint32_t, uint32_t) {
  inst->datas[data]->size = 0;
  return TrapKind::None;
}

TrapKind elem_drop(rt::ExecContext*, rt::Instance* inst, Slot*, uint32_t elem, uint32_t, uint32_t) {
  inst->elems[elem]->refs.clear();
  return TrapKind::None;
}

TrapKind table_get(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t table, uint32_t, uint32_t) {
  rt::TableInst* t = inst->tables[table];
  uint32_t i = rd<uint32_t>(s[0]);
  if (i >= t->size) return TrapKind::OutOfBoundsTable;
  s[0] = Slot{};
  s[0].ref = t->elements[i];
  return TrapKind::None;
}

TrapKind table_set(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t table, uint32_t, uint32_t) {
  rt::TableInst* t = inst->tables[table];
  uint32_t i = rd<uint32_t>(s[0]);
  if (i >= t->size) return TrapKind::OutOfBoundsTable;
  t->elements[i] = s[1].ref;
  return TrapKind::None;
}

TrapKind table_size(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t table, uint32_t, uint32_t) {
  s[0] = Slot{};
  s[0].i32 = static_cast<uint32_t>(inst->tables[table]->size);
  return TrapKind::None;
}

TrapKind table_grow(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t table, uint32_t, uint32_t) {
  uint32_t r = inst->tables[table]->grow(rd<uint32_t>(s[1]), s[0].ref);
  s[0] = Slot{};
  s[0].i32 = r;
  return TrapKind::None;
}

TrapKind table_fill(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t table, uint32_t, uint32_t) {
  rt::TableInst* t = inst->tables[table];
  uint64_t i = rd<uint32_t>(s[0]), n = rd<uint32_t>(s[2]);
  if (!t->in_bounds(i, n)) return TrapKind::OutOfBoundsTable;
  for (uint64_t k = 0; k < n; ++k) t->elements[i + k] = s[1].ref;
  return TrapKind::None;
}

TrapKind table_copy(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t dst, uint32_t src, uint32_t) {
  rt::TableInst* dt = inst->tables[dst];
  rt::TableInst* st = inst->tables[src];
  uint64_t d = rd<uint32_t>(s[0]), si = rd<uint32_t>(s[1]), n = rd<uint32_t>(s[2]);
  if (!dt->in_bounds(d, n) || !st->in_bounds(si, n)) return TrapKind::OutOfBoundsTable;
  if (n != 0) std::memmove(dt->elements + d, st->elements + si, n * sizeof(void*));
  return TrapKind::None;
}

TrapKind table_init(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t elem, uint32_t table, uint32_t) {
  const rt::ElemInst* seg = inst->elems[elem];
  rt::TableInst* t = inst->tables[table];
  uint64_t d = rd<uint32_t>(s[0]), si = rd<uint32_t>(s[1]), n = rd<uint32_t>(s[2]);
  if (si + n > seg->refs.size() || !t->in_bounds(d, n)) return TrapKind::OutOfBoundsTable;
  if (n != 0) std::memcpy(t->elements + d, seg->refs.data() + si, n * sizeof(void*));
  return TrapKind::None;
}

TrapKind ref_func(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t func, uint32_t, uint32_t) {
  s[0] = Slot{};
  s[0].ref = inst->funcs[func];
  return TrapKind::None;
}

// ---- loads and stores out of line (exec/instructions.rst: Memory Instructions) -------------

template <class T>
T load_as(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

/// What each access does with its bytes at p; the value in/out is s[0] (loads) or s[1]
/// (stores; lane loads take the vector in s[1]).
template <Op op>
void access(Slot* s, uint8_t* p, uint8_t lane) {
  using enum Op;
  auto put = [&](auto v) {
    s[0] = Slot{};
    std::memcpy(&s[0], &v, sizeof(v));
  };
  auto store = [&](auto v) { std::memcpy(p, &v, sizeof(v)); };
  if constexpr (op == I32Load) put(load_as<uint32_t>(p));
  else if constexpr (op == I64Load) put(load_as<uint64_t>(p));
  else if constexpr (op == F32Load) put(load_as<float>(p));
  else if constexpr (op == F64Load) put(load_as<double>(p));
  else if constexpr (op == V128Load) put(load_as<V128>(p));
  else if constexpr (op == I32Load8S) put(static_cast<uint32_t>(static_cast<int32_t>(load_as<int8_t>(p))));
  else if constexpr (op == I32Load8U) put(static_cast<uint32_t>(load_as<uint8_t>(p)));
  else if constexpr (op == I32Load16S) put(static_cast<uint32_t>(static_cast<int32_t>(load_as<int16_t>(p))));
  else if constexpr (op == I32Load16U) put(static_cast<uint32_t>(load_as<uint16_t>(p)));
  else if constexpr (op == I64Load8S) put(static_cast<uint64_t>(static_cast<int64_t>(load_as<int8_t>(p))));
  else if constexpr (op == I64Load8U) put(static_cast<uint64_t>(load_as<uint8_t>(p)));
  else if constexpr (op == I64Load16S) put(static_cast<uint64_t>(static_cast<int64_t>(load_as<int16_t>(p))));
  else if constexpr (op == I64Load16U) put(static_cast<uint64_t>(load_as<uint16_t>(p)));
  else if constexpr (op == I64Load32S) put(static_cast<uint64_t>(static_cast<int64_t>(load_as<int32_t>(p))));
  else if constexpr (op == I64Load32U) put(static_cast<uint64_t>(load_as<uint32_t>(p)));
  else if constexpr (op == I32Store) store(rd<uint32_t>(s[1]));
  else if constexpr (op == I64Store) store(rd<uint64_t>(s[1]));
  else if constexpr (op == F32Store) store(rd<float>(s[1]));
  else if constexpr (op == F64Store) store(rd<double>(s[1]));
  else if constexpr (op == V128Store) store(rd<V128>(s[1]));
  else if constexpr (op == I32Store8 || op == I64Store8) store(static_cast<uint8_t>(rd<uint64_t>(s[1])));
  else if constexpr (op == I32Store16 || op == I64Store16) store(static_cast<uint16_t>(rd<uint64_t>(s[1])));
  else if constexpr (op == I64Store32) store(rd<uint32_t>(s[1]));
  else if constexpr (op == V128Load8x8S) put(sem::extend_load_8x8_s(load_as<uint64_t>(p)));
  else if constexpr (op == V128Load8x8U) put(sem::extend_load_8x8_u(load_as<uint64_t>(p)));
  else if constexpr (op == V128Load16x4S) put(sem::extend_load_16x4_s(load_as<uint64_t>(p)));
  else if constexpr (op == V128Load16x4U) put(sem::extend_load_16x4_u(load_as<uint64_t>(p)));
  else if constexpr (op == V128Load32x2S) put(sem::extend_load_32x2_s(load_as<uint64_t>(p)));
  else if constexpr (op == V128Load32x2U) put(sem::extend_load_32x2_u(load_as<uint64_t>(p)));
  else if constexpr (op == V128Load8Splat) put(sem::load_splat_8(load_as<uint8_t>(p)));
  else if constexpr (op == V128Load16Splat) put(sem::load_splat_16(load_as<uint16_t>(p)));
  else if constexpr (op == V128Load32Splat) put(sem::load_splat_32(load_as<uint32_t>(p)));
  else if constexpr (op == V128Load64Splat) put(sem::load_splat_64(load_as<uint64_t>(p)));
  else if constexpr (op == V128Load32Zero) put(sem::load_zero_32(load_as<uint32_t>(p)));
  else if constexpr (op == V128Load64Zero) put(sem::load_zero_64(load_as<uint64_t>(p)));
  else if constexpr (op == V128Load8Lane) put(sem::load_lane_8(rd<V128>(s[1]), load_as<uint8_t>(p), lane));
  else if constexpr (op == V128Load16Lane) put(sem::load_lane_16(rd<V128>(s[1]), load_as<uint16_t>(p), lane));
  else if constexpr (op == V128Load32Lane) put(sem::load_lane_32(rd<V128>(s[1]), load_as<uint32_t>(p), lane));
  else if constexpr (op == V128Load64Lane) put(sem::load_lane_64(rd<V128>(s[1]), load_as<uint64_t>(p), lane));
  else if constexpr (op == V128Store8Lane) store(sem::store_lane_8(rd<V128>(s[1]), lane));
  else if constexpr (op == V128Store16Lane) store(sem::store_lane_16(rd<V128>(s[1]), lane));
  else if constexpr (op == V128Store32Lane) store(sem::store_lane_32(rd<V128>(s[1]), lane));
  else if constexpr (op == V128Store64Lane) store(sem::store_lane_64(rd<V128>(s[1]), lane));
  else static_assert(op == I32Load, "memory instruction without an access rule");
}

template <Op op>
TrapKind memory_access(rt::ExecContext*, rt::Instance* inst, Slot* s, uint32_t mem, uint32_t offset, uint32_t lane) {
  // The width is the natural alignment (opcodes.def aux): the bytes the access touches.
  constexpr uint64_t kWidth = uint64_t{1} << kOpInfo[static_cast<size_t>(op)].aux;
  rt::MemoryInst* m = inst->memories[mem];
  uint64_t ea = uint64_t{rd<uint32_t>(s[0])} + offset;
  if (!m->in_bounds(ea, kWidth)) return TrapKind::OutOfBoundsMemory;
  access<op>(s, m->base + ea, static_cast<uint8_t>(lane));
  return TrapKind::None;
}

#define SHARD_MEMHELPER_MemArg(id) t[static_cast<size_t>(Op::id)] = &memory_access<Op::id>;
#define SHARD_MEMHELPER_MemArgLane(id) SHARD_MEMHELPER_MemArg(id)
#define SHARD_MEMHELPER_OTHER(id)
const std::array<CtxHelper, kOpCount> kMemoryHelpers = [] {
  std::array<CtxHelper, kOpCount> t{};
#define WASM_OP(id, name, prefix, code, imm, ...) SHARD_MEMHELPER_IF_##imm(id)
#define SHARD_MEMHELPER_IF_MemArg(id) SHARD_MEMHELPER_MemArg(id)
#define SHARD_MEMHELPER_IF_MemArgLane(id) SHARD_MEMHELPER_MemArg(id)
#define SHARD_MEMHELPER_IF_None(id)
#define SHARD_MEMHELPER_IF_Block(id)
#define SHARD_MEMHELPER_IF_Label(id)
#define SHARD_MEMHELPER_IF_BrTable(id)
#define SHARD_MEMHELPER_IF_Func(id)
#define SHARD_MEMHELPER_IF_CallIndirect(id)
#define SHARD_MEMHELPER_IF_Local(id)
#define SHARD_MEMHELPER_IF_Global(id)
#define SHARD_MEMHELPER_IF_Table(id)
#define SHARD_MEMHELPER_IF_Elem(id)
#define SHARD_MEMHELPER_IF_Data(id)
#define SHARD_MEMHELPER_IF_TableInit(id)
#define SHARD_MEMHELPER_IF_TableCopy(id)
#define SHARD_MEMHELPER_IF_Memory(id)
#define SHARD_MEMHELPER_IF_MemoryInit(id)
#define SHARD_MEMHELPER_IF_MemoryCopy(id)
#define SHARD_MEMHELPER_IF_RefType(id)
#define SHARD_MEMHELPER_IF_SelectT(id)
#define SHARD_MEMHELPER_IF_I32(id)
#define SHARD_MEMHELPER_IF_I64(id)
#define SHARD_MEMHELPER_IF_F32(id)
#define SHARD_MEMHELPER_IF_F64(id)
#define SHARD_MEMHELPER_IF_V128(id)
#define SHARD_MEMHELPER_IF_Shuffle(id)
#define SHARD_MEMHELPER_IF_Lane(id)
#define SHARD_MEMHELPER_IF_Tag(id)
#define SHARD_MEMHELPER_IF_TryTable(id)
#include "opcodes.def"
#undef WASM_OP
  return t;
}();

void add_frame(rt::Trap& trap, const rt::FuncInst* f, uint32_t wasm_offset) {
  if (trap.backtrace.size() >= 512) return;  // as the interpreter: enough to diagnose
  rt::Frame fr;
  fr.instance = f->instance;
  fr.func_index = f->index;
  fr.func_name = std::string(f->instance->module->func_name(f->index));
  fr.offset = wasm_offset;
  trap.backtrace.push_back(std::move(fr));
}

}  // namespace

SlotThunk slot_thunk(Op op) { return kThunks[static_cast<size_t>(op)]; }

CtxHelper memory_helper(Op op) { return kMemoryHelpers[static_cast<size_t>(op)]; }

void shuffle(Slot* s, const uint8_t* lanes) { wr<V128>(s[0], sem::I8x16Shuffle(rd<V128>(s[0]), rd<V128>(s[1]), lanes)); }

CtxHelper ctx_helper(Op op) {
  using enum Op;
  switch (op) {
    case MemorySize: return &memory_size;
    case MemoryGrow: return &memory_grow;
    case MemoryFill: return &memory_fill;
    case MemoryCopy: return &memory_copy;
    case MemoryInit: return &memory_init;
    case DataDrop: return &data_drop;
    case ElemDrop: return &elem_drop;
    case TableGet: return &table_get;
    case TableSet: return &table_set;
    case TableSize: return &table_size;
    case TableGrow: return &table_grow;
    case TableFill: return &table_fill;
    case TableCopy: return &table_copy;
    case TableInit: return &table_init;
    case RefFunc: return &ref_func;
    default: return nullptr;
  }
}

TrapKind throw_exception(rt::ExecContext* ctx, rt::Instance* inst, Slot* s, uint32_t tag, uint32_t, uint32_t) {
  ctx->exception = ctx->store->alloc_exn(inst->tag_vec[tag], s, /*exposed=*/false);
  return TrapKind::Exception;
}

TrapKind throw_ref(rt::ExecContext* ctx, rt::Instance*, Slot* s, uint32_t, uint32_t, uint32_t) {
  auto* exn = static_cast<rt::ExnInst*>(s[0].ref);
  if (exn == nullptr) return TrapKind::NullReference;
  ctx->exception = exn;
  return TrapKind::Exception;
}

uint32_t catch_dispatch(rt::ExecContext* ctx, rt::Instance* inst, Slot* frame, const CatchEntry* clauses, uint32_t n) {
  rt::ExnInst* exn = ctx->exception;
  for (uint32_t i = 0; i < n; ++i) {
    const CatchEntry& c = clauses[i];
    auto kind = static_cast<CatchKind>(c.kind);
    bool tagged = kind == CatchKind::Catch || kind == CatchKind::CatchRef;
    if (tagged && inst->tag_vec[c.tag] != exn->tag) continue;
    auto* dst = reinterpret_cast<Slot*>(reinterpret_cast<char*>(frame) + c.dst);
    size_t k = 0;
    if (tagged) {
      k = exn->fields.size();
      if (k != 0) std::memcpy(static_cast<void*>(dst), exn->fields.data(), k * sizeof(Slot));
    }
    if (kind == CatchKind::CatchRef || kind == CatchKind::CatchAllRef) {
      dst[k] = Slot{};
      dst[k].ref = exn;
      exn->exposed = true;
    } else if (!exn->exposed) {
      ctx->store->recycle_exn(exn);  // consumed, and wasm never saw it as a reference
    }
    ctx->exception = nullptr;
    return i;
  }
  return n;
}

TrapKind raise_trap(rt::ExecContext* ctx, rt::FuncInst* f, uint32_t kind, uint32_t wasm_offset, uint64_t extra) {
  auto k = static_cast<TrapKind>(kind);
  // The reference interpreter names the element ("uninitialized element 2"); so do we.
  if (k == TrapKind::UninitializedElement) ctx->raise(k, fmt::format("uninitialized element {}", extra));
  // The only null-reference trap of Wasm 2.0 + exception handling is throw_ref's.
  else if (k == TrapKind::NullReference) ctx->raise(k, "null exception reference");
  else ctx->raise(k);
  add_frame(ctx->trap, f, wasm_offset);
  return k;
}

TrapKind propagate_trap(rt::ExecContext* ctx, rt::FuncInst* f, uint32_t kind, uint32_t wasm_offset) {
  // An uncaught exception reports only the outermost wasm frame it left, as the
  // interpreter does (its unwinder knows where it was thrown only while it can be caught).
  if (static_cast<TrapKind>(kind) == TrapKind::Exception) ctx->trap.backtrace.clear();
  add_frame(ctx->trap, f, wasm_offset);
  return static_cast<TrapKind>(kind);
}

TrapKind stack_exhausted(rt::ExecContext* ctx) { return ctx->raise(TrapKind::CallStackExhausted); }

}  // namespace shard::jit
