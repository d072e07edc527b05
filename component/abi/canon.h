// The Canonical ABI's lifting and lowering (CanonicalABI.md § Loading, § Storing, § Flat
// Lifting, § Flat Lowering, § Lifting and Lowering Values), independent of the execution
// tier: core values travel as `Flat` (a core type plus its bits) or as the runtime's
// `rt::Slot`, memory behind GuestMemory, realloc and post-return behind std::function. The
// interpreter's glue (rt_glue.h) binds them to rt::FuncInst/rt::MemoryInst; a JIT can call
// the same entry points from its trampolines or specialise them from the Layouts in types.h.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "component/abi/memory.h"
#include "component/abi/resources.h"
#include "component/abi/trap.h"
#include "component/abi/types.h"
#include "component/abi/value.h"
#include "runtime/runtime.h"

namespace shard::component::abi {

/// `realloc` canonopt: (old_ptr, old_size, align, new_size) -> new_ptr, or the trap of the
/// guest function. Pointers are i32 or i64 per the memory's address type.
using ReallocFn = std::function<Result<uint64_t>(uint64_t old_ptr, uint64_t old_size, uint64_t align, uint64_t new_size)>;
/// `post-return` canonopt: called with the callee's flat results.
using PostReturnFn = std::function<Result<void>(std::span<const rt::Slot> flat_results)>;

/// § Canonical ABI Options: CanonicalOptions (the synchronous options; `async`/`callback`
/// only select core signatures in flatten_functype).
struct CanonOptions {
  GuestMemory* memory = nullptr;
  ReallocFn realloc;
  StringEncoding string_encoding = StringEncoding::Utf8;
  PostReturnFn post_return;
  bool async = false;
  bool callback = false;
  AddrType addr_type() const { return memory ? memory->addr_type() : AddrType::I32; }
};

/// § Lifting and Lowering Context: LiftLowerContext. `task` is the borrow scope when lowering
/// into a callee (canon lift), `subtask` when lifting out of a caller (canon lower).
class LiftLowerContext {
 public:
  LiftLowerContext(const CanonOptions& opts, ComponentInstance& inst, Task* task = nullptr, Subtask* subtask = nullptr)
      : opts(opts), inst(inst), task(task), subtask(subtask), addr(opts.addr_type()) {}

  const CanonOptions& opts;
  ComponentInstance& inst;
  Task* task;
  Subtask* subtask;
  AddrType addr;

  /// LiftLowerContext.reallocate: calls realloc with may_leave cleared (no reentrance check).
  Result<uint64_t> reallocate(uint64_t old_ptr, uint64_t old_size, uint64_t align, uint64_t new_size);
  Result<uint64_t> allocate(uint64_t align, uint64_t size) { return reallocate(0, 0, align, size); }
  /// The memory, or a Usage error when the `memory` canonopt is missing.
  Result<GuestMemory*> memory() const;
};

/// One flattened core value: its core type and its bits (i32/f32 zero-extended).
struct Flat {
  CoreType type = CoreType::I32;
  uint64_t bits = 0;
  bool operator==(const Flat&) const = default;
  static Flat i32(uint32_t v) { return {CoreType::I32, v}; }
  static Flat i64(uint64_t v) { return {CoreType::I64, v}; }
  static Flat f32(float v);
  static Flat f64(double v);
};
rt::Slot to_slot(const Flat& f);
std::vector<rt::Slot> to_slots(std::span<const Flat> flat);
/// The Flat for a slot holding a value of core type `t`.
Flat from_slot(CoreType t, const rt::Slot& s);

/// § Flat Lifting: CoreValueIter. `next(t)` yields the bits of the next core value, read as `t`.
class FlatSource {
 public:
  virtual ~FlatSource() = default;
  virtual uint64_t next(CoreType t) = 0;
};

/// A FlatSource over rt::Slots (missing values read as 0; callers check counts first).
class SlotSource final : public FlatSource {
 public:
  explicit SlotSource(std::span<const rt::Slot> slots) : slots_(slots) {}
  uint64_t next(CoreType t) override;
  size_t consumed() const { return pos_; }

 private:
  std::span<const rt::Slot> slots_;
  size_t pos_ = 0;
};

/// A FlatSource over Flats (e.g. the output of lowering, for tests and fused adapters).
class FlatListSource final : public FlatSource {
 public:
  explicit FlatListSource(std::span<const Flat> flat) : flat_(flat) {}
  uint64_t next(CoreType t) override;
  size_t consumed() const { return pos_; }

 private:
  std::span<const Flat> flat_;
  size_t pos_ = 0;
};

// ---- values ----

/// § Loading: load(cx, ptr, t). Traps like the spec; `ptr` must be aligned and in bounds
/// (checked: misaligned pointer / out of bounds).
Result<Value> load(LiftLowerContext& cx, uint64_t ptr, const ValType& t);
/// § Storing: store(cx, v, t, ptr). `v` must match `t` (value_matches), else a Usage error.
Result<void> store(LiftLowerContext& cx, const Value& v, const ValType& t, uint64_t ptr);
/// § Flat Lifting: lift_flat(cx, vi, t).
Result<Value> lift_flat(LiftLowerContext& cx, FlatSource& vi, const ValType& t);
/// § Flat Lowering: lower_flat(cx, v, t), appending to `out`.
Result<void> lower_flat(LiftLowerContext& cx, const Value& v, const ValType& t, std::vector<Flat>& out);

/// § Lifting and Lowering Values: lift_flat_values. `tuple` is TupleType(ts)
/// (FuncType::params_tuple / results_tuple).
Result<std::vector<Value>> lift_flat_values(LiftLowerContext& cx, uint32_t max_flat, FlatSource& vi,
                                            std::span<const TypeRef> ts, const ValType& tuple);
/// § Lifting and Lowering Values: lower_flat_values. With `out_param`, spilled values go to
/// the pointer read from it (a caller-supplied return area) instead of a realloc'ed one.
Result<std::vector<Flat>> lower_flat_values(LiftLowerContext& cx, uint32_t max_flat, std::span<const Value> vs,
                                            std::span<const TypeRef> ts, const ValType& tuple,
                                            FlatSource* out_param = nullptr);

/// lift_flat of a scalar (bool, integers, floats, char) from its core bits: integers wrap to
/// their width, bool is `!= 0`, NaNs are canonicalised, a char must be a Unicode scalar value
/// (trap InvalidChar).
Result<Value> lift_scalar(TypeKind k, uint64_t bits);
/// lower_flat of a scalar: its core bits (two's complement in i32/i64, bool 0/1, canonical NaNs).
uint64_t lower_scalar(const Value& v, TypeKind k);
/// lift_scalar and lower_scalar on bits alone (the bits a scalar Value holds: signed values
/// sign-extended to 64 bits), for paths that carry no Value (call_scalars).
Result<uint64_t> lift_scalar_bits(TypeKind k, uint64_t bits);
uint64_t lower_scalar_bits(TypeKind k, uint64_t raw);

// ---- strings (§ Loading: load_string_from_range, § Storing: store_string_into_range) ----

Result<Value> load_string_from_range(LiftLowerContext& cx, uint64_t ptr, uint64_t tagged_code_units);
struct StoredString {
  uint64_t ptr = 0;
  uint64_t tagged_code_units = 0;
};
Result<StoredString> store_string_into_range(LiftLowerContext& cx, const Value& v);

// ---- functions (§ canon lift, § canon lower; synchronous) ----

/// A core wasm function: flat arguments in, flat results out (or its trap).
using CoreFunc = std::function<Result<std::vector<rt::Slot>>(std::span<const rt::Slot> args)>;
/// A component-level function (Store's FuncInst, synchronous): component values in and out.
/// `caller` is the calling component instance, or null for the host.
using ComponentFunc = std::function<Result<std::vector<Value>>(std::span<const Value> args, ComponentInstance* caller)>;

/// The immediates of `canon lift $callee $opts (func $ft)` and the instance it lives in.
struct LiftedFunc {
  FuncType type;
  CanonOptions opts;
  ComponentInstance* inst = nullptr;
  CoreFunc callee;
  /// The callee as a runtime function, when it is one: call_scalars calls it with rt::call
  /// directly (no std::function, no vectors of slots) instead of through `callee`.
  rt::Store* store = nullptr;
  rt::FuncInst* core = nullptr;
};

/// Store.lift + canon_lift (synchronous): the reentrance check, lowering the arguments into
/// the callee, the core call, lifting the results, Task.return_ and post-return. On a trap
/// the instance stays entered (may_enter false): a trapped instance cannot be reentered.
/// A host argument that does not match its type is a Usage error before anything runs.
Result<std::vector<Value>> call_lifted(const LiftedFunc& f, std::span<const Value> args, ComponentInstance* caller);
/// call_lifted as a ComponentFunc (keeps `f` alive).
ComponentFunc lifted_func(std::shared_ptr<const LiftedFunc> f);

/// Whether every parameter and result of `ft` is a scalar (bool, integers, floats, char) and
/// they flatten without spilling (at most MAX_FLAT_PARAMS parameters, MAX_FLAT_RESULTS
/// results). Such calls need no memory, realloc or handle table: call_scalars applies.
bool scalar_signature(const FuncType& ft);

/// call_lifted for a function with scalar_signature(f.type), without abi::Value: `args` are
/// the caller's flat core bits, each lifted at its parameter type and lowered into the
/// callee (lift_scalar + lower_scalar: the same wrapping, NaN canonicalisation and char
/// check as the generic path); the result comes back the same way into `*result` (when the
/// type has one). The reentrance rule, post-return and may_leave are as in call_lifted; a
/// trap leaves the instance entered. This is the fused adapter between two guests (canon
/// lower of a lifted export, with types validation proved equal) and the host's fast path.
Result<void> call_scalars(const LiftedFunc& f, std::span<const uint64_t> args, uint64_t* result,
                          ComponentInstance* caller);

/// The immediates of `canon lower $callee $opts (core func)` and the instance it lives in.
struct LoweredFunc {
  FuncType type;
  CanonOptions opts;
  ComponentInstance* inst = nullptr;
  ComponentFunc callee;
};

/// Store.lower + canon_lower (synchronous): the may_leave check, lifting the flat arguments
/// (and lending borrowed handles), the call, lowering the results (through the return-area
/// pointer when they do not fit MAX_FLAT_RESULTS) and returning the lent handles.
/// `flat_args` must have flatten_functype(..., Lower).params' length.
Result<std::vector<rt::Slot>> call_lowered(const LoweredFunc& f, std::span<const rt::Slot> flat_args);

/// flatten_functype with the options' address type and async/callback flags.
CoreFuncType flatten_functype(const FuncType& ft, const CanonOptions& opts, CallContext context);

}  // namespace shard::component::abi
