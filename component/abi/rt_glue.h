// Binding the Canonical ABI to Shard's runtime (lib/runtime): memories, realloc/post-return
// and core callees as rt::FuncInst called through rt::call (so any tier runs them), and
// lowered component functions as host functions core wasm can import.
#pragma once

#include <memory>

#include "component/abi/canon.h"
#include "component/abi/rt_memory.h"
#include "runtime/runtime.h"

namespace shard::component::abi {

/// `realloc` calling a core function `(func (param i32 i32 i32 i32) (result i32))` (or i64s).
ReallocFn realloc_from(rt::Store& store, rt::FuncInst* func);
/// `post-return` calling a core function with the flat results.
PostReturnFn post_return_from(rt::Store& store, rt::FuncInst* func);
/// A core callee for LiftedFunc: flat arguments in, flat results out.
CoreFunc core_func_from(rt::Store& store, rt::FuncInst* func);

::shard::ValType core_valtype(CoreType t);
::shard::FuncType core_functype(const CoreFuncType& t);

/// A host function with the core type flatten_functype(f->type, f->opts, Lower) that runs
/// call_lowered; a failure traps the caller (TrapKind of a guest trap, else HostError).
rt::FuncInst* create_lowered_func(rt::Store& store, std::shared_ptr<const LoweredFunc> f);

/// canon lower, in instance `caller`, of a lifted guest function with scalar_signature: a
/// host function of the same core type that checks `caller`'s may_leave and runs
/// call_scalars (the fused adapter; no abi::Value, no vectors).
rt::FuncInst* create_fused_scalar_func(rt::Store& store, std::shared_ptr<const LiftedFunc> callee,
                                       ComponentInstance* caller);

}  // namespace shard::component::abi
