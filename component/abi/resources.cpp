// CanonicalABI.md § Component Instances, § Resource State, § Tasks, § Subtask State and the
// resource built-ins. Where the spec removes a table element and then traps on a failed check
// (lift_own, canon_resource_drop), the checks run first: a trap ends the instance either way,
// and the table stays consistent for the host.
#include "component/abi/resources.h"

#include <algorithm>

namespace shard::component::abi {

namespace {

/// Whether `inst` is the caller or one of its ancestors: held in common, so a call from
/// `caller` does not enter it (CanonicalABI.md: ComponentInstance.entering_set).
bool held_by(const ComponentInstance* inst, const ComponentInstance* caller) {
  for (; caller != nullptr; caller = caller->parent())
    if (caller == inst) return true;
  return false;
}

}  // namespace

std::vector<ComponentInstance*> ComponentInstance::entering_set(const ComponentInstance* caller) {
  std::vector<ComponentInstance*> out;
  for (ComponentInstance* i = this; i != nullptr; i = i->parent_)
    if (!held_by(i, caller)) out.push_back(i);
  return out;
}

// The three below walk entering_set(caller) in place, without building it: they run on
// every call.
bool ComponentInstance::may_enter_from(const ComponentInstance* caller) const {
  for (const ComponentInstance* i = this; i != nullptr; i = i->parent_) {
    if (!i->may_enter && !held_by(i, caller)) return false;
  }
  return true;
}

void ComponentInstance::enter_from(const ComponentInstance* caller) {
  for (ComponentInstance* i = this; i != nullptr; i = i->parent_)
    if (!held_by(i, caller)) i->may_enter = false;
}

void ComponentInstance::leave_to(const ComponentInstance* caller) {
  for (ComponentInstance* i = this; i != nullptr; i = i->parent_)
    if (!held_by(i, caller)) i->may_enter = true;
}

Result<ResourceHandle*> ComponentInstance::resource_handle(uint32_t i) {
  HandleElement* e = handles.get(i);
  if (e == nullptr) return abi_trap(AbiTrap::UnknownHandle, "unknown handle index " + std::to_string(i));
  ResourceHandle* h = std::get_if<ResourceHandle>(e);
  if (h == nullptr) return abi_trap(AbiTrap::NotAResource);
  return h;
}

Task::~Task() {
  if (num_borrows == 0) return;
  for (uint32_t i = 1; i < inst_.handles.capacity(); ++i) {
    HandleElement* e = inst_.handles.get(i);
    ResourceHandle* h = e ? std::get_if<ResourceHandle>(e) : nullptr;
    if (h != nullptr && !h->own && h->borrow_scope == this) inst_.handles.remove(i);
  }
}

Result<void> Task::return_() {
  if (num_borrows > 0) return abi_trap(AbiTrap::BorrowsOutstanding);
  resolved_ = true;
  return {};
}

void Subtask::add_lender(uint32_t index) {
  if (auto h = inst_.resource_handle(index)) {
    ++(*h)->num_lends;
    lenders_.push_back(index);
  }
}

void Subtask::deliver_resolve() {
  if (delivered_) return;
  delivered_ = true;
  for (uint32_t i : lenders_) {
    // A lent handle cannot be removed while lent (lift_own and resource.drop check
    // num_lends), so each index still names the handle that was lent.
    if (auto h = inst_.resource_handle(i); h && (*h)->num_lends > 0) --(*h)->num_lends;
  }
  lenders_.clear();
}

Result<uint32_t> canon_resource_new(ComponentInstance& inst, const ResourceType& rt, uint32_t rep) {
  if (!inst.may_leave) return abi_trap(AbiTrap::CannotLeave);
  return inst.handles.add(ResourceHandle{&rt, rep, true, nullptr, 0});
}

Result<void> canon_resource_drop(ComponentInstance& inst, const ResourceType& rt, uint32_t i) {
  if (!inst.may_leave) return abi_trap(AbiTrap::CannotLeave);
  auto hr = inst.resource_handle(i);
  if (!hr) return std::move(hr).error();
  ResourceHandle* h = *hr;
  if (h->rt != &rt) return abi_trap(AbiTrap::HandleTypeMismatch);
  if (h->num_lends != 0) return abi_trap(AbiTrap::HandleLent);
  ResourceHandle dropped = *h;
  inst.handles.remove(i);
  if (!dropped.own) {
    if (dropped.borrow_scope != nullptr && dropped.borrow_scope->num_borrows > 0) --dropped.borrow_scope->num_borrows;
    return {};
  }
  // The destructor call is a synchronous cross-component call from `inst` into rt.impl
  // (Store.lower of Store.lift of the dtor), so it is subject to the reentrance check even
  // without a dtor; from the implementing instance itself the entering set is empty.
  ComponentInstance* impl = rt.impl;
  if (impl != nullptr) {
    if (!impl->may_enter_from(&inst)) return abi_trap(AbiTrap::CannotEnter);
    impl->enter_from(&inst);
  }
  Result<void> r;
  if (rt.dtor) r = rt.dtor(dropped.rep);
  if (impl != nullptr && r) impl->leave_to(&inst);
  return r;
}

Result<uint32_t> canon_resource_rep(ComponentInstance& inst, const ResourceType& rt, uint32_t i) {
  auto h = inst.resource_handle(i);
  if (!h) return std::move(h).error();
  if ((*h)->rt != &rt) return abi_trap(AbiTrap::HandleTypeMismatch);
  return (*h)->rep;
}

}  // namespace shard::component::abi
