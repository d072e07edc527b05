// Resource handles: per-instance tables, own/borrow lifting and lowering, lend counts,
// destructors, borrow scopes, the resource built-ins and reentrance rules.
#include "abi_test_util.h"

using namespace shard::component::abi;
using namespace shard::component::abi::test;
using shard::Result;

namespace {

Result<Value> lift_handle(Guest& g, const ValType& t, uint32_t i, Subtask* subtask = nullptr) {
  auto cx = g.cx(nullptr, subtask);
  std::vector<Flat> flat{Flat::i32(i)};
  FlatListSource src(flat);
  return lift_flat(cx, src, t);
}

Result<uint32_t> lower_handle(Guest& g, const Value& v, const ValType& t, Task* task = nullptr) {
  auto cx = g.cx(task);
  std::vector<Flat> flat;
  auto r = lower_flat(cx, v, t, flat);
  if (!r) return std::move(r).error();
  return static_cast<uint32_t>(flat.at(0).bits);
}

}  // namespace

TEST_CASE("resources: table indices start at 1 and reuse freed slots last-first", "[abi][resource]") {
  Guest g;
  ResourceType rt{&g.inst, {}, "r"};
  CHECK(*canon_resource_new(g.inst, rt, 10) == 1);
  CHECK(*canon_resource_new(g.inst, rt, 20) == 2);
  CHECK(*canon_resource_new(g.inst, rt, 30) == 3);
  REQUIRE(canon_resource_drop(g.inst, rt, 1).ok());
  REQUIRE(canon_resource_drop(g.inst, rt, 3).ok());
  CHECK(*canon_resource_new(g.inst, rt, 40) == 3);
  CHECK(*canon_resource_new(g.inst, rt, 50) == 1);
  CHECK(*canon_resource_rep(g.inst, rt, 1) == 50);
  CHECK(*canon_resource_rep(g.inst, rt, 2) == 20);
  CHECK(g.inst.handles.live() == 3);
}

TEST_CASE("resources: rep/drop traps", "[abi][resource][trap]") {
  Guest g;
  ResourceType rt{&g.inst, {}, "r"}, other{&g.inst, {}, "other"};
  uint32_t h = *canon_resource_new(g.inst, rt, 7);
  CHECK(trap_of(canon_resource_rep(g.inst, rt, 0)) == AbiTrap::UnknownHandle);
  CHECK(trap_of(canon_resource_rep(g.inst, rt, 99)) == AbiTrap::UnknownHandle);
  CHECK(trap_of(canon_resource_rep(g.inst, other, h)) == AbiTrap::HandleTypeMismatch);
  CHECK(trap_of(canon_resource_drop(g.inst, other, h)) == AbiTrap::HandleTypeMismatch);
  REQUIRE(canon_resource_drop(g.inst, rt, h).ok());
  CHECK(trap_of(canon_resource_drop(g.inst, rt, h)) == AbiTrap::UnknownHandle);
  CHECK(trap_of(canon_resource_rep(g.inst, rt, h)) == AbiTrap::UnknownHandle);
  g.inst.may_leave = false;
  CHECK(trap_of(canon_resource_new(g.inst, rt, 1)) == AbiTrap::CannotLeave);
  CHECK(trap_of(canon_resource_drop(g.inst, rt, 1)) == AbiTrap::CannotLeave);
}

TEST_CASE("resources: dropping an own handle runs the destructor in the implementing instance", "[abi][resource]") {
  ComponentInstance impl, user;
  std::vector<uint32_t> dtor_calls;
  bool impl_entered_during_dtor = false;
  ResourceType rt{&impl, [&](uint32_t rep) -> Result<void> {
                    dtor_calls.push_back(rep);
                    impl_entered_during_dtor = !impl.may_enter;
                    return {};
                  },
                  "file"};
  uint32_t h = *canon_resource_new(user, rt, 42);
  REQUIRE(canon_resource_drop(user, rt, h).ok());
  CHECK(dtor_calls == std::vector<uint32_t>{42});
  CHECK(impl_entered_during_dtor);
  CHECK(impl.may_enter);

  // The destructor call may not reenter an instance that is on the stack.
  h = *canon_resource_new(user, rt, 43);
  impl.may_enter = false;
  CHECK(trap_of(canon_resource_drop(user, rt, h)) == AbiTrap::CannotEnter);
  // ... but the implementing instance may drop its own handles while it runs.
  uint32_t own = *canon_resource_new(impl, rt, 44);
  REQUIRE(canon_resource_drop(impl, rt, own).ok());
  CHECK(dtor_calls == std::vector<uint32_t>{42, 44});

  // A destructor's trap propagates.
  ResourceType failing{nullptr, [](uint32_t) -> Result<void> { return abi_trap(AbiTrap::OutOfBounds); }, "f"};
  uint32_t f = *canon_resource_new(user, failing, 1);
  CHECK(trap_of(canon_resource_drop(user, failing, f)) == AbiTrap::OutOfBounds);
}

TEST_CASE("resources: own handles move between instances", "[abi][resource]") {
  Guest a, b;
  ResourceType rt{&a.inst, {}, "r"};
  auto own_t = ValType::own(&rt);
  uint32_t h = *canon_resource_new(a.inst, rt, 77);
  auto v = lift_handle(a, *own_t, h);
  REQUIRE(v.ok());
  CHECK(*v == Value::own(77));
  CHECK(a.inst.handles.get(h) == nullptr);  // ownership transferred out of a
  auto hb = lower_handle(b, *v, *own_t);
  REQUIRE(hb.ok());
  CHECK(*canon_resource_rep(b.inst, rt, *hb) == 77);
  // Round trip through memory.
  auto cx = b.cx();
  REQUIRE(store(cx, Value::own(5), *own_t, 16).ok());
  const uint32_t idx = b.get32(16);
  CHECK(*load(cx, 16, *own_t) == Value::own(5));
  CHECK(b.inst.handles.get(idx) == nullptr);
}

TEST_CASE("resources: lift_own traps", "[abi][resource][trap]") {
  Guest g;
  ResourceType rt{&g.inst, {}, "r"}, other{&g.inst, {}, "o"};
  auto own_t = ValType::own(&rt);
  CHECK(trap_of(lift_handle(g, *own_t, 0)) == AbiTrap::UnknownHandle);
  CHECK(trap_of(lift_handle(g, *own_t, 5)) == AbiTrap::UnknownHandle);
  uint32_t h = *canon_resource_new(g.inst, other, 1);
  CHECK(trap_of(lift_handle(g, *own_t, h)) == AbiTrap::HandleTypeMismatch);

  // A lent handle cannot be moved or dropped.
  uint32_t mine = *canon_resource_new(g.inst, rt, 2);
  {
    Subtask st(g.inst);
    auto b = lift_handle(g, *ValType::borrow(&rt), mine, &st);
    REQUIRE(b.ok());
    CHECK(*b == Value::borrow(2));
    CHECK(std::get<ResourceHandle>(*g.inst.handles.get(mine)).num_lends == 1);
    CHECK(trap_of(lift_handle(g, *own_t, mine)) == AbiTrap::HandleLent);
    CHECK(trap_of(canon_resource_drop(g.inst, rt, mine)) == AbiTrap::HandleLent);
    st.deliver_resolve();
    CHECK(std::get<ResourceHandle>(*g.inst.handles.get(mine)).num_lends == 0);
  }
  // A borrow handle cannot be lifted as own.
  Task task(g.inst);
  ComponentInstance impl;
  ResourceType foreign{&impl, {}, "f"};
  auto bh = lower_handle(g, Value::borrow(9), *ValType::borrow(&foreign), &task);
  REQUIRE(bh.ok());
  CHECK(trap_of(lift_handle(g, *ValType::own(&foreign), *bh)) == AbiTrap::NotOwned);
  REQUIRE(canon_resource_drop(g.inst, foreign, *bh).ok());
  CHECK(task.return_().ok());
}

TEST_CASE("resources: borrow scopes", "[abi][resource][borrow]") {
  Guest callee;
  ComponentInstance impl;
  std::vector<uint32_t> dtors;
  ResourceType rt{&impl, [&](uint32_t rep) -> Result<void> {
                    dtors.push_back(rep);
                    return {};
                  },
                  "r"};
  auto borrow_t = ValType::borrow(&rt);

  SECTION("a lowered borrow must be dropped before the task returns") {
    Task task(callee.inst);
    auto h = lower_handle(callee, Value::borrow(5), *borrow_t, &task);
    REQUIRE(h.ok());
    CHECK(task.num_borrows == 1);
    CHECK(*canon_resource_rep(callee.inst, rt, *h) == 5);
    CHECK(trap_of(task.return_()) == AbiTrap::BorrowsOutstanding);
    REQUIRE(canon_resource_drop(callee.inst, rt, *h).ok());
    CHECK(dtors.empty());  // dropping a borrow never runs the destructor
    CHECK(task.num_borrows == 0);
    CHECK(task.return_().ok());
  }
  SECTION("a task that ends by trapping takes its borrow handles with it") {
    uint32_t h;
    {
      Task task(callee.inst);
      h = *lower_handle(callee, Value::borrow(5), *borrow_t, &task);
    }
    CHECK(callee.inst.handles.get(h) == nullptr);
  }
  SECTION("a borrow lowered into the implementing instance is the rep itself") {
    Guest implementer;
    ResourceType mine{&implementer.inst, {}, "mine"};
    Task task(implementer.inst);
    auto h = lower_handle(implementer, Value::borrow(1234), *ValType::borrow(&mine), &task);
    REQUIRE(h.ok());
    CHECK(*h == 1234);
    CHECK(task.num_borrows == 0);
    CHECK(implementer.inst.handles.live() == 0);
  }
  SECTION("lowering a borrow without a task or lifting one without a subtask is a usage error") {
    auto r = lower_handle(callee, Value::borrow(1), *borrow_t, nullptr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == shard::ErrorKind::Usage);
    uint32_t h = *canon_resource_new(callee.inst, rt, 3);
    auto l = lift_handle(callee, *borrow_t, h, nullptr);
    REQUIRE_FALSE(l.ok());
    CHECK(l.error().kind == shard::ErrorKind::Usage);
  }
  SECTION("borrowed handles can be lent on, and lends count per call") {
    Task task(callee.inst);
    uint32_t h = *lower_handle(callee, Value::borrow(8), *borrow_t, &task);
    Subtask s1(callee.inst), s2(callee.inst);
    REQUIRE(lift_handle(callee, *borrow_t, h, &s1).ok());
    REQUIRE(lift_handle(callee, *borrow_t, h, &s2).ok());
    CHECK(std::get<ResourceHandle>(*callee.inst.handles.get(h)).num_lends == 2);
    CHECK(trap_of(canon_resource_drop(callee.inst, rt, h)) == AbiTrap::HandleLent);
    s1.deliver_resolve();
    s2.deliver_resolve();
    REQUIRE(canon_resource_drop(callee.inst, rt, h).ok());
    CHECK(task.return_().ok());
  }
}

TEST_CASE("instances: may_enter with parents (donut wrapping)", "[abi][reentrance]") {
  // The spec's example: P contains C1, C2, C3.
  ComponentInstance p, c1(&p), c2(&p), c3(&p);
  CHECK(p.may_enter_from(nullptr));
  p.enter_from(nullptr);  // host → P
  CHECK(c1.may_enter_from(&p));
  c1.enter_from(&p);  // P → C1
  CHECK(c2.may_enter_from(&c1));
  c2.enter_from(&c1);  // C1 → C2
  CHECK(p.may_enter_from(&c2));  // C2 → P: nothing new is entered
  CHECK(p.entering_set(&c2).empty());
  CHECK_FALSE(c1.may_enter_from(&p));   // P → C1 again: C1 is on the stack
  CHECK_FALSE(c3.may_enter_from(nullptr));  // host → C3 enters P too
  CHECK(c3.may_enter_from(&p));
  c2.leave_to(&c1);
  c1.leave_to(&p);
  p.leave_to(nullptr);
  CHECK(p.may_enter);
  CHECK(c1.may_enter);
  CHECK(c2.may_enter);
  CHECK(c3.may_enter_from(nullptr));
}
