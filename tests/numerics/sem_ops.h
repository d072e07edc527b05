// Expands SHARD_SEM_OP(Id, "name", Imm, P0, P1, P2, R) for every opcode-table row that has a
// semantics function in shard::sem: R is a value type (not Special, not None) and the immediate
// is None, Lane or Shuffle. Include after defining SHARD_SEM_OP; the macro is undefined after.
// The filtering is done by token pasting on the Imm and R columns.

#define SHARD_SEM_IMM_None(id, name, imm, p0, p1, p2, r) SHARD_SEM_R_##r(id, name, imm, p0, p1, p2, r)
#define SHARD_SEM_IMM_Lane(id, name, imm, p0, p1, p2, r) SHARD_SEM_R_##r(id, name, imm, p0, p1, p2, r)
#define SHARD_SEM_IMM_Shuffle(id, name, imm, p0, p1, p2, r) SHARD_SEM_R_##r(id, name, imm, p0, p1, p2, r)
#define SHARD_SEM_IMM_Block(...)
#define SHARD_SEM_IMM_Label(...)
#define SHARD_SEM_IMM_BrTable(...)
#define SHARD_SEM_IMM_Func(...)
#define SHARD_SEM_IMM_CallIndirect(...)
#define SHARD_SEM_IMM_Local(...)
#define SHARD_SEM_IMM_Global(...)
#define SHARD_SEM_IMM_Table(...)
#define SHARD_SEM_IMM_Elem(...)
#define SHARD_SEM_IMM_Data(...)
#define SHARD_SEM_IMM_TableInit(...)
#define SHARD_SEM_IMM_TableCopy(...)
#define SHARD_SEM_IMM_Memory(...)
#define SHARD_SEM_IMM_MemoryInit(...)
#define SHARD_SEM_IMM_MemoryCopy(...)
#define SHARD_SEM_IMM_MemArg(...)
#define SHARD_SEM_IMM_MemArgLane(...)
#define SHARD_SEM_IMM_RefType(...)
#define SHARD_SEM_IMM_SelectT(...)
#define SHARD_SEM_IMM_I32(...)
#define SHARD_SEM_IMM_I64(...)
#define SHARD_SEM_IMM_F32(...)
#define SHARD_SEM_IMM_F64(...)
#define SHARD_SEM_IMM_V128(...)
#define SHARD_SEM_IMM_Tag(...)
#define SHARD_SEM_IMM_TryTable(...)

#define SHARD_SEM_R_I32(...) SHARD_SEM_OP(__VA_ARGS__)
#define SHARD_SEM_R_I64(...) SHARD_SEM_OP(__VA_ARGS__)
#define SHARD_SEM_R_F32(...) SHARD_SEM_OP(__VA_ARGS__)
#define SHARD_SEM_R_F64(...) SHARD_SEM_OP(__VA_ARGS__)
#define SHARD_SEM_R_V128(...) SHARD_SEM_OP(__VA_ARGS__)
#define SHARD_SEM_R_None(...)
#define SHARD_SEM_R_Special(...)

#define WASM_OP(id, name, prefix, code, imm, aux, p0, p1, p2, r) SHARD_SEM_IMM_##imm(id, name, imm, p0, p1, p2, r)
#include "opcodes.def"
#undef WASM_OP

#undef SHARD_SEM_IMM_None
#undef SHARD_SEM_IMM_Lane
#undef SHARD_SEM_IMM_Shuffle
#undef SHARD_SEM_IMM_Block
#undef SHARD_SEM_IMM_Label
#undef SHARD_SEM_IMM_BrTable
#undef SHARD_SEM_IMM_Func
#undef SHARD_SEM_IMM_CallIndirect
#undef SHARD_SEM_IMM_Local
#undef SHARD_SEM_IMM_Global
#undef SHARD_SEM_IMM_Table
#undef SHARD_SEM_IMM_Elem
#undef SHARD_SEM_IMM_Data
#undef SHARD_SEM_IMM_TableInit
#undef SHARD_SEM_IMM_TableCopy
#undef SHARD_SEM_IMM_Memory
#undef SHARD_SEM_IMM_MemoryInit
#undef SHARD_SEM_IMM_MemoryCopy
#undef SHARD_SEM_IMM_MemArg
#undef SHARD_SEM_IMM_MemArgLane
#undef SHARD_SEM_IMM_RefType
#undef SHARD_SEM_IMM_SelectT
#undef SHARD_SEM_IMM_I32
#undef SHARD_SEM_IMM_I64
#undef SHARD_SEM_IMM_F32
#undef SHARD_SEM_IMM_Tag
#undef SHARD_SEM_IMM_TryTable
#undef SHARD_SEM_IMM_F64
#undef SHARD_SEM_IMM_V128
#undef SHARD_SEM_R_I32
#undef SHARD_SEM_R_I64
#undef SHARD_SEM_R_F32
#undef SHARD_SEM_R_F64
#undef SHARD_SEM_R_V128
#undef SHARD_SEM_R_None
#undef SHARD_SEM_R_Special
#undef SHARD_SEM_OP
