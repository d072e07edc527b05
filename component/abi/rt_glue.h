// Binding the Canonical ABI to Shard's runtime (lib/runtime): memories, realloc/post-return
// and core callees as rt::FuncInst called through rt::call (so any tier runs them), and
// lowered component functions as host functions core wasm can import.
#pragma once

#include <memory>

#include "component/abi/canon.h"
#include "runtime/runtime.h"

namespace shard::component::abi {

/// A runtime memory as the `memory` canonopt. The base never moves (reserved mapping).
class RtMemory final : public GuestMemory {
 public:
  explicit RtMemory(rt::MemoryInst* mem) : mem_(mem) {}
  uint8_t* data() override { return mem_->base; }
  uint64_t size() const override { return mem_->size; }

 private:
  rt::MemoryInst* mem_;
};

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
