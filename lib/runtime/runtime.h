// The runtime core (exec/runtime.rst, exec/modules.rst): the store and everything it owns,
// instantiation, invocation, and the one calling convention shared by every execution tier
// (interpreter, JIT) and host functions.
//
// Layout for compiled code. The structs below that a tier touches on hot paths (Instance's
// VM-context block, MemoryInst, TableInst, GlobalInst, FuncInst's head) keep their fields at
// fixed, static_assert-ed offsets (runtime/layout.h), so generated code can address them
// directly, like wasmtime's VMContext.
//
// Calling convention ("array call", like wasmtime's ValRaw array): every function, whatever
// implements it, is entered as
//     TrapKind entry(ExecContext* ctx, FuncInst* callee, Slot* args_results)
// with the arguments in args_results[0..nparams) and the results written to
// args_results[0..nresults) (so the caller sizes the area for max(nparams, nresults)).
// Slots past the results are free scratch for the callee only if it owns the stack above
// (tiers allocate their frames from ExecContext's value stack, starting at ctx->stack_top).
// A non-None return is a trap; its details (message, backtrace) are in ctx->trap.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "module.h"
#include "runtime/code_table.h"
#include "runtime/v128.h"
#include "shard/config.h"
#include "shard/result.h"
#include "shard/trap.h"

namespace shard::rt {

class Store;
struct Instance;
struct FuncInst;
struct ExecContext;

/// One operand/argument cell of the calling convention (16 bytes; v128 uses all of it).
/// References: funcref = FuncInst* (or null), externref = opaque host pointer (or null).
union Slot {
  uint32_t i32;
  uint64_t i64;
  float f32;
  double f64;
  V128 v128;
  void* ref;
};
static_assert(sizeof(Slot) == 16);

/// A typed value at the API (exec/runtime.rst: Values).
struct Value {
  ValType type = ValType::I32;
  union {
    uint32_t i32;
    uint64_t i64;
    float f32;
    double f64;
    V128 v128;
    void* ref;  ///< FuncInst* for funcref, a host pointer for externref; nullptr = ref.null
  };

  Value() : v128{} {}
  static Value from_i32(uint32_t v) { Value r; r.type = ValType::I32; r.i32 = v; return r; }
  static Value from_i64(uint64_t v) { Value r; r.type = ValType::I64; r.i64 = v; return r; }
  static Value from_f32(float v) { Value r; r.type = ValType::F32; r.f32 = v; return r; }
  static Value from_f64(double v) { Value r; r.type = ValType::F64; r.f64 = v; return r; }
  static Value from_v128(const V128& v) { Value r; r.type = ValType::V128; r.v128 = v; return r; }
  static Value funcref(FuncInst* f) { Value r; r.type = ValType::FuncRef; r.ref = f; return r; }
  static Value externref(void* p) { Value r; r.type = ValType::ExternRef; r.ref = p; return r; }
  static Value null_ref(ValType t) { Value r; r.type = t; r.ref = nullptr; return r; }
  /// The zero / null value of a type (exec/runtime.rst: default values).
  static Value default_of(ValType t) { Value r; r.type = t; return r; }

  bool is_null() const { return ref == nullptr; }
  Slot to_slot() const { Slot s; s.v128 = v128; return s; }
  static Value from_slot(ValType t, const Slot& s) { Value r; r.type = t; r.v128 = s.v128; return r; }
};

/// One frame of a trap's wasm backtrace, innermost first.
struct Frame {
  const Instance* instance = nullptr;  ///< null for host functions
  uint32_t func_index = 0;             ///< in the instance's function index space
  std::string func_name;               ///< from the name section, or empty
  size_t offset = SIZE_MAX;            ///< byte offset of the instruction in the module binary
};

/// A runtime fault as a value (exec/runtime.rst: trap). Never thrown.
struct Trap {
  TrapKind kind = TrapKind::None;
  std::string message;           ///< the spec's wording (trap_message) or a host's text
  std::vector<Frame> backtrace;  ///< innermost first
  std::string to_string() const; ///< message plus one line per frame
  /// The public error for this trap (ErrorKind::Trap with the kind and the backtrace): the
  /// one conversion every API layer (core, components) reports traps through.
  Error to_error() const;
};

/// Results of an invocation, or the trap that ended it.
struct CallResult {
  std::vector<Value> values;
  std::optional<Trap> trap;
  bool ok() const { return !trap.has_value(); }
};

/// Resource limits and memory-reservation policy for a Store.
struct StoreConfig {
  uint64_t max_memory_pages = 65536;    ///< per memory; 65536 pages = 4 GiB (the 32-bit limit)
  uint64_t max_table_elements = 10'000'000;
  uint32_t max_call_depth = 20'000;     ///< wasm + host frames; beyond → "call stack exhausted"
  uint32_t max_host_reentry = 200;      ///< nested host→wasm entries (each uses host stack)
  size_t value_stack_bytes = 64u << 20; ///< reserved (not committed) up front; 16 bytes per slot
  /// Reserve every address a 32-bit access can form (4 GiB + the largest u32 offset + the
  /// widest access) plus a guard per memory (kFullReservation, memory.cpp), so bounds checks
  /// can be elided and memory.grow never moves the base. When false, memories reserve
  /// max_pages (or their declared max) + guard_bytes.
  bool reserve_full_memory = true;
  size_t guard_bytes = 64u << 10;       ///< guard region after the reservation, when !reserve_full_memory
  /// Loads and stores on a fully reserved memory rely on the guard region (the fault becomes
  /// the trap, runtime/signals.h) instead of software checks. Needs reserve_full_memory.
  bool signal_based_traps = true;
  /// Native stack wasm may use below the outermost host→wasm entry (EngineConfig::max_wasm_stack).
  size_t max_wasm_stack = 512u << 10;
  /// Which checks compiled code carries (CodeVariant bits kMeterFuel, kMeterEpoch).
  uint8_t metering = kMeterNone;
  /// The engine's epoch counter (Engine::epoch_counter); null: the store's own, never advanced.
  const std::atomic<uint64_t>* epoch = nullptr;
};

/// A function instance (exec/runtime.rst: function instances). `entry` is the calling
/// convention's target; the head fields are at fixed offsets (layout.h).
using EntryFn = TrapKind (*)(ExecContext* ctx, FuncInst* callee, Slot* args_results);

struct HostCall;
/// A host function body. Return TrapKind::None on success; any other kind traps the caller
/// (set HostCall::message for a custom text, e.g. with TrapKind::HostError).
using HostFunc = std::function<TrapKind(HostCall&, const Value* args, Value* results)>;

/// Compiled code for one function (interpreter code, JIT code). It belongs to the tier's
/// per-module cache (WasmModule::caches), not to an instance: every instance of a module,
/// in any store, runs the same code, which reaches instance state only through the VM
/// context (Instance's head) at run time.
struct TierCode {
  virtual ~TierCode() = default;
};

/// Trivially destructible and small: instantiation builds an instance's FuncInsts in one
/// block (Instance::defined_funcs) with a few stores each.
struct FuncInst {
  EntryFn entry = nullptr;          ///< offset 0
  Instance* instance = nullptr;     ///< owning instance; null for host functions
  uint32_t type_id = 0;             ///< store-canonical signature id (Store::intern_type)
  uint32_t index = 0;               ///< index in the instance's function space (defining module)
  const FuncType* type = nullptr;
  /// The function's slot in its module's code table for the store's tier and variant
  /// (code_table.h): every instance of the module shares it, so publishing new code there
  /// (lazy compilation, tier-up) is one atomic store. Null for host functions.
  std::atomic<TierCode*>* code = nullptr;
  const HostFunc* host = nullptr;   ///< host functions only; owned by the store
  uint32_t nparams = 0, nresults = 0;
  bool is_host() const { return instance == nullptr; }
};
static_assert(std::is_trivially_destructible_v<FuncInst>);

/// Address space reserved per memory for the guard-page scheme: every address a 32-bit access
/// can form (0xFFFFFFFF + a u32 offset 0xFFFFFFFF + the widest access, 16 bytes) fits below
/// 8 GiB + 16, and a 64 KiB guard follows (exec/instructions.rst: t.load's effective address
/// is i + memarg.offset, both u32).
inline constexpr uint64_t kFullReservation = (8ull << 30) + (64u << 10);
static_assert(kFullReservation > 0xFFFFFFFFull + 0xFFFFFFFFull + 16);

/// A linear memory (exec/runtime.rst: memory instances). The address range is reserved up
/// front and committed as it grows; `base` never changes.
struct MemoryInst {
  uint8_t* base = nullptr;   ///< offset 0
  uint64_t size = 0;         ///< current size in bytes, offset 8
  MemoryType type;           ///< limits.min updated to the current page count on grow
  uint64_t max_pages = 0;    ///< effective maximum: min(declared max, store config)
  size_t reserved = 0;       ///< bytes of address space reserved (committed + guard)
  uint64_t reservation_handle = 0;  ///< signals.h registry entry, when fully reserved
  /// Every access a 32-bit load/store can form lands in this reservation.
  bool fully_reserved() const { return reserved >= kFullReservation; }

  MemoryInst() = default;
  MemoryInst(const MemoryInst&) = delete;
  MemoryInst& operator=(const MemoryInst&) = delete;
  ~MemoryInst();

  uint64_t pages() const { return size >> 16; }
  /// memory.grow (exec/instructions.rst): the old size in pages, or -1 (as uint32) on failure.
  uint32_t grow(uint64_t delta_pages);
  /// True when [addr, addr+len) is inside the memory (no overflow for 64-bit sums).
  bool in_bounds(uint64_t addr, uint64_t len) const { return addr <= size && len <= size - addr; }
};

/// A table (exec/runtime.rst: table instances). elements/size at offsets 0/8.
struct TableInst {
  void** elements = nullptr;  ///< offset 0; == storage.data()
  uint64_t size = 0;          ///< offset 8
  TableType type;             ///< limits.min updated to the current size on grow
  uint64_t max_size = 0;      ///< effective maximum: min(declared max, store config)
  std::vector<void*> storage;

  /// table.grow: old size, or -1 (as uint32) on failure. New elements are `init`.
  uint32_t grow(uint64_t delta, void* init);
  bool in_bounds(uint64_t i, uint64_t n) const { return i <= size && n <= size - i; }
};

/// A global (exec/runtime.rst: global instances). The value is at offset 0.
struct GlobalInst {
  Slot value{};
  GlobalType type;
  Value get() const { return Value::from_slot(type.type, value); }
};

/// Element and data instances (exec/runtime.rst); elem.drop / data.drop empty them.
struct ElemInst {
  ValType type = ValType::FuncRef;
  std::vector<void*> refs;
};
struct DataInst {
  const uint8_t* bytes = nullptr;  ///< into the module's binary, kept alive by the instance
  size_t size = 0;
};

/// A tag (exec/runtime.rst: tag instances). Its identity is its address: every tag a module
/// defines is a fresh TagInst per instance, so equal types never make two tags the same.
struct TagInst {
  const FuncType* type = nullptr;  ///< store-canonical (Store::type_of); params are the payload
  uint32_t type_id = 0;
};

/// An exception (exec/runtime.rst: exception instances): a tag and its payload. An exnref
/// is an ExnInst* (or null). Owned by the store.
struct ExnInst {
  TagInst* tag = nullptr;
  std::vector<Slot> fields;
  /// Whether anything may still refer to it: set when wasm receives it as an exnref
  /// (catch_ref / catch_all_ref) and for exceptions a host creates. One that was never
  /// exposed is recycled once a plain catch / catch_all consumes it (Store::recycle_exn), so
  /// code that throws in a loop does not grow the store.
  bool exposed = true;
};

/// An external value (exec/runtime.rst: external values).
struct Extern {
  ExternKind kind = ExternKind::Func;
  void* ptr = nullptr;  ///< FuncInst* / TableInst* / MemoryInst* / GlobalInst*

  static Extern func(FuncInst* f) { return {ExternKind::Func, f}; }
  static Extern table(TableInst* t) { return {ExternKind::Table, t}; }
  static Extern memory(MemoryInst* m) { return {ExternKind::Memory, m}; }
  static Extern global(GlobalInst* g) { return {ExternKind::Global, g}; }
  static Extern tag(TagInst* t) { return {ExternKind::Tag, t}; }
  FuncInst* as_func() const { return kind == ExternKind::Func ? static_cast<FuncInst*>(ptr) : nullptr; }
  TableInst* as_table() const { return kind == ExternKind::Table ? static_cast<TableInst*>(ptr) : nullptr; }
  MemoryInst* as_memory() const { return kind == ExternKind::Memory ? static_cast<MemoryInst*>(ptr) : nullptr; }
  GlobalInst* as_global() const { return kind == ExternKind::Global ? static_cast<GlobalInst*>(ptr) : nullptr; }
  TagInst* as_tag() const { return kind == ExternKind::Tag ? static_cast<TagInst*>(ptr) : nullptr; }
};

/// A module instance (exec/runtime.rst: module instances). The first block is the
/// VM context compiled code addresses at fixed offsets (layout.h); the vectors own the arrays.
struct Instance {
  // ---- VM context (fixed offsets) ----
  uint8_t* mem0_base = nullptr;       ///< memory 0's base (stable for the memory's lifetime)
  MemoryInst* mem0 = nullptr;         ///< memory 0 (size at MemoryInst offset 8)
  GlobalInst** globals = nullptr;     ///< by global index
  TableInst** tables = nullptr;       ///< by table index
  FuncInst** funcs = nullptr;         ///< by function index
  const uint32_t* type_ids = nullptr; ///< canonical type id by type index (call_indirect)
  ElemInst** elems = nullptr;
  DataInst** datas = nullptr;
  MemoryInst** memories = nullptr;
  Store* store = nullptr;
  // ---- end of VM context ----
  uint8_t code_variant = 0;  ///< CodeVariant bits of this instance's functions (Store::code_variant)

  std::shared_ptr<const WasmModule> module;
  /// The module's own functions, allocated once (reserved to their count: addresses are
  /// stable); func_vec points into it after the imports.
  std::vector<FuncInst> defined_funcs;
  std::vector<FuncInst*> func_vec;
  std::vector<TableInst*> table_vec;
  std::vector<MemoryInst*> memory_vec;
  std::vector<GlobalInst*> global_vec;
  std::vector<ElemInst*> elem_vec;
  std::vector<DataInst*> data_vec;
  std::vector<uint32_t> type_id_vec;
  std::vector<TagInst*> tag_vec;  ///< by tag index (imports first)
  std::vector<std::pair<std::string, Extern>> exports;  ///< in the module's export order

  std::optional<Extern> find_export(std::string_view name) const;
  /// Convenience for `(get $m "g")`: the exported global's value.
  std::optional<Value> get_global(std::string_view name) const;
  FuncInst* find_func(std::string_view name) const;
};

/// What a host function sees of its caller.
struct HostCall {
  Store& store;
  ExecContext* ctx = nullptr;
  Instance* caller = nullptr;   ///< instance of the calling wasm function, if any
  MemoryInst* memory = nullptr; ///< caller's memory 0, if any (for WASI-style pointer args)
  std::string message;          ///< trap message to report when returning a trap kind

  /// The way back from an Error to the trap a host function returns (the inverse of
  /// Trap::to_error): a trap error keeps its kind, anything else is TrapKind::HostError;
  /// the error's message becomes the trap's.
  TrapKind fail(const Error& e);
};

/// Per-store execution state shared by all tiers: the interruption state, the value stack,
/// the call depth, and the trap being propagated. One per Store (a Store is single-threaded).
///
/// The head is read by compiled code at fixed offsets (layout.h). The interruption checks a
/// tier places at every function entry and loop iteration (its metered code variant only):
///   fuel:   if (fuel == 0) trap OutOfFuel ("all fuel consumed"); else --fuel;
///   epoch:  if (epoch->load(relaxed) >= epoch_deadline) k = epoch_deadline_reached(ctx);
/// and at every function entry that runs on the host stack:
///   if (native sp < stack_limit) trap CallStackExhausted.
struct ExecContext {
  // ---- fixed offsets (layout.h) ----
  uint64_t fuel = 0;                            ///< remaining fuel units (metered code only)
  uint64_t epoch_deadline = UINT64_MAX;         ///< the epoch at which to interrupt
  const std::atomic<uint64_t>* epoch = nullptr; ///< the engine's counter (never null in a store)
  uintptr_t stack_limit = 0;                    ///< lowest native stack address wasm may reach
  // ---- end of fixed offsets ----
  Store* store = nullptr;
  Slot* stack_base = nullptr;
  Slot* stack_end = nullptr;
  Slot* stack_top = nullptr;    ///< first free slot; a tier advances it while a frame is live
  uint32_t depth = 0;           ///< current call depth (all tiers)
  uint32_t max_depth = 0;
  uint32_t reentry = 0;         ///< nested entries from the host
  Instance* caller = nullptr;   ///< set by a tier before it calls a host function
  Trap trap;                    ///< filled when an entry returns a trap kind
  /// The exception being thrown while an entry returns TrapKind::Exception (exception
  /// handling): tiers catch it in their try_table handlers; a host function may throw one
  /// by setting it (Store::alloc_exn) and returning TrapKind::Exception.
  ExnInst* exception = nullptr;

  /// Start a trap: sets kind/message and clears the backtrace. Returns `kind`.
  TrapKind raise(TrapKind kind, std::string message = {});
};

/// The runtime limits an embedder's EngineConfig asks for.
StoreConfig store_config(const EngineConfig& engine);
/// The same, plus the engine's epoch counter.
StoreConfig store_config(const Engine& engine);

/// The slow path of the epoch check: the deadline was reached. Calls the store's deadline
/// callback if it has one (which may extend the deadline: execution continues), else
/// raises Interrupted. Returns the trap kind (None to continue).
TrapKind epoch_deadline_reached(ExecContext* ctx);

/// An execution tier (interpreter, JIT): provides the entry point of wasm functions and
/// their code. `module_entry` is called once per instantiation and its result becomes the
/// `entry` of every function the module defines; `code_table` gives the module's table for
/// the store's code variant (Metering bits), and each defined FuncInst points at its slot.
/// The entry finds the function's code through that slot, compiling on the first call in
/// any instance. Instantiation never compiles: code is compiled per module and shared by
/// all instances of the module in every store and thread.
class Tier {
 public:
  virtual ~Tier() = default;
  virtual std::string_view name() const = 0;
  /// The entry of the module's functions compiled as `variant` (CodeVariant bits).
  virtual EntryFn module_entry(const WasmModule& m, uint8_t variant) = 0;
  /// The module's code table for `variant` (created on first use), or null when the tier
  /// keeps code elsewhere.
  virtual CodeTable* code_table(const WasmModule& m, uint8_t variant) = 0;
};

/// Owns every runtime object; objects live as long as the store and have stable addresses.
/// Not thread-safe.
class Store {
 public:
  explicit Store(StoreConfig config = {}, Tier* tier = nullptr);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const StoreConfig& config() const { return config_; }
  Tier* tier() const { return tier_; }
  uint8_t metering() const { return config_.metering; }
  /// The code variant for an instance whose memory 0 is `mem0` (null: none): the store's
  /// metering, plus kGuardPages when the store may trap through signals and mem0 has the
  /// full reservation.
  uint8_t code_variant(const MemoryInst* mem0) const;

  /// Fuel (deterministic interruption): the units left, and setting them. Errors when the
  /// store's code does not count fuel (EngineConfig::consume_fuel).
  Result<void> set_fuel(uint64_t units);
  Result<uint64_t> fuel() const;
  /// Epochs: interrupt when the engine's epoch reaches (current epoch + ticks). Errors when
  /// the store's code does not check epochs (EngineConfig::epoch_interruption).
  Result<void> set_epoch_deadline(uint64_t ticks);
  /// Called when the deadline is reached instead of trapping: return a number of ticks to
  /// extend the deadline by and continue, or nullopt to trap "interrupted".
  using EpochCallback = std::function<std::optional<uint64_t>(Store&)>;
  void on_epoch_deadline(EpochCallback cb) { epoch_callback_ = std::move(cb); }
  const EpochCallback& epoch_callback() const { return epoch_callback_; }
  void set_tier(Tier* tier) { tier_ = tier; }
  ExecContext& exec() { return ctx_; }

  /// Canonical id of a function type: equal types get equal ids across modules.
  uint32_t intern_type(const FuncType& type);
  const FuncType& type_of(uint32_t id) const { return *types_[id]; }

  FuncInst* create_host_func(const FuncType& type, HostFunc fn);
  /// Fails (Uninstantiable, "out of memory"/"memory size exceeds limit") when the config's
  /// limits or the OS refuse the reservation.
  Result<MemoryInst*> create_memory(const MemoryType& type);
  Result<TableInst*> create_table(const TableType& type, void* init = nullptr);
  GlobalInst* create_global(const GlobalType& type, const Value& value);
  /// A fresh tag (a new identity) whose payload types are `type`'s params.
  TagInst* create_tag(const FuncType& type);
  /// An exception of `tag` with `tag->type->params.size()` payload slots copied from `fields`.
  /// `exposed` false is for tiers only (see ExnInst::exposed).
  ExnInst* alloc_exn(TagInst* tag, const Slot* fields, bool exposed = true);
  /// Makes an exception nothing refers to any more reusable by alloc_exn (tiers only).
  void recycle_exn(ExnInst* e) { free_exns_.push_back(e); }
  /// Exception objects the store holds (live or recycled), for tests.
  size_t exception_count() const { return exns_.size(); }

  // Internal allocators used by instantiation.
  ElemInst* alloc_elem();
  DataInst* alloc_data();
  Instance* alloc_instance();

 private:
  StoreConfig config_;
  Tier* tier_ = nullptr;
  ExecContext ctx_;
  bool guard_traps_ = false;  ///< signal_based_traps requested and the handlers are installed
  std::atomic<uint64_t> own_epoch_{0};  ///< when the config names no engine counter
  EpochCallback epoch_callback_;
  void* stack_mapping_ = nullptr;
  size_t stack_mapping_size_ = 0;
  std::vector<std::unique_ptr<FuncType>> types_;
  std::unordered_map<std::string, uint32_t> type_ids_;
  std::vector<std::unique_ptr<FuncInst>> funcs_;  ///< host functions (instances own theirs)
  std::vector<std::unique_ptr<HostFunc>> host_funcs_;
  std::vector<std::unique_ptr<TableInst>> tables_;
  std::vector<std::unique_ptr<MemoryInst>> memories_;
  std::vector<std::unique_ptr<GlobalInst>> globals_;
  std::vector<std::unique_ptr<TagInst>> tags_;
  /// Exceptions live as long as the store (there is no collector): a thrown exception may be
  /// kept as an exnref anywhere (locals, globals, tables).
  std::vector<std::unique_ptr<ExnInst>> exns_;
  std::vector<ExnInst*> free_exns_;
  std::vector<std::unique_ptr<ElemInst>> elems_;
  std::vector<std::unique_ptr<DataInst>> datas_;
  std::vector<std::unique_ptr<Instance>> instances_;
};

/// Instantiates a validated module (exec/modules.rst: instantiation). `imports` are the
/// external values for the module's imports, in import order (name resolution is the
/// caller's). Errors: Unlinkable ("incompatible import type", or a count mismatch) and
/// Uninstantiable (the trap message of a segment or the start function). After an
/// Uninstantiable error, objects already written (table entries, memory bytes) stay written,
/// as the spec requires.
Result<Instance*> instantiate(Store& store, std::shared_ptr<const WasmModule> module,
                              std::span<const Extern> imports);

/// Invokes a function (exec/modules.rst: invocation). Argument count/types are checked;
/// a mismatch is reported as a HostError trap. A trap leaves the store usable.
CallResult call(Store& store, FuncInst* func, std::span<const Value> args);

/// Import matching (valid/types.rst / exec/modules.rst: import subtyping): whether `actual`
/// may be supplied for an import of `expected` type.
bool extern_matches(const Store& store, const Extern& actual, const Import& expected, const WasmModule& module);

/// Types of externs, for the embedder.
const FuncType& func_type(const FuncInst& f);

}  // namespace shard::rt
