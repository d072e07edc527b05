// The lifting/lowering context, core-value plumbing, and the synchronous function-level
// definitions: CanonicalABI.md § Lifting and Lowering Context, § Embedding (Store.lift /
// Store.lower), § canon lift and § canon lower.
#include "component/abi/internal.h"
#include "component/abi/rt_glue.h"

namespace shard::component::abi {

Result<uint64_t> LiftLowerContext::reallocate(uint64_t old_ptr, uint64_t old_size, uint64_t align, uint64_t new_size) {
  if (!opts.realloc) return detail::missing_option("realloc");
  // realloc runs like an export called without the may_enter check, with may_leave cleared.
  inst.may_leave = false;
  Result<uint64_t> r = opts.realloc(old_ptr, old_size, align, new_size);
  inst.may_leave = true;
  return r;
}

Result<GuestMemory*> LiftLowerContext::memory() const {
  if (opts.memory == nullptr) return detail::missing_option("memory");
  return opts.memory;
}

Flat Flat::f32(float v) { return {CoreType::F32, std::bit_cast<uint32_t>(v)}; }
Flat Flat::f64(double v) { return {CoreType::F64, std::bit_cast<uint64_t>(v)}; }

rt::Slot to_slot(const Flat& f) {
  rt::Slot s;
  s.v128 = V128{};
  switch (f.type) {
    case CoreType::I32: s.i32 = static_cast<uint32_t>(f.bits); break;
    case CoreType::I64: s.i64 = f.bits; break;
    case CoreType::F32: s.f32 = std::bit_cast<float>(static_cast<uint32_t>(f.bits)); break;
    case CoreType::F64: s.f64 = std::bit_cast<double>(f.bits); break;
  }
  return s;
}

std::vector<rt::Slot> to_slots(std::span<const Flat> flat) {
  std::vector<rt::Slot> out;
  out.reserve(flat.size());
  for (const Flat& f : flat) out.push_back(to_slot(f));
  return out;
}

Flat from_slot(CoreType t, const rt::Slot& s) {
  switch (t) {
    case CoreType::I32: return {t, s.i32};
    case CoreType::I64: return {t, s.i64};
    case CoreType::F32: return {t, std::bit_cast<uint32_t>(s.f32)};
    case CoreType::F64: return {t, std::bit_cast<uint64_t>(s.f64)};
  }
  return {t, 0};
}

uint64_t SlotSource::next(CoreType t) {
  if (pos_ >= slots_.size()) return 0;
  return from_slot(t, slots_[pos_++]).bits;
}

uint64_t FlatListSource::next(CoreType t) {
  if (pos_ >= flat_.size()) return 0;
  const Flat& f = flat_[pos_++];
  // A Flat carries its own type; reading it as another one reinterprets the low bits.
  return t == CoreType::I32 || t == CoreType::F32 ? (f.bits & 0xffffffffu) : f.bits;
}

CoreFuncType flatten_functype(const FuncType& ft, const CanonOptions& opts, CallContext context) {
  return flatten_functype(ft, opts.addr_type(), context, opts.async, opts.callback);
}

namespace {

Error arg_mismatch(const Value& v, const ValType& t) {
  return abi_usage("argument " + to_string(v) + " does not match type " + to_string(t.kind));
}

}  // namespace

Result<std::vector<Value>> call_lifted(const LiftedFunc& f, std::span<const Value> args, ComponentInstance* caller) {
  const FuncType& ft = f.type;
  if (f.inst == nullptr || !f.callee) return abi_usage("lifted function without instance or callee");
  if (args.size() != ft.params.size()) return abi_usage("wrong number of arguments");
  for (size_t i = 0; i < args.size(); ++i) {
    if (!value_matches(args[i], *ft.params[i])) return arg_mismatch(args[i], *ft.params[i]);
  }
  ComponentInstance& inst = *f.inst;
  // Store.lift: trap_if(not inst.may_enter_from(caller)); inst.enter_from(caller). On a trap
  // below, the instance is left entered: it cannot be entered again.
  if (!inst.may_enter_from(caller)) return abi_trap(AbiTrap::CannotEnter);
  inst.enter_from(caller);

  Task task(inst);
  LiftLowerContext cx(f.opts, inst, &task, nullptr);
  SHARD_TRY(flat_args, detail::lower_values(cx, kMaxFlatParams, args, ft.params, *ft.params_tuple, nullptr));
  const CoreFuncType flat_ft = flatten_functype(ft, f.opts, CallContext::Lift);
  std::vector<rt::Slot> slots = to_slots(flat_args);
  SHARD_TRY(flat_results, f.callee(slots));
  if (flat_results.size() != flat_ft.results.size()) {
    return abi_usage("core callee returned " + std::to_string(flat_results.size()) + " values, expected " +
                     std::to_string(flat_ft.results.size()));
  }
  SlotSource results_in(flat_results);
  SHARD_TRY(result, lift_flat_values(cx, kMaxFlatResults, results_in, ft.results, *ft.results_tuple));
  SHARD_CHECK(task.return_());
  if (f.opts.post_return) {
    inst.may_leave = false;
    SHARD_CHECK(f.opts.post_return(flat_results));
    inst.may_leave = true;
  }
  inst.leave_to(caller);
  return result;
}

ComponentFunc lifted_func(std::shared_ptr<const LiftedFunc> f) {
  return [f = std::move(f)](std::span<const Value> args, ComponentInstance* caller) { return call_lifted(*f, args, caller); };
}

Result<std::vector<rt::Slot>> call_lowered(const LoweredFunc& f, std::span<const rt::Slot> flat_args) {
  if (f.inst == nullptr || !f.callee) return abi_usage("lowered function without instance or callee");
  ComponentInstance& inst = *f.inst;
  if (!inst.may_leave) return abi_trap(AbiTrap::CannotLeave);
  const FuncType& ft = f.type;
  const CoreFuncType flat_ft = flatten_functype(ft, f.opts, CallContext::Lower);
  if (flat_args.size() != flat_ft.params.size()) {
    return abi_usage("lowered function called with " + std::to_string(flat_args.size()) + " core values, expected " +
                     std::to_string(flat_ft.params.size()));
  }
  SlotSource args_in(flat_args);
  Subtask subtask(inst);
  LiftLowerContext cx(f.opts, inst, nullptr, &subtask);
  SHARD_TRY(args, lift_flat_values(cx, kMaxFlatParams, args_in, ft.params, *ft.params_tuple));
  SHARD_TRY(results, f.callee(args, &inst));
  if (results.size() != ft.results.size()) return abi_usage("callee returned the wrong number of results");
  for (size_t i = 0; i < results.size(); ++i) {
    if (!value_matches(results[i], *ft.results[i])) {
      return abi_usage("result " + to_string(results[i]) + " does not match type " + to_string(ft.results[i]->kind));
    }
  }
  // The return area pointer, when results spill, is the last flat argument.
  SHARD_TRY(flat_results, detail::lower_values(cx, kMaxFlatResults, results, ft.results, *ft.results_tuple, &args_in));
  subtask.deliver_resolve();
  return to_slots(flat_results);
}

bool scalar_signature(const FuncType& ft) {
  if (ft.async || ft.params.size() > kMaxFlatParams || ft.results.size() > kMaxFlatResults) return false;
  for (const TypeRef& t : ft.params)
    if (t->shape() != Shape::Scalar) return false;
  for (const TypeRef& t : ft.results)
    if (t->shape() != Shape::Scalar) return false;
  return true;
}

namespace {

rt::Value core_value(TypeKind k, uint64_t bits) {
  rt::Slot s{};
  s.i64 = bits;
  return rt::Value::from_slot(core_valtype(detail::scalar_core_type(k)), s);
}

/// The bits of a flat value of scalar type `k` (i32/f32 zero-extended).
uint64_t slot_bits(TypeKind k, const rt::Slot& s) {
  const CoreType t = detail::scalar_core_type(k);
  return t == CoreType::I32 || t == CoreType::F32 ? uint64_t{s.i32} : s.i64;
}

/// lift_flat out of one side, lower_flat into the other.
Result<uint64_t> pass_scalar(TypeKind k, uint64_t bits) {
  SHARD_TRY(v, lift_scalar_bits(k, bits));
  return lower_scalar_bits(k, v);
}

}  // namespace

Result<void> call_scalars(const LiftedFunc& f, std::span<const uint64_t> args, uint64_t* result,
                          ComponentInstance* caller) {
  const FuncType& ft = f.type;
  if (f.inst == nullptr || (!f.callee && !f.core)) return abi_usage("lifted function without instance or callee");
  if (args.size() != ft.params.size()) return abi_usage("wrong number of arguments");
  ComponentInstance& inst = *f.inst;
  // Store.lift: trap_if(not inst.may_enter_from(caller)); inst.enter_from(caller).
  if (!inst.may_enter_from(caller)) return abi_trap(AbiTrap::CannotEnter);
  inst.enter_from(caller);

  rt::Value in[kMaxFlatParams];
  for (size_t i = 0; i < args.size(); ++i) {
    const TypeKind k = ft.params[i]->kind;
    SHARD_TRY(bits, pass_scalar(k, args[i]));
    in[i] = core_value(k, bits);
  }
  // Scalars lend no handles, so Task.return_ has nothing to check.
  rt::Slot out{};
  size_t nout = 0;
  if (f.core != nullptr) {
    rt::CallResult r = rt::call(*f.store, f.core, std::span<const rt::Value>(in, args.size()));
    if (!r.ok()) return r.trap->to_error();
    nout = r.values.size();
    if (nout > 0) out = r.values[0].to_slot();
  } else {
    rt::Slot slots[kMaxFlatParams];
    for (size_t i = 0; i < args.size(); ++i) slots[i] = in[i].to_slot();
    SHARD_TRY(flat, f.callee(std::span<const rt::Slot>(slots, args.size())));
    nout = flat.size();
    if (nout > 0) out = flat[0];
  }
  if (nout != ft.results.size()) {
    return abi_usage("core callee returned " + std::to_string(nout) + " values, expected " +
                     std::to_string(ft.results.size()));
  }
  if (nout > 0) {
    const TypeKind k = ft.results[0]->kind;
    SHARD_TRY(bits, pass_scalar(k, slot_bits(k, out)));
    if (result) *result = bits;
  }
  if (f.opts.post_return) {
    inst.may_leave = false;
    SHARD_CHECK(f.opts.post_return(std::span<const rt::Slot>(&out, nout)));
    inst.may_leave = true;
  }
  inst.leave_to(caller);
  return {};
}

}  // namespace shard::component::abi
