#include "component/abi/rt_glue.h"

#include "component/abi/internal.h"

namespace shard::component::abi {

namespace {

std::vector<rt::Value> values_of(const ::shard::FuncType& type, std::span<const rt::Slot> slots) {
  std::vector<rt::Value> out;
  out.reserve(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) {
    out.push_back(rt::Value::from_slot(i < type.params.size() ? type.params[i] : ::shard::ValType::I32, slots[i]));
  }
  return out;
}

}  // namespace

ReallocFn realloc_from(rt::Store& store, rt::FuncInst* func) {
  return [&store, func](uint64_t old_ptr, uint64_t old_size, uint64_t align, uint64_t new_size) -> Result<uint64_t> {
    const ::shard::FuncType& type = rt::func_type(*func);
    const bool wide = !type.params.empty() && type.params[0] == ::shard::ValType::I64;
    auto arg = [wide](uint64_t v) { return wide ? rt::Value::from_i64(v) : rt::Value::from_i32(static_cast<uint32_t>(v)); };
    rt::Value args[4] = {arg(old_ptr), arg(old_size), arg(align), arg(new_size)};
    rt::CallResult r = rt::call(store, func, args);
    if (!r.ok()) return r.trap->to_error();
    if (r.values.size() != 1) return abi_usage("realloc must return one value");
    return wide ? r.values[0].i64 : uint64_t{r.values[0].i32};
  };
}

PostReturnFn post_return_from(rt::Store& store, rt::FuncInst* func) {
  return [&store, func](std::span<const rt::Slot> flat) -> Result<void> {
    rt::CallResult r = rt::call(store, func, values_of(rt::func_type(*func), flat));
    if (!r.ok()) return r.trap->to_error();
    return {};
  };
}

CoreFunc core_func_from(rt::Store& store, rt::FuncInst* func) {
  return [&store, func](std::span<const rt::Slot> args) -> Result<std::vector<rt::Slot>> {
    rt::CallResult r = rt::call(store, func, values_of(rt::func_type(*func), args));
    if (!r.ok()) return r.trap->to_error();
    std::vector<rt::Slot> out;
    out.reserve(r.values.size());
    for (const rt::Value& v : r.values) out.push_back(v.to_slot());
    return out;
  };
}

::shard::ValType core_valtype(CoreType t) {
  switch (t) {
    case CoreType::I32: return ::shard::ValType::I32;
    case CoreType::I64: return ::shard::ValType::I64;
    case CoreType::F32: return ::shard::ValType::F32;
    case CoreType::F64: return ::shard::ValType::F64;
  }
  return ::shard::ValType::I32;
}

::shard::FuncType core_functype(const CoreFuncType& t) {
  ::shard::FuncType out;
  for (CoreType c : t.params) out.params.push_back(core_valtype(c));
  for (CoreType c : t.results) out.results.push_back(core_valtype(c));
  return out;
}

rt::FuncInst* create_lowered_func(rt::Store& store, std::shared_ptr<const LoweredFunc> f) {
  const ::shard::FuncType type = core_functype(flatten_functype(f->type, f->opts, CallContext::Lower));
  const size_t nparams = type.params.size();
  std::vector<::shard::ValType> result_types = type.results;
  return store.create_host_func(
      type, [f = std::move(f), nparams, result_types](rt::HostCall& hc, const rt::Value* args, rt::Value* results) {
        std::vector<rt::Slot> slots;
        slots.reserve(nparams);
        for (size_t i = 0; i < nparams; ++i) slots.push_back(args[i].to_slot());
        Result<std::vector<rt::Slot>> r = call_lowered(*f, slots);
        if (!r) return hc.fail(r.error());
        for (size_t i = 0; i < result_types.size() && i < r->size(); ++i) results[i] = rt::Value::from_slot(result_types[i], (*r)[i]);
        return TrapKind::None;
      });
}

rt::FuncInst* create_fused_scalar_func(rt::Store& store, std::shared_ptr<const LiftedFunc> callee,
                                       ComponentInstance* caller) {
  const ::shard::FuncType type =
      core_functype(flatten_functype(callee->type, AddrType::I32, CallContext::Lower));
  return store.create_host_func(
      type, [f = std::move(callee), caller, type](rt::HostCall& hc, const rt::Value* args, rt::Value* results) {
        // Store.lower / canon_lower: trap_if(not inst.may_leave)
        if (!caller->may_leave) return hc.fail(abi_trap(AbiTrap::CannotLeave));
        uint64_t in[kMaxFlatParams];
        const size_t n = type.params.size();
        for (size_t i = 0; i < n; ++i) {
          const rt::Slot s = args[i].to_slot();
          in[i] = type.params[i] == ::shard::ValType::I32 || type.params[i] == ::shard::ValType::F32 ? uint64_t{s.i32}
                                                                                                   : s.i64;
        }
        uint64_t out = 0;
        Result<void> r = call_scalars(*f, std::span<const uint64_t>(in, n), &out, caller);
        if (!r) return hc.fail(r.error());
        if (!type.results.empty()) {
          rt::Slot s{};
          s.i64 = out;
          results[0] = rt::Value::from_slot(type.results[0], s);
        }
        return TrapKind::None;
      });
}

}  // namespace shard::component::abi
