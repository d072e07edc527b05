// Component instantiation (Explainer.md: Instance Definitions, Component Definitions;
// CanonicalABI.md § Canonical Definitions): a validated component graph becomes core
// instances in one rt::Store plus component-level items — functions that lift, lower and call
// through component/abi, runtime resource types, and instances as name → item maps.
//
// Instantiation replays a component's definitions in binary order, like the validator, but
// with runtime items in the index spaces instead of types. Every component instance gets an
// abi::ComponentInstance (its handle table and may_enter/may_leave flags); nested instances
// name their instantiating instance as parent. A call from one component into another goes
// guest → canon lower (lift the caller's flat values) → the callee's canon lift (lower them
// into the callee) → guest, with nothing in between but abi::Value.
//
// Types are resolved at instantiation time from the index spaces, so imported resource types
// are the provider's own ResourceType objects and own/borrow handles check identity exactly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "component/abi/canon.h"
#include "component/abi/rt_glue.h"
#include "component/component.h"
#include "runtime/runtime.h"

namespace shard::component::run {

/// A component-level function: its type and how to call it.
struct Func {
  abi::FuncType type;
  abi::ComponentFunc call;
  std::vector<std::string> param_names;  ///< for printing and the host API
  /// For a guest export (canon lift): the lifted function itself, so that a lowering of it
  /// in another component, and the host, can call it through a fused path (abi::call_scalars).
  std::shared_ptr<const abi::LiftedFunc> lifted;
};
using FuncRef = std::shared_ptr<const Func>;

/// An entry of a component's type index space at run time. Only value types, function types
/// and resource types have a run-time meaning; component and instance types are kept as
/// `Other` (they were checked by the validator).
struct Type {
  enum Kind : uint8_t { Value, Func, Resource, Other } kind = Other;
  abi::TypeRef value;
  std::shared_ptr<const abi::FuncType> func;
  std::vector<std::string> param_names;  ///< Func
  const abi::ResourceType* resource = nullptr;
};

struct Instance;
struct Closure;

/// An item that can be imported, exported or passed to an instantiation.
struct Item {
  ExternKind kind = ExternKind::Func;
  FuncRef func;
  Type type;
  std::shared_ptr<const Closure> component;
  std::shared_ptr<const Instance> instance;
  std::shared_ptr<const WasmModule> module;
};

/// A component instance's exports, in export order.
struct Instance {
  std::vector<std::pair<std::string, Item>> exports;
  const Item* find(std::string_view name) const {
    for (auto& [n, it] : exports)
      if (n == name) return &it;
    return nullptr;
  }
};
using InstanceRef = std::shared_ptr<const Instance>;

struct Frame;
struct Loaded;

/// A component definition together with the enclosing instance frame its outer aliases see.
/// The frame belongs to the Store (a frame lists the closures defined in it, so a strong
/// reference here would be a cycle); a nested definition used after its Store is gone fails to
/// instantiate.
struct Closure {
  std::shared_ptr<Loaded> root;
  const Component* component = nullptr;
  std::weak_ptr<Frame> outer;
  bool nested = false;
};

/// A validated component binary, shareable between stores. Its nested core modules are
/// decoded once, on first instantiation.
struct Loaded {
  Component component;
  ValidatedModules modules;  ///< filled by validation (load) or on first instantiation
};

/// Everything the instances of a component graph own: the core store, the canonical ABI's
/// per-instance state, resource types and lifted/lowered function records. Not movable: the
/// ABI state and closures point into it.
class Store {
 public:
  explicit Store(rt::StoreConfig config = {}, rt::Tier* tier = nullptr);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  rt::Store& core() { return core_; }

  /// Instantiates a validated component (Explainer.md: instantiation). `imports` supplies the
  /// component's imports by name. Errors: Unlinkable (a missing or mismatched import) and
  /// Uninstantiable (a trap in a core start function), each naming the import or module.
  Result<InstanceRef> instantiate(std::shared_ptr<Loaded> component, const std::map<std::string, Item>& imports);

  // ---- used by the instantiator ----
  abi::ComponentInstance* new_component_instance(abi::ComponentInstance* parent);
  abi::ResourceType* new_resource_type();
  abi::GuestMemory* memory_view(rt::MemoryInst* mem);
  void keep(std::shared_ptr<const void> p) { kept_.push_back(std::move(p)); }

 private:
  rt::Store core_;
  std::vector<std::unique_ptr<abi::ComponentInstance>> instances_;
  std::vector<std::unique_ptr<abi::ResourceType>> resources_;
  std::map<rt::MemoryInst*, std::unique_ptr<abi::RtMemory>> memories_;
  std::vector<std::shared_ptr<const void>> kept_;
};

/// Decodes and validates a component binary for instantiation.
Result<std::shared_ptr<Loaded>> load(std::vector<uint8_t> bytes);
/// A Loaded for an already decoded component, and the core modules its validation kept.
std::shared_ptr<Loaded> loaded(Component c, ValidatedModules modules);

}  // namespace shard::component::run
