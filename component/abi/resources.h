// Runtime state of the Canonical ABI for synchronous calls (CanonicalABI.md § Component
// Instances, § Table State, § Resource State, § Tasks, § Subtask State): per-instance handle
// tables, resource handles with their lend counts, the may_enter/may_leave flags, and the
// borrow scopes of a call, plus the resource.new/drop/rep built-ins.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "component/abi/trap.h"

namespace shard::component::abi {

class ComponentInstance;
class Task;

/// § Resource State: ResourceType. Identity (the object's address) is the type's identity.
struct ResourceType {
  ComponentInstance* impl = nullptr;  ///< the defining instance; null for host-defined resources
  /// The destructor (the `dtor` of `(resource (rep i32) (dtor $f))`), called with the rep
  /// when an owning handle is dropped; may be empty.
  std::function<Result<void>(uint32_t rep)> dtor;
  std::string name;  ///< for messages only
};

/// § Resource State: ResourceHandle.
struct ResourceHandle {
  const ResourceType* rt = nullptr;
  uint32_t rep = 0;
  bool own = false;
  Task* borrow_scope = nullptr;  ///< the Task that lowered this borrow (borrow handles only)
  uint32_t num_lends = 0;
};

/// § Table State: a growable array of optional elements addressed by i32 indices; index 0 is
/// reserved, freed slots are reused last-freed-first, at most 2^28-1 elements.
template <class T>
class Table {
 public:
  static constexpr uint32_t kMaxLength = (uint32_t{1} << 28) - 1;

  Table() { array_.emplace_back(); }

  /// The element at `i`, or null for an out-of-range index or a hole. Invalidated by add().
  T* get(uint32_t i) { return i < array_.size() && array_[i] ? &*array_[i] : nullptr; }
  const T* get(uint32_t i) const { return i < array_.size() && array_[i] ? &*array_[i] : nullptr; }

  Result<uint32_t> add(T e) {
    if (!free_.empty()) {
      uint32_t i = free_.back();
      free_.pop_back();
      array_[i] = std::move(e);
      return i;
    }
    if (array_.size() > kMaxLength) return abi_trap(AbiTrap::TableFull);
    array_.emplace_back(std::move(e));
    return static_cast<uint32_t>(array_.size() - 1);
  }

  /// Removes element `i` (which must exist: check with get() first).
  T remove(uint32_t i) {
    T e = std::move(*array_[i]);
    array_[i].reset();
    free_.push_back(i);
    return e;
  }

  size_t capacity() const { return array_.size(); }
  size_t live() const { return array_.size() - 1 - free_.size(); }

 private:
  std::vector<std::optional<T>> array_;
  std::vector<uint32_t> free_;
};

/// An element of a component instance's `handles` table. Only resource handles exist in the
/// synchronous ABI; waitables, waitable sets and error contexts join this variant with async.
using HandleElement = std::variant<ResourceHandle>;
using HandleTable = Table<HandleElement>;

/// § Component Instances: the ABI state of one component instance.
class ComponentInstance {
 public:
  explicit ComponentInstance(ComponentInstance* parent = nullptr) : parent_(parent) {}
  ComponentInstance(const ComponentInstance&) = delete;
  ComponentInstance& operator=(const ComponentInstance&) = delete;

  ComponentInstance* parent() const { return parent_; }
  HandleTable handles;
  bool may_enter = true;
  bool may_leave = true;

  /// may_enter_from / enter_from / leave_to; `caller` is null for a call from the host.
  bool may_enter_from(const ComponentInstance* caller) const;
  void enter_from(const ComponentInstance* caller);
  void leave_to(const ComponentInstance* caller);
  /// self_and_ancestors() minus caller.self_and_ancestors().
  std::vector<ComponentInstance*> entering_set(const ComponentInstance* caller);

  /// The resource handle at `i`, or the trap Table.get / the isinstance check raises.
  Result<ResourceHandle*> resource_handle(uint32_t i);

 private:
  ComponentInstance* parent_;
};

/// § Tasks, synchronous subset: the callee side of a call and the borrow scope of the
/// `borrow` handles lowered into its instance (lower_borrow counts them in num_borrows,
/// resource.drop uncounts them, return_ requires zero).
class Task {
 public:
  explicit Task(ComponentInstance& inst) : inst_(inst) {}
  /// A task that ends without return_ (its call trapped) takes its borrow handles with it,
  /// so no handle keeps a dangling scope.
  ~Task();
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  ComponentInstance& inst() const { return inst_; }
  uint32_t num_borrows = 0;
  bool resolved() const { return resolved_; }
  /// Task.return_: traps if already resolved or if borrow handles are still live.
  Result<void> return_();

 private:
  ComponentInstance& inst_;
  bool resolved_ = false;
};

/// § Subtask State, synchronous subset: the caller side of a call, which remembers the handles
/// it lent (lift_borrow → add_lender) until the callee resolves (deliver_resolve).
class Subtask {
 public:
  explicit Subtask(ComponentInstance& inst) : inst_(inst) {}
  ~Subtask() { deliver_resolve(); }
  Subtask(const Subtask&) = delete;
  Subtask& operator=(const Subtask&) = delete;

  ComponentInstance& inst() const { return inst_; }
  /// num_lends += 1 on the caller's handle at `index`.
  void add_lender(uint32_t index);
  /// Returns every lent handle (num_lends -= 1). Idempotent.
  void deliver_resolve();
  size_t num_lenders() const { return lenders_.size(); }

 private:
  ComponentInstance& inst_;
  std::vector<uint32_t> lenders_;
  bool delivered_ = false;
};

// ---- Resource built-ins (§ canon resource.new / resource.drop / resource.rep) ----

/// canon resource.new: a new owning handle for `rep` in `inst`.
Result<uint32_t> canon_resource_new(ComponentInstance& inst, const ResourceType& rt, uint32_t rep);
/// canon resource.drop: removes handle `i`; an owning handle runs `rt.dtor` in rt.impl (with
/// the reentrance check of a cross-component call), a borrow handle ends its borrow.
Result<void> canon_resource_drop(ComponentInstance& inst, const ResourceType& rt, uint32_t i);
/// canon resource.rep: the representation behind handle `i`.
Result<uint32_t> canon_resource_rep(ComponentInstance& inst, const ResourceType& rt, uint32_t i);

}  // namespace shard::component::abi
