// Shard's embedding API: load a module, link host functions, instantiate, call.
//
//   shard::Engine engine;                                   // configuration: tier, limits
//   auto module = shard::Module::from_file(engine, "add.wat");
//   if (!module) { fmt::print("{}\n", module.error().to_string()); return 1; }
//   shard::Store store(engine);                             // owns all runtime objects
//   shard::Linker linker(engine);
//   linker.func("env", "log", [](int32_t x) { std::printf("%d\n", x); });
//   auto instance = linker.instantiate(store, *module);
//   auto add = instance->typed_func<int32_t(int32_t, int32_t)>("add");
//   shard::Result<int32_t> sum = (*add)(2, 3);              // a trap is an Error, kind Trap
//
// Error model: every fallible call returns shard::Result<T> (shard/result.h). Nothing throws,
// and no input — a malformed module, a trapping guest, a bad argument — aborts the host.
//
// Lifetimes: Func, Memory, Table, Global and Instance are handles into a Store; they are
// cheap to copy and valid as long as their Store lives. A Store is single-threaded.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "shard/config.h"
#include "shard/result.h"
#include "shard/trap.h"
#include "shard/types.h"

namespace shard {

namespace rt {
class Store;
struct FuncInst;
struct MemoryInst;
struct TableInst;
struct GlobalInst;
struct Instance;
struct HostCall;
}  // namespace rt
struct WasmModule;
namespace detail {
struct Access;  // lib/api's door to the handles' internals
}

/// The type of an import or export.
struct ExternType {
  ExternKind kind = ExternKind::Func;
  FuncType func;     ///< for Func
  TableType table;   ///< for Table
  MemoryType memory; ///< for Memory
  GlobalType global; ///< for Global
};

struct ImportDesc {
  std::string module;
  std::string name;
  ExternType type;
};

struct ExportDesc {
  std::string name;
  ExternType type;
};

/// A decoded and validated module: immutable, shareable between stores and threads.
class Module {
 public:
  /// From the binary format. Errors: ErrorKind::Malformed / Invalid with the byte offset.
  static Result<Module> from_binary(const Engine& engine, std::span<const uint8_t> bytes);
  /// From the text format (.wat). Errors carry line:column.
  static Result<Module> from_text(const Engine& engine, std::string_view text);
  /// From a file, binary or text (told apart by the "\0asm" magic).
  static Result<Module> from_file(const Engine& engine, const std::string& path);

  std::vector<ImportDesc> imports() const;
  std::vector<ExportDesc> exports() const;
  /// The module's name from the name section, if any.
  std::string_view name() const;

 private:
  friend struct detail::Access;
  explicit Module(std::shared_ptr<const WasmModule> ir) : ir_(std::move(ir)) {}
  std::shared_ptr<const WasmModule> ir_;
};

/// Owns every runtime object (functions, memories, tables, globals, instances).
class Store {
 public:
  explicit Store(const Engine& engine);
  ~Store();
  // Handles point back at their Store, so a Store stays where it was made.
  Store(Store&&) = delete;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const Engine& engine() const { return engine_; }
  rt::Store& raw() { return *store_; }  ///< Shard-internal; not for embedders

  /// Fuel: a deterministic budget. One unit is consumed at every function entry and every
  /// time execution reaches the start of a `loop` (its first entry and each branch back to
  /// it); when none is left the guest traps "all fuel consumed" (TrapKind::OutOfFuel). Needs
  /// EngineConfig::consume_fuel (else ErrorKind::Usage). A new store has 0 units.
  Result<void> set_fuel(uint64_t units);
  /// The units left.
  Result<uint64_t> fuel() const;
  /// Epochs: trap "interrupted" (TrapKind::Interrupted) at the first function entry or loop
  /// iteration once the engine's epoch (Engine::increment_epoch) has advanced `ticks` past
  /// its value now. Needs EngineConfig::epoch_interruption (else ErrorKind::Usage).
  Result<void> set_epoch_deadline(uint64_t ticks);
  /// Instead of trapping at the deadline, call `callback`: it returns how many more ticks to
  /// run (the deadline moves to now + that; 0 stops) or nullopt to trap "interrupted".
  void on_epoch_deadline(std::function<std::optional<uint64_t>()> callback);
  /// Why this store cannot run code (the configured tier is not available), or empty.
  const std::string& tier_error() const { return tier_error_; }

 private:
  Engine engine_;
  std::unique_ptr<rt::Store> store_;
  std::string tier_error_;
};

class Func;

/// A WebAssembly value: a number, a vector, or a reference.
class Val {
 public:
  Val() = default;  ///< i32 0
  static Val i32(int32_t v) { return num(ValType::I32, &v, 4); }
  static Val i64(int64_t v) { return num(ValType::I64, &v, 8); }
  static Val f32(float v) { return num(ValType::F32, &v, 4); }
  static Val f64(double v) { return num(ValType::F64, &v, 8); }
  static Val v128(const std::array<uint8_t, 16>& bytes) { return num(ValType::V128, bytes.data(), 16); }
  /// A null reference of a reference type (funcref or externref).
  static Val null(ValType ref_type) {
    Val v;
    v.type_ = ref_type;
    return v;
  }
  /// A host reference: any non-null pointer the embedder chooses; wasm code can only pass it around.
  static Val externref(void* p) {
    Val v;
    v.type_ = ValType::ExternRef;
    v.ref_ = p;
    return v;
  }
  static Val funcref(const Func& f);

  ValType type() const { return type_; }
  int32_t i32() const { return get<int32_t>(); }
  int64_t i64() const { return get<int64_t>(); }
  float f32() const { return get<float>(); }
  double f64() const { return get<double>(); }
  std::array<uint8_t, 16> v128() const { return bits_; }
  void* ref() const { return ref_; }
  bool is_null() const { return ref_ == nullptr; }

  /// "i32:42", "f64:1.5", "v128:0x...", "funcref:null", ...
  std::string to_string() const;

 private:
  static Val num(ValType t, const void* p, size_t n) {
    Val v;
    v.type_ = t;
    __builtin_memcpy(v.bits_.data(), p, n);
    return v;
  }
  template <class T>
  T get() const {
    T out;
    __builtin_memcpy(&out, bits_.data(), sizeof(T));
    return out;
  }
  ValType type_ = ValType::I32;
  std::array<uint8_t, 16> bits_{};
  void* ref_ = nullptr;
};

class Memory;

/// What a host function sees of its caller.
class Caller {
 public:
  /// The calling instance's memory 0, if it has one (e.g. for pointer arguments).
  std::optional<Memory> memory() const;
  Store& store() const { return store_; }

 private:
  friend class Func;
  Caller(Store& store, rt::HostCall& call) : store_(store), call_(call) {}
  Store& store_;
  rt::HostCall& call_;
};

/// An untyped host function: reads `args`, writes `results` (already sized and typed with
/// zeros). Returning an Error traps the calling wasm code with the error's message.
using HostCallback = std::function<Result<void>(Caller&, std::span<const Val> args, std::span<Val> results)>;

namespace detail {
template <class T> struct WasmTypeOf;
template <> struct WasmTypeOf<int32_t> { static constexpr ValType kType = ValType::I32; };
template <> struct WasmTypeOf<uint32_t> { static constexpr ValType kType = ValType::I32; };
template <> struct WasmTypeOf<int64_t> { static constexpr ValType kType = ValType::I64; };
template <> struct WasmTypeOf<uint64_t> { static constexpr ValType kType = ValType::I64; };
template <> struct WasmTypeOf<float> { static constexpr ValType kType = ValType::F32; };
template <> struct WasmTypeOf<double> { static constexpr ValType kType = ValType::F64; };

template <class T> T from_val(const Val& v) {
  if constexpr (sizeof(T) == 4 && std::is_integral_v<T>) return static_cast<T>(v.i32());
  else if constexpr (std::is_integral_v<T>) return static_cast<T>(v.i64());
  else if constexpr (std::is_same_v<T, float>) return v.f32();
  else return v.f64();
}
template <class T> Val to_val(T x) {
  if constexpr (sizeof(T) == 4 && std::is_integral_v<T>) return Val::i32(static_cast<int32_t>(x));
  else if constexpr (std::is_integral_v<T>) return Val::i64(static_cast<int64_t>(x));
  else if constexpr (std::is_same_v<T, float>) return Val::f32(x);
  else return Val::f64(x);
}

template <class T> struct IsResult : std::false_type {};
template <class T> struct IsResult<Result<T>> : std::true_type { using Inner = T; };

/// Result types a host lambda may return: void, a number, Result<void>, Result<number>.
template <class R> struct HostReturn {
  using Value = R;
  static std::vector<ValType> types() {
    if constexpr (std::is_void_v<R>) return {};
    else return {WasmTypeOf<R>::kType};
  }
};
template <class R> struct HostReturn<Result<R>> : HostReturn<R> {};

template <class F> struct CallableTraits : CallableTraits<decltype(&F::operator())> {};
template <class C, class R, class... A> struct CallableTraits<R (C::*)(A...) const> {
  using Return = R;
  using Args = std::tuple<A...>;
};
template <class C, class R, class... A> struct CallableTraits<R (C::*)(A...)> {
  using Return = R;
  using Args = std::tuple<A...>;
};
template <class R, class... A> struct CallableTraits<R (*)(A...)> {
  using Return = R;
  using Args = std::tuple<A...>;
};

template <class Tuple> struct WasmArgs;
template <class... A> struct WasmArgs<std::tuple<A...>> {
  static constexpr bool kHasCaller = false;
  using Plain = std::tuple<A...>;
};
template <class... A> struct WasmArgs<std::tuple<Caller&, A...>> {
  static constexpr bool kHasCaller = true;
  using Plain = std::tuple<A...>;
};

template <class Tuple, size_t... I>
std::vector<ValType> param_types(std::index_sequence<I...>) {
  return {WasmTypeOf<std::decay_t<std::tuple_element_t<I, Tuple>>>::kType...};
}

/// Adapts a typed lambda to a HostCallback and its FuncType.
template <class F>
std::pair<FuncType, HostCallback> wrap_host(F&& f) {
  using Traits = CallableTraits<std::decay_t<F>>;
  using Args = WasmArgs<typename Traits::Args>;
  using Plain = typename Args::Plain;
  using R = typename Traits::Return;
  constexpr size_t N = std::tuple_size_v<Plain>;
  FuncType type{param_types<Plain>(std::make_index_sequence<N>{}), HostReturn<R>::types()};
  HostCallback cb = [fn = std::forward<F>(f)](Caller& caller, std::span<const Val> args,
                                              std::span<Val> results) mutable -> Result<void> {
    auto invoke = [&]<size_t... I>(std::index_sequence<I...>) -> decltype(auto) {
      if constexpr (Args::kHasCaller)
        return fn(caller, from_val<std::decay_t<std::tuple_element_t<I, Plain>>>(args[I])...);
      else
        return fn(from_val<std::decay_t<std::tuple_element_t<I, Plain>>>(args[I])...);
    };
    if constexpr (std::is_void_v<R>) {
      invoke(std::make_index_sequence<N>{});
      return {};
    } else if constexpr (IsResult<R>::value) {
      auto r = invoke(std::make_index_sequence<N>{});
      if (!r) return std::move(r).error();
      if constexpr (!std::is_void_v<typename IsResult<R>::Inner>) results[0] = to_val(*r);
      return {};
    } else {
      results[0] = to_val(invoke(std::make_index_sequence<N>{}));
      return {};
    }
  };
  return {std::move(type), std::move(cb)};
}
}  // namespace detail

template <class Sig> class TypedFunc;

/// A function: exported by an instance or defined by the host.
class Func {
 public:
  /// A host function with an explicit type and an untyped body.
  static Func create(Store& store, FuncType type, HostCallback callback);
  /// A host function from a lambda; the wasm type is deduced from its signature. The lambda
  /// may take `shard::Caller&` first, and return void, a number, Result<void> or Result<number>.
  template <class F>
  static Func wrap(Store& store, F&& f) {
    auto [type, cb] = detail::wrap_host(std::forward<F>(f));
    return create(store, std::move(type), std::move(cb));
  }

  const FuncType& type() const;
  /// Calls with dynamically typed values. A trap comes back as ErrorKind::Trap with the
  /// trap kind and wasm backtrace; wrong argument count/types as ErrorKind::Usage.
  Result<std::vector<Val>> call(std::span<const Val> args) const;
  Result<std::vector<Val>> call(std::initializer_list<Val> args) const {
    return call(std::span<const Val>(args.begin(), args.size()));
  }
  /// A statically typed view; ErrorKind::Usage if the signature does not match.
  template <class Sig> Result<TypedFunc<Sig>> typed() const;

  rt::FuncInst* raw() const { return func_; }  ///< Shard-internal

 private:
  friend struct detail::Access;
  Func(Store* store, rt::FuncInst* f) : store_(store), func_(f) {}
  Store* store_ = nullptr;
  rt::FuncInst* func_ = nullptr;
};

template <class R, class... A>
class TypedFunc<R(A...)> {
 public:
  using Ret = std::conditional_t<std::is_void_v<R>, Result<void>, Result<R>>;
  Ret operator()(A... args) const {
    std::array<Val, sizeof...(A)> in{detail::to_val(args)...};
    auto r = func_.call(std::span<const Val>(in.data(), in.size()));
    if (!r) return std::move(r).error();
    if constexpr (std::is_void_v<R>) return Result<void>{};
    else return detail::from_val<R>(r->front());
  }
  const Func& func() const { return func_; }

 private:
  friend class Func;
  explicit TypedFunc(Func f) : func_(std::move(f)) {}
  Func func_;
};

template <class Sig>
Result<TypedFunc<Sig>> Func::typed() const {
  using Traits = detail::CallableTraits<Sig*>;
  using Args = typename Traits::Args;
  FuncType want{detail::param_types<Args>(std::make_index_sequence<std::tuple_size_v<Args>>{}),
                detail::HostReturn<typename Traits::Return>::types()};
  if (!(type() == want)) return Error{ErrorKind::Usage, "function signature does not match the requested C++ type"};
  return TypedFunc<Sig>(*this);
}

/// A linear memory. All accessors are bounds-checked; data()/size() give the raw range for
/// code that checks bounds itself (valid until the next grow).
class Memory {
 public:
  static Result<Memory> create(Store& store, MemoryType type);
  MemoryType type() const;
  uint8_t* data() const;
  uint64_t size() const;  ///< in bytes
  uint64_t pages() const { return size() >> 16; }
  /// Grows by `delta` pages; the old size in pages, or an error past the limits.
  Result<uint64_t> grow(uint64_t delta) const;
  /// [offset, offset+length) as a span, or ErrorKind::Usage if out of bounds.
  Result<std::span<uint8_t>> view(uint64_t offset, uint64_t length) const;
  Result<void> read(uint64_t offset, std::span<uint8_t> out) const;
  Result<void> write(uint64_t offset, std::span<const uint8_t> in) const;

 private:
  friend struct detail::Access;
  friend class Caller;
  Memory(Store* store, rt::MemoryInst* m) : store_(store), mem_(m) {}
  Store* store_ = nullptr;
  rt::MemoryInst* mem_ = nullptr;
};

class Global {
 public:
  static Global create(Store& store, GlobalType type, const Val& init);
  GlobalType type() const;
  Val get() const;
  /// ErrorKind::Usage for an immutable global or a value of the wrong type.
  Result<void> set(const Val& v) const;

 private:
  friend struct detail::Access;
  Global(Store* store, rt::GlobalInst* g) : store_(store), global_(g) {}
  Store* store_ = nullptr;
  rt::GlobalInst* global_ = nullptr;
};

class Table {
 public:
  static Result<Table> create(Store& store, TableType type, const Val& init);
  TableType type() const;
  uint64_t size() const;
  Result<Val> get(uint64_t index) const;
  Result<void> set(uint64_t index, const Val& v) const;
  /// The old size, or an error past the limits.
  Result<uint64_t> grow(uint64_t delta, const Val& init) const;

 private:
  friend struct detail::Access;
  Table(Store* store, rt::TableInst* t) : store_(store), table_(t) {}
  Store* store_ = nullptr;
  rt::TableInst* table_ = nullptr;
};

/// Anything a module can import or export.
using Extern = std::variant<Func, Memory, Table, Global>;

/// An instantiated module.
class Instance {
 public:
  std::optional<Extern> get(std::string_view name) const;
  Result<Func> func(std::string_view name) const;
  template <class Sig>
  Result<TypedFunc<Sig>> typed_func(std::string_view name) const {
    auto f = func(name);
    if (!f) return std::move(f).error();
    return f->template typed<Sig>();
  }
  Result<Memory> memory(std::string_view name) const;
  Result<Global> global(std::string_view name) const;
  Result<Table> table(std::string_view name) const;
  /// Export names in the module's order.
  std::vector<std::string> export_names() const;

 private:
  friend struct detail::Access;
  Instance(Store* store, rt::Instance* inst) : store_(store), inst_(inst) {}
  Store* store_ = nullptr;
  rt::Instance* inst_ = nullptr;
};

/// Resolves imports by (module, name) and instantiates modules.
class Linker {
 public:
  explicit Linker(const Engine& engine) : engine_(engine) {}

  /// Defines an import with a store-bound value (it may only be used with that store).
  Linker& define(std::string module, std::string name, Extern value);
  /// Defines a host function from a lambda (type deduced, see Func::wrap); it is created in
  /// whichever store instantiates.
  template <class F>
  Linker& func(std::string module, std::string name, F&& f) {
    auto [type, cb] = detail::wrap_host(std::forward<F>(f));
    return func_untyped(std::move(module), std::move(name), std::move(type), std::move(cb));
  }
  Linker& func_untyped(std::string module, std::string name, FuncType type, HostCallback callback);
  /// Makes every export of `instance` importable as `module`.
  Linker& define_instance(std::string module, const Instance& instance);

  /// Instantiates: imports resolved here (ErrorKind::Unlinkable "unknown import" /
  /// "incompatible import type"), segments applied, the start function run
  /// (ErrorKind::Uninstantiable or Trap on a trap).
  Result<Instance> instantiate(Store& store, const Module& module) const;

 private:
  struct HostDef {
    FuncType type;
    HostCallback callback;
  };
  struct Def {
    std::string module;
    std::string name;
    std::optional<Extern> value;    ///< a store-bound definition, or
    std::shared_ptr<HostDef> host;  ///< a host function created per instantiating store
  };
  const Def* find(std::string_view module, std::string_view name) const;

  Engine engine_;
  std::vector<Def> defs_;
};

}  // namespace shard
