// The Component Model (../shared/component-model-spec) for embedders: load a component, see
// its imports and exports with their WIT types, implement imports in C++, link components to
// each other at run time, call exports with C++ values, and run component .wast scripts.
//
//   shard::cm::Store store;
//   shard::cm::Linker linker;
//   linker.define("cyber:demo/translator", "translate",
//                 [](std::string text, std::string lang) { return "Hola " + text; });
//   auto greeter = shard::cm::Component::from_file("greeter.wasm");
//   auto inst = linker.instantiate(store, *greeter);
//   auto hello = inst->call<std::string>("greet", std::string("World"));  // "Hola friend, World!"
//
// Values cross the boundary as `Val` (one generic type for every WIT type) or, with the
// typed helpers, as ordinary C++ types: bool, the fixed-width integers, float/double,
// char32_t (WIT char), std::string, std::vector<T>, std::optional<T>, std::tuple<T...> and
// WitResult<T, E>. (Namespace `cm`: the Component Model; `shard::component` holds Shard's
// internal layers.) Nothing is shared between components but these values: each component
// instance keeps its own linear memories and handle tables.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "shard/config.h"
#include "shard/result.h"
#include "shard/wasi.h"
#include "shard/wast.h"

namespace shard::cm {

// ---- types ------------------------------------------------------------------------------------

/// The kinds of WIT value types (WIT.md: types; Explainer.md: defined value types).
enum class TypeKind : uint8_t {
  Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
  List, Record, Tuple, Variant, Enum, Option, Result, Flags, Own, Borrow,
};

struct Type;
using TypeRef = std::shared_ptr<const Type>;
class ResourceType;

/// A WIT value type, as a tree.
struct Type {
  Type() = default;
  Type(TypeKind k, std::vector<std::string> n = {}, std::vector<TypeRef> t = {}, std::string r = {})  // NOLINT: brace-initialised as {kind, names, types}
      : kind(k), names(std::move(n)), types(std::move(t)), resource(std::move(r)) {}

  TypeKind kind = TypeKind::Bool;
  /// Record: field names; Variant/Enum: case names; Flags: flag names.
  std::vector<std::string> names;
  /// Record: field types; Variant: case payloads (null: no payload); Tuple: elements;
  /// List/Option: {element}; Result: {ok, err} (either may be null).
  std::vector<TypeRef> types;
  /// Own/Borrow: the resource type's name, when known.
  std::string resource;
  /// Own/Borrow in a host function's type: the host resource type (Linker::define_resource).
  std::shared_ptr<const void> host_resource;

  /// `own<r>` / `borrow<r>` of a resource type the host defines.
  static TypeRef own(const ResourceType& r);
  static TypeRef borrow(const ResourceType& r);

  /// WIT syntax, e.g. `list<tuple<u8, string>>` or `record { a: u32, b: string }`.
  std::string to_wit() const;
};

/// A WIT function type: named parameters and at most one result.
struct FuncType {
  std::vector<std::pair<std::string, TypeRef>> params;
  TypeRef result;  ///< null when the function returns nothing
  /// `func(name: string) -> string`
  std::string to_wit() const;
};

// ---- values -----------------------------------------------------------------------------------

class Resource;

/// A component value of any WIT type. Compound values carry their labels (record field
/// names, case and flag names) so they print and convert without their type at hand.
class Val {
 public:
  Val() = default;
  static Val bool_(bool v);
  static Val s8(int8_t v);
  static Val u8(uint8_t v);
  static Val s16(int16_t v);
  static Val u16(uint16_t v);
  static Val s32(int32_t v);
  static Val u32(uint32_t v);
  static Val s64(int64_t v);
  static Val u64(uint64_t v);
  static Val f32(float v);
  static Val f64(double v);
  static Val char_(char32_t v);
  static Val string(std::string v);
  static Val list(std::vector<Val> elems);
  static Val tuple(std::vector<Val> elems);
  static Val record(std::vector<std::pair<std::string, Val>> fields);
  static Val variant(std::string case_name, std::optional<Val> payload = std::nullopt);
  static Val enum_(std::string case_name);
  static Val some(Val v);
  static Val none();
  static Val ok(std::optional<Val> v = std::nullopt);
  static Val err(std::optional<Val> v = std::nullopt);
  static Val flags(std::vector<std::string> set);
  static Val own(Resource r);
  static Val borrow(Resource r);

  TypeKind kind() const { return kind_; }
  bool as_bool() const { return bits_ != 0; }
  int64_t as_s64() const { return static_cast<int64_t>(bits_); }  ///< any signed integer, sign-extended
  uint64_t as_u64() const { return bits_; }                       ///< any unsigned integer
  float as_f32() const;
  double as_f64() const;
  char32_t as_char() const { return static_cast<char32_t>(bits_); }
  const std::string& as_string() const { return text_; }
  /// List/Tuple elements, Record field values (in field order).
  const std::vector<Val>& items() const { return items_; }
  /// Record field names; Flags: the set flags.
  const std::vector<std::string>& names() const { return names_; }
  /// Variant/Enum: the case name; Option: "some"/"none"; Result: "ok"/"err".
  const std::string& case_name() const { return text_; }
  /// Variant/Option/Result payload, or null.
  const Val* payload() const { return items_.empty() ? nullptr : &items_[0]; }
  /// Record field by name, or null.
  const Val* field(std::string_view name) const;
  const Resource& resource() const;  ///< Own/Borrow

  /// WIT value syntax: `{a: 1, b: "x"}`, `[1, 2]`, `some(ok("y"))`, `'c'`, `{read, write}`.
  std::string to_string() const;

  bool operator==(const Val& o) const;  ///< structural; floats bitwise

  /// Bits of a scalar (integers two's complement, floats IEEE), for generic code.
  uint64_t raw_bits() const { return bits_; }
  static Val from_raw(TypeKind scalar, uint64_t bits);
  static Val compound(TypeKind k, std::vector<Val> items, std::vector<std::string> names = {}, std::string text = {});

 private:
  TypeKind kind_ = TypeKind::Bool;
  uint64_t bits_ = 0;
  std::string text_;
  std::vector<std::string> names_;
  std::vector<Val> items_;
  std::shared_ptr<const Resource> resource_;
};

/// A resource handle held by the host. Resources the guest defines travel as their
/// representation (Explainer.md: the host sees `own`/`borrow` values). An owned handle the
/// host drops with drop() runs the resource's destructor in the component that defined it.
class Resource {
 public:
  Resource() = default;
  uint32_t rep() const { return rep_; }
  const std::string& type_name() const;
  /// Runs the destructor of an owned handle (once); a no-op for borrows.
  Result<void> drop();
  struct State;
  explicit Resource(std::shared_ptr<State> s, uint32_t rep) : state_(std::move(s)), rep_(rep) {}
  const std::shared_ptr<State>& state() const { return state_; }

 private:
  std::shared_ptr<State> state_;
  uint32_t rep_ = 0;
};

/// A resource type the host implements (Linker::define_resource): components that import it
/// hold handles to host objects, which the host knows by their representation (a u32 it
/// chooses, e.g. an index into its own table).
class ResourceType {
 public:
  ResourceType() = default;
  const std::string& name() const;
  /// A new owned handle with representation `rep`, for a host function to return (as
  /// `Val::own(...)`); the guest that receives it owns it and drops it through the resource's
  /// destructor.
  Resource make(uint32_t rep) const;
  struct Impl;
  explicit ResourceType(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

/// The `result<T, E>` of WIT for the typed helpers.
template <class T, class E>
struct WitResult {
  bool is_ok = true;
  T value{};
  E error{};
  static WitResult ok(T v) { return {true, std::move(v), E{}}; }
  static WitResult err(E e) { return {false, T{}, std::move(e)}; }
};

/// Parses a value in WIT value syntax (Val::to_string's) as type `t`.
Result<Val> parse_value(std::string_view text, const Type& t);
/// Parses `name(arg, ...)` (an invocation as `shard run --invoke` takes it): the function
/// name (`greet`, `cyber:demo/translator#translate`) and the raw argument texts.
Result<std::pair<std::string, std::vector<std::string>>> split_invocation(std::string_view text);

// ---- components -------------------------------------------------------------------------------

/// What an import or export is.
enum class ItemKind : uint8_t { Func, Instance, Type, Component, Module };

/// An import or export of a component, with its type (functions: the signature; instances:
/// their functions).
struct ItemDesc {
  std::string name;
  ItemKind kind = ItemKind::Func;
  FuncType func;                                     ///< Func
  std::vector<std::pair<std::string, FuncType>> funcs;  ///< Instance: its functions
  std::vector<std::string> types;                    ///< Instance: its type exports (names)
};

/// A decoded and validated component binary. Cheap to copy; share it between stores.
class Component {
 public:
  static Result<Component> from_bytes(std::vector<uint8_t> bytes);
  /// A .wasm component binary, or component text (`(component ...)`) in a .wat file.
  static Result<Component> from_file(const std::string& path);
  static Result<Component> from_text(std::string_view text);

  const std::vector<ItemDesc>& imports() const;
  const std::vector<ItemDesc>& exports() const;
  /// The component's imports and exports as a WIT world.
  std::string wit() const;

  struct Impl;
  const std::shared_ptr<Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

/// Owns every instance created in it and their memories. Not copyable or movable; destroy
/// it to free them. Single-threaded, like a core Store.
class Store {
 public:
  explicit Store(const EngineConfig& config = {});
  /// With an engine whose epoch another thread may advance (Engine::increment_epoch).
  explicit Store(const Engine& engine);
  ~Store();
  /// Fuel and epochs for every core instance of the store's components, with the same
  /// rules as shard::Store (shard.h): one unit per function entry and loop iteration;
  /// "all fuel consumed" / "interrupted" come back from Func::call as ErrorKind::Trap.
  Result<void> set_fuel(uint64_t units);
  Result<uint64_t> fuel() const;
  Result<void> set_epoch_deadline(uint64_t ticks);
  void on_epoch_deadline(std::function<std::optional<uint64_t>()> callback);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

class Instance;

/// A component function: its WIT type and a way to call it with Vals.
class Func {
 public:
  Func() = default;
  const FuncType& type() const;
  /// Calls the function. Arguments are checked against the parameter types (a Usage error
  /// for a mismatch); a trap in the guest (or a canonical-ABI trap) is ErrorKind::Trap.
  Result<std::optional<Val>> call(std::span<const Val> args) const;
  explicit operator bool() const { return impl_ != nullptr; }
  struct Impl;
  explicit Func(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

// ---- typed conversions ----

template <class T, class = void>
struct ValTraits;  // specialised below for the supported C++ types

/// An instantiated component: its exports.
class Instance {
 public:
  Instance() = default;
  /// An exported function: `greet`, or `iface#func` / `iface/func` for a function of an
  /// exported instance (`cyber:demo/translator#translate`).
  Result<Func> func(std::string_view name) const;
  /// The names of the exports (instances' functions as `iface#func`).
  std::vector<std::string> export_names() const;

  /// Calls an export with C++ values; R is void, a supported C++ type, or Val.
  template <class R = void, class... Args>
  Result<R> call(std::string_view name, Args&&... args) const;

  struct Impl;
  explicit Instance(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

/// A host function: Vals in, at most one Val out, or an Error (which traps the caller).
using HostFunc = std::function<Result<std::optional<Val>>(std::span<const Val> args)>;

/// Satisfies imports by name: host functions (grouped into instances for interface imports)
/// and other component instances' exports.
class Linker {
 public:
  Linker();
  ~Linker();
  Linker(Linker&&) noexcept;
  Linker& operator=(Linker&&) noexcept;

  /// A host function for a world-level function import (`interface` empty) or for function
  /// `name` of instance import `interface` (`cyber:demo/translator`). The type is checked
  /// against the import when a component is instantiated.
  Linker& define(std::string interface, std::string name, FuncType type, HostFunc fn);
  /// The same with the type deduced from a C++ callable (parameters and result among the
  /// supported C++ types); parameter names are p0, p1, ...
  template <class F>
  Linker& define(std::string interface, std::string name, F&& fn);
  /// Every export of `inst` that is an instance (or function) becomes available under its
  /// export name: `--link` at run time.
  Linker& define_instance_exports(const Instance& inst);
  /// A resource type `name` of instance import `interface`, implemented by the host: a component
  /// importing the interface sees it as `(export "name" (type (sub resource)))`. Its functions
  /// (`[constructor]name`, `[method]name.m`, `[static]name.s`) are defined with define(),
  /// their types built with Type::own/Type::borrow. `destructor` runs with the representation
  /// when a guest drops an owned handle.
  ResourceType define_resource(std::string interface, std::string name,
                               std::function<void(uint32_t rep)> destructor = {});
  /// Grants WASI 0.2 interfaces the host implements: `wasi:cli/environment` (exactly these
  /// variables and arguments). Imports of capabilities not granted are refused when a
  /// component is instantiated, naming the interface.
  Linker& grant_environment(std::vector<std::pair<std::string, std::string>> env, std::vector<std::string> args = {});

  /// Adds WASI 0.2 (wasi:cli, io, clocks, random, filesystem, sockets; any 0.2.x version a
  /// component imports) with what `config` grants: args, environment, preopened directories,
  /// standard streams (host fds or callbacks), network grants (config.network; denied
  /// operations return access-denied) and a limit on the host resources a guest may hold.
  /// The WASI state (its resource table) belongs to this Linker; stores it instantiates into
  /// keep it alive.
  /// Functions defined with define() for the same interface and name replace WASI's (override
  /// single functions); grant_environment() replaces wasi:cli/environment. Io error when a
  /// preopen cannot be opened. wasi:http stays refused.
  Result<void> add_wasi(const wasi::WasiConfig& config);
  /// The code a guest passed to wasi:cli/exit (exit, exit-with-code), if it called it.
  std::optional<uint32_t> wasi_exit_code() const;

  /// Instantiates `c` with its imports satisfied from this linker. Unlinkable (naming the
  /// import) for an import nothing satisfies or a mismatched type.
  Result<Instance> instantiate(Store& store, const Component& c) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// Runs a WASI 0.2 command: instantiates `c` (its imports from `linker`, which needs
/// add_wasi) and calls its `wasi:cli/run@0.2.x#run` export. The outcome's exit code is 0 when
/// run returns ok, 1 for err, the code given to wasi:cli/exit, 134 after a trap, or 124 when
/// fuel or the epoch deadline stopped it (message and backtrace in trap_message). Errors:
/// Unlinkable/Uninstantiable, and Usage when `c` exports no wasi:cli/run.
Result<wasi::RunOutcome> run_command(const Linker& linker, Store& store, const Component& c);

// ---- typed conversions (implementation) ----

template <class T>
struct ValTraits<T, std::enable_if_t<std::is_same_v<T, bool>>> {
  static Type type() { return {TypeKind::Bool, {}, {}, {}}; }
  static Val to(T v) { return Val::bool_(v); }
  static T from(const Val& v) { return v.as_bool(); }
};
template <class T>
struct ValTraits<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char32_t> &&
                                     !std::is_same_v<T, char>>> {
  static constexpr TypeKind kind() {
    if constexpr (sizeof(T) == 1) return std::is_signed_v<T> ? TypeKind::S8 : TypeKind::U8;
    else if constexpr (sizeof(T) == 2) return std::is_signed_v<T> ? TypeKind::S16 : TypeKind::U16;
    else if constexpr (sizeof(T) == 4) return std::is_signed_v<T> ? TypeKind::S32 : TypeKind::U32;
    else return std::is_signed_v<T> ? TypeKind::S64 : TypeKind::U64;
  }
  static Type type() { return {kind(), {}, {}, {}}; }
  static Val to(T v) {
    if constexpr (std::is_signed_v<T>) return Val::from_raw(kind(), static_cast<uint64_t>(static_cast<int64_t>(v)));
    else return Val::from_raw(kind(), static_cast<uint64_t>(v));
  }
  static T from(const Val& v) {
    if constexpr (std::is_signed_v<T>) return static_cast<T>(v.as_s64());
    else return static_cast<T>(v.as_u64());
  }
};
template <>
struct ValTraits<float> {
  static Type type() { return {TypeKind::F32, {}, {}, {}}; }
  static Val to(float v) { return Val::f32(v); }
  static float from(const Val& v) { return v.as_f32(); }
};
template <>
struct ValTraits<double> {
  static Type type() { return {TypeKind::F64, {}, {}, {}}; }
  static Val to(double v) { return Val::f64(v); }
  static double from(const Val& v) { return v.as_f64(); }
};
template <>
struct ValTraits<char32_t> {
  static Type type() { return {TypeKind::Char, {}, {}, {}}; }
  static Val to(char32_t v) { return Val::char_(v); }
  static char32_t from(const Val& v) { return v.as_char(); }
};
template <>
struct ValTraits<std::string> {
  static Type type() { return {TypeKind::String, {}, {}, {}}; }
  static Val to(std::string v) { return Val::string(std::move(v)); }
  static std::string from(const Val& v) { return v.as_string(); }
};
template <>
struct ValTraits<Val> {
  static Val to(Val v) { return v; }
  static Val from(const Val& v) { return v; }
};
template <class T>
struct ValTraits<std::vector<T>> {
  static Type type() { return {TypeKind::List, {}, {std::make_shared<const Type>(ValTraits<T>::type())}, {}}; }
  static Val to(std::vector<T> v) {
    std::vector<Val> out;
    out.reserve(v.size());
    for (auto& e : v) out.push_back(ValTraits<T>::to(std::move(e)));
    return Val::list(std::move(out));
  }
  static std::vector<T> from(const Val& v) {
    std::vector<T> out;
    out.reserve(v.items().size());
    for (const Val& e : v.items()) out.push_back(ValTraits<T>::from(e));
    return out;
  }
};
template <class T>
struct ValTraits<std::optional<T>> {
  static Type type() { return {TypeKind::Option, {}, {std::make_shared<const Type>(ValTraits<T>::type())}, {}}; }
  static Val to(std::optional<T> v) { return v ? Val::some(ValTraits<T>::to(std::move(*v))) : Val::none(); }
  static std::optional<T> from(const Val& v) {
    if (v.payload() == nullptr) return std::nullopt;
    return ValTraits<T>::from(*v.payload());
  }
};
template <class... T>
struct ValTraits<std::tuple<T...>> {
  static Type type() { return {TypeKind::Tuple, {}, {std::make_shared<const Type>(ValTraits<T>::type())...}, {}}; }
  static Val to(std::tuple<T...> v) {
    return std::apply([](auto&&... e) { return Val::tuple({ValTraits<std::decay_t<decltype(e)>>::to(std::move(e))...}); }, std::move(v));
  }
  static std::tuple<T...> from(const Val& v) {
    return [&]<size_t... I>(std::index_sequence<I...>) { return std::tuple<T...>{ValTraits<T>::from(v.items()[I])...}; }(
        std::index_sequence_for<T...>{});
  }
};
template <class T, class E>
struct ValTraits<WitResult<T, E>> {
  static Type type() {
    return {TypeKind::Result, {}, {std::make_shared<const Type>(ValTraits<T>::type()), std::make_shared<const Type>(ValTraits<E>::type())}, {}};
  }
  static Val to(WitResult<T, E> v) {
    return v.is_ok ? Val::ok(ValTraits<T>::to(std::move(v.value))) : Val::err(ValTraits<E>::to(std::move(v.error)));
  }
  static WitResult<T, E> from(const Val& v) {
    if (v.case_name() == "ok") return WitResult<T, E>::ok(v.payload() ? ValTraits<T>::from(*v.payload()) : T{});
    return WitResult<T, E>::err(v.payload() ? ValTraits<E>::from(*v.payload()) : E{});
  }
};

namespace detail {
/// Checks that `v` has the shape `T` expects before converting (a Usage error otherwise).
Result<void> check_shape(const Val& v, const Type& t);

template <class R>
struct FnTraits;
template <class R, class... A>
struct FnTraits<R(A...)> {
  using result = R;
  using args = std::tuple<std::decay_t<A>...>;
};
template <class R, class C, class... A>
struct FnTraits<R (C::*)(A...) const> : FnTraits<R(A...)> {};
template <class R, class C, class... A>
struct FnTraits<R (C::*)(A...)> : FnTraits<R(A...)> {};
template <class F, class = void>
struct Callable : FnTraits<decltype(&F::operator())> {};
template <class R, class... A>
struct Callable<R (*)(A...)> : FnTraits<R(A...)> {};
}  // namespace detail

template <class R, class... Args>
Result<R> Instance::call(std::string_view name, Args&&... args) const {
  auto f = func(name);
  if (!f) return std::move(f).error();
  std::vector<Val> vals{ValTraits<std::decay_t<Args>>::to(std::forward<Args>(args))...};
  auto r = f->call(vals);
  if (!r) return std::move(r).error();
  if constexpr (std::is_void_v<R>) {
    return {};
  } else {
    if (!*r) return Error(ErrorKind::Usage, "function returned no value");
    if constexpr (!std::is_same_v<R, Val>) {
      auto ok = detail::check_shape(**r, ValTraits<R>::type());
      if (!ok) return std::move(ok).error();
    }
    return ValTraits<R>::from(**r);
  }
}

template <class F>
Linker& Linker::define(std::string interface, std::string name, F&& fn) {
  using Traits = detail::Callable<std::decay_t<F>>;
  using R = typename Traits::result;
  using ArgsTuple = typename Traits::args;
  FuncType type;
  [&]<size_t... I>(std::index_sequence<I...>) {
    (type.params.emplace_back("p" + std::to_string(I),
                              std::make_shared<const Type>(ValTraits<std::tuple_element_t<I, ArgsTuple>>::type())),
     ...);
  }(std::make_index_sequence<std::tuple_size_v<ArgsTuple>>{});
  if constexpr (!std::is_void_v<R>) type.result = std::make_shared<const Type>(ValTraits<R>::type());
  HostFunc host = [fn = std::forward<F>(fn)](std::span<const Val> args) mutable -> Result<std::optional<Val>> {
    return [&]<size_t... I>(std::index_sequence<I...>) -> Result<std::optional<Val>> {
      if constexpr (std::is_void_v<R>) {
        fn(ValTraits<std::tuple_element_t<I, ArgsTuple>>::from(args[I])...);
        return std::optional<Val>{};
      } else {
        return std::optional<Val>{ValTraits<R>::to(fn(ValTraits<std::tuple_element_t<I, ArgsTuple>>::from(args[I])...))};
      }
    }(std::make_index_sequence<std::tuple_size_v<ArgsTuple>>{});
  };
  return define(std::move(interface), std::move(name), std::move(type), std::move(host));
}

// ---- .wast scripts ----------------------------------------------------------------------------

/// Whether a .wast script is a Component Model script: its first top-level form is a
/// `(component ...)` definition (core spec scripts start with `(module ...)` or an assertion on
/// one).
bool is_component_script(std::string_view text);

/// Runs a Component Model .wast script (the format of ../shared/component-model-tests):
/// components are encoded, validated and instantiated with the interpreter; invocations take
/// and return component values. Commands that need features after WASI 0.2 (async, streams,
/// futures, error-context, threads) or WebAssembly 3.0 core features are counted as skipped.
/// An Error only when the script cannot be parsed.
Result<WastStats> run_wast(std::string_view text, std::string_view name, const WastOptions& options = {});
Result<WastStats> run_wast_file(const std::string& path, const WastOptions& options = {});
/// The number of commands in a component .wast script (to count a skipped script's commands).
Result<uint32_t> count_wast_commands(std::string_view text);

}  // namespace shard::cm
