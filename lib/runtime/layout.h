// Offsets of the runtime structures that compiled code addresses directly (the VM context).
// Described once here and checked against the real structs, so the JIT's constants and the
// C++ layout cannot drift apart (like wasmtime's VMOffsets).
#pragma once

#include <cstddef>

#include "runtime/runtime.h"

namespace shard::rt::layout {

// Instance: the VM-context block at the head of the struct.
inline constexpr size_t kInstanceMem0Base = 0;
inline constexpr size_t kInstanceMem0 = 8;
inline constexpr size_t kInstanceGlobals = 16;
inline constexpr size_t kInstanceTables = 24;
inline constexpr size_t kInstanceFuncs = 32;
inline constexpr size_t kInstanceTypeIds = 40;
inline constexpr size_t kInstanceElems = 48;
inline constexpr size_t kInstanceDatas = 56;
inline constexpr size_t kInstanceMemories = 64;
inline constexpr size_t kInstanceStore = 72;

inline constexpr size_t kMemoryBase = 0;
inline constexpr size_t kMemorySize = 8;
inline constexpr size_t kTableElements = 0;
inline constexpr size_t kTableSize = 8;
inline constexpr size_t kGlobalValue = 0;
inline constexpr size_t kFuncEntry = 0;
inline constexpr size_t kFuncInstance = 8;
inline constexpr size_t kFuncTypeId = 16;
inline constexpr size_t kSlotSize = 16;

// ExecContext: what generated code reads at function entries and loop back-edges
// (runtime.h: the interruption checks and the native stack limit).
inline constexpr size_t kExecFuel = 0;           ///< uint64: units left
inline constexpr size_t kExecEpochDeadline = 8;  ///< uint64
inline constexpr size_t kExecEpochPtr = 16;      ///< const std::atomic<uint64_t>*
inline constexpr size_t kExecStackLimit = 24;    ///< uintptr: compare sp against it at entry
// ... and what JIT code reads and writes on calls (the value stack's bounds, the call depth,
// the caller a host function sees).
inline constexpr size_t kExecStackEnd = 48;
inline constexpr size_t kExecStackTop = 56;
inline constexpr size_t kExecDepth = 64;
inline constexpr size_t kExecMaxDepth = 68;
inline constexpr size_t kExecCaller = 80;

#define SHARD_CHECK_OFFSET(type, field, off) static_assert(offsetof(type, field) == (off), #type "::" #field)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
SHARD_CHECK_OFFSET(Instance, mem0_base, kInstanceMem0Base);
SHARD_CHECK_OFFSET(Instance, mem0, kInstanceMem0);
SHARD_CHECK_OFFSET(Instance, globals, kInstanceGlobals);
SHARD_CHECK_OFFSET(Instance, tables, kInstanceTables);
SHARD_CHECK_OFFSET(Instance, funcs, kInstanceFuncs);
SHARD_CHECK_OFFSET(Instance, type_ids, kInstanceTypeIds);
SHARD_CHECK_OFFSET(Instance, elems, kInstanceElems);
SHARD_CHECK_OFFSET(Instance, datas, kInstanceDatas);
SHARD_CHECK_OFFSET(Instance, memories, kInstanceMemories);
SHARD_CHECK_OFFSET(Instance, store, kInstanceStore);
SHARD_CHECK_OFFSET(MemoryInst, base, kMemoryBase);
SHARD_CHECK_OFFSET(MemoryInst, size, kMemorySize);
SHARD_CHECK_OFFSET(TableInst, elements, kTableElements);
SHARD_CHECK_OFFSET(TableInst, size, kTableSize);
SHARD_CHECK_OFFSET(GlobalInst, value, kGlobalValue);
SHARD_CHECK_OFFSET(FuncInst, entry, kFuncEntry);
SHARD_CHECK_OFFSET(FuncInst, instance, kFuncInstance);
SHARD_CHECK_OFFSET(FuncInst, type_id, kFuncTypeId);
SHARD_CHECK_OFFSET(ExecContext, fuel, kExecFuel);
SHARD_CHECK_OFFSET(ExecContext, epoch_deadline, kExecEpochDeadline);
SHARD_CHECK_OFFSET(ExecContext, epoch, kExecEpochPtr);
SHARD_CHECK_OFFSET(ExecContext, stack_limit, kExecStackLimit);
SHARD_CHECK_OFFSET(ExecContext, stack_end, kExecStackEnd);
SHARD_CHECK_OFFSET(ExecContext, stack_top, kExecStackTop);
SHARD_CHECK_OFFSET(ExecContext, depth, kExecDepth);
SHARD_CHECK_OFFSET(ExecContext, max_depth, kExecMaxDepth);
SHARD_CHECK_OFFSET(ExecContext, caller, kExecCaller);
#pragma GCC diagnostic pop
#undef SHARD_CHECK_OFFSET
static_assert(sizeof(Slot) == kSlotSize);
static_assert(sizeof(std::atomic<uint64_t>) == 8 && std::atomic<uint64_t>::is_always_lock_free,
              "generated code reads the epoch counter with a plain 8-byte load");

}  // namespace shard::rt::layout
