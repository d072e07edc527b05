// Function-level: canon lift / canon lower (synchronous), parameter spilling, return areas,
// post-return, may_enter/may_leave, and component-to-component calls that transcode strings
// and pass resources.
#include "abi_test_util.h"

using namespace shard::component::abi;
using namespace shard::component::abi::test;
using shard::Result;
namespace rt = shard::rt;

namespace {

rt::Slot i32(uint32_t v) { return to_slot(Flat::i32(v)); }

}  // namespace

TEST_CASE("canon lift: flat parameters and result", "[abi][func]") {
  Guest g;
  LiftedFunc f{FuncType::make({ValType::u32(), ValType::s8()}, {ValType::s64()}), g.opts, &g.inst, nullptr};
  f.callee = [&](std::span<const rt::Slot> args) -> Result<std::vector<rt::Slot>> {
    CHECK(g.inst.may_enter == false);
    REQUIRE(args.size() == 2);
    int64_t sum = int64_t{args[0].i32} + static_cast<int32_t>(args[1].i32);
    return std::vector<rt::Slot>{to_slot(Flat::i64(static_cast<uint64_t>(sum)))};
  };
  std::vector<Value> args{Value::u32(10), Value::s8(-3)};
  auto r = call_lifted(f, args, nullptr);
  REQUIRE(r.ok());
  CHECK(*r == std::vector<Value>{Value::s64(7)});
  CHECK(g.inst.may_enter);

  // Host argument errors are reported before the instance is entered.
  std::vector<Value> bad{Value::u32(1)};
  auto e = call_lifted(f, bad, nullptr);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().kind == shard::ErrorKind::Usage);
  CHECK(g.inst.may_enter);
}

TEST_CASE("canon lift: spilled parameters and results through memory", "[abi][func]") {
  Guest g;
  std::vector<TypeRef> params(17, ValType::u32());
  LiftedFunc f{FuncType::make(params, {ValType::string()}), g.opts, &g.inst, nullptr};
  uint32_t seen_sum = 0;
  std::vector<uint32_t> post_return_args;
  bool may_leave_in_post_return = true;
  f.callee = [&](std::span<const rt::Slot> args) -> Result<std::vector<rt::Slot>> {
    REQUIRE(args.size() == 1);  // one pointer to the parameter tuple
    const uint32_t p = args[0].i32;
    for (int i = 0; i < 17; ++i) seen_sum += g.get32(p + 4 * i);
    g.put_bytes(900, "result");
    g.put32(800, 900);
    g.put32(804, 6);
    return std::vector<rt::Slot>{i32(800)};  // pointer to (ptr, len)
  };
  f.opts.post_return = [&](std::span<const rt::Slot> flat) -> Result<void> {
    for (const rt::Slot& s : flat) post_return_args.push_back(s.i32);
    may_leave_in_post_return = g.inst.may_leave;
    return {};
  };
  std::vector<Value> args;
  for (uint32_t i = 1; i <= 17; ++i) args.push_back(Value::u32(i));
  auto r = call_lifted(f, args, nullptr);
  REQUIRE(r.ok());
  CHECK(seen_sum == 17 * 18 / 2);
  CHECK(*r == std::vector<Value>{Value::string("result")});
  CHECK(g.calls == std::vector<ReallocCall>{{0, 0, 4, 68}});  // the spilled tuple
  CHECK(post_return_args == std::vector<uint32_t>{800});
  CHECK_FALSE(may_leave_in_post_return);
  CHECK(g.inst.may_leave);
}

TEST_CASE("canon lift: result traps, reentrance and the trapped-instance rule", "[abi][func][trap]") {
  Guest g(StringEncoding::Utf8, 1024);
  LiftedFunc f{FuncType::make({}, {ValType::string()}), g.opts, &g.inst, nullptr};
  SECTION("a misaligned return pointer") {
    f.callee = [](std::span<const rt::Slot>) -> Result<std::vector<rt::Slot>> { return std::vector<rt::Slot>{i32(2)}; };
    CHECK(trap_of(call_lifted(f, {}, nullptr)) == AbiTrap::MisalignedPointer);
    // A trapped instance stays entered.
    CHECK_FALSE(g.inst.may_enter);
    CHECK(trap_of(call_lifted(f, {}, nullptr)) == AbiTrap::CannotEnter);
  }
  SECTION("an out-of-bounds return area") {
    f.callee = [](std::span<const rt::Slot>) -> Result<std::vector<rt::Slot>> { return std::vector<rt::Slot>{i32(1020)}; };
    CHECK(trap_of(call_lifted(f, {}, nullptr)) == AbiTrap::OutOfBounds);
  }
  SECTION("reentering the instance from inside the call") {
    LiftedFunc inner{FuncType::make({}, {}), g.opts, &g.inst, nullptr};
    inner.callee = [](std::span<const rt::Slot>) -> Result<std::vector<rt::Slot>> { return std::vector<rt::Slot>{}; };
    f.callee = [&](std::span<const rt::Slot>) -> Result<std::vector<rt::Slot>> {
      auto r = call_lifted(inner, {}, nullptr);
      if (!r) return std::move(r).error();
      return std::vector<rt::Slot>{i32(0)};
    };
    CHECK(trap_of(call_lifted(f, {}, nullptr)) == AbiTrap::CannotEnter);
  }
  SECTION("a core trap propagates") {
    f.callee = [](std::span<const rt::Slot>) -> Result<std::vector<rt::Slot>> {
      shard::Error e(shard::ErrorKind::Trap, "unreachable");
      e.trap = shard::TrapKind::Unreachable;
      return e;
    };
    auto r = call_lifted(f, {}, nullptr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().trap == shard::TrapKind::Unreachable);
  }
}

TEST_CASE("canon lower: lifting arguments and writing results to the return area", "[abi][func]") {
  Guest g;
  LoweredFunc f{FuncType::make({ValType::string(), ValType::u8()}, {ValType::string()}), g.opts, &g.inst, nullptr};
  std::vector<Value> received;
  ComponentInstance* seen_caller = nullptr;
  f.callee = [&](std::span<const Value> args, ComponentInstance* caller) -> Result<std::vector<Value>> {
    received.assign(args.begin(), args.end());
    seen_caller = caller;
    return std::vector<Value>{Value::string(args[0].as_string() + "!")};
  };
  CHECK(flatten_functype(f.type, f.opts, CallContext::Lower) ==
        CoreFuncType{{CoreType::I32, CoreType::I32, CoreType::I32, CoreType::I32}, {}});
  g.put_bytes(300, "hey");
  std::vector<rt::Slot> args{i32(300), i32(3), i32(5), i32(400)};
  auto r = call_lowered(f, args);
  REQUIRE(r.ok());
  CHECK(r->empty());
  CHECK(received == std::vector<Value>{Value::string("hey"), Value::u8(5)});
  CHECK(seen_caller == &g.inst);
  CHECK(g.bytes_at(g.get32(400), g.get32(404)) == "hey!");

  // Wrong core arity is a usage error; may_leave false traps.
  auto e = call_lowered(f, std::span<const rt::Slot>(args).first(3));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().kind == shard::ErrorKind::Usage);
  g.inst.may_leave = false;
  CHECK(trap_of(call_lowered(f, args)) == AbiTrap::CannotLeave);
  g.inst.may_leave = true;
  // A misaligned return area traps.
  std::vector<rt::Slot> misaligned{i32(300), i32(3), i32(5), i32(401)};
  CHECK(trap_of(call_lowered(f, misaligned)) == AbiTrap::MisalignedPointer);
  // A callee returning the wrong shape is a usage error.
  f.callee = [](std::span<const Value>, ComponentInstance*) -> Result<std::vector<Value>> {
    return std::vector<Value>{Value::u8(1)};
  };
  auto bad = call_lowered(f, args);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == shard::ErrorKind::Usage);
}

TEST_CASE("canon lower: scalar result and borrowed handle parameter", "[abi][func][borrow]") {
  Guest g;
  ResourceType res{nullptr, {}, "host-resource"};
  uint32_t h = *canon_resource_new(g.inst, res, 55);
  LoweredFunc f{FuncType::make({ValType::borrow(&res)}, {ValType::u32()}), g.opts, &g.inst, nullptr};
  uint32_t lends_during_call = 0;
  f.callee = [&](std::span<const Value> args, ComponentInstance*) -> Result<std::vector<Value>> {
    lends_during_call = std::get<ResourceHandle>(*g.inst.handles.get(h)).num_lends;
    return std::vector<Value>{Value::u32(args[0].rep() * 2)};
  };
  std::vector<rt::Slot> args{i32(h)};
  auto r = call_lowered(f, args);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].i32 == 110);
  CHECK(lends_during_call == 1);
  CHECK(std::get<ResourceHandle>(*g.inst.handles.get(h)).num_lends == 0);
  // An unknown handle traps while lifting the arguments.
  std::vector<rt::Slot> bad{i32(77)};
  CHECK(trap_of(call_lowered(f, bad)) == AbiTrap::UnknownHandle);
}

TEST_CASE("component to component: strings are transcoded", "[abi][func][string]") {
  Guest a(StringEncoding::Utf16), b(StringEncoding::Latin1Utf16);
  std::string b_saw;
  uint64_t b_units = 0;
  auto lifted = std::make_shared<LiftedFunc>(
      LiftedFunc{FuncType::make({ValType::string()}, {ValType::string()}), b.opts, &b.inst, nullptr});
  lifted->callee = [&](std::span<const rt::Slot> args) -> Result<std::vector<rt::Slot>> {
    b_units = args[1].i32;
    b_saw = b.bytes_at(args[0].i32, args[1].i32 & 0x7fffffff);
    // Return "€" as UTF-16 (tagged) through a return area.
    b.put_bytes(700, std::string("\xAC\x20", 2));
    b.put32(600, 700);
    b.put32(604, 1u | (1u << 31));
    return std::vector<rt::Slot>{i32(600)};
  };
  LoweredFunc import{lifted->type, a.opts, &a.inst, lifted_func(lifted)};
  // a passes "é!" in UTF-16.
  a.put_bytes(100, std::string("\xE9\x00!\x00", 4));
  std::vector<rt::Slot> args{i32(100), i32(2), i32(200)};
  auto r = call_lowered(import, args);
  REQUIRE(r.ok());
  CHECK(b_saw == "\xE9!");  // Latin-1 in b
  CHECK(b_units == 2);
  CHECK(a.get32(204) == 1);  // one UTF-16 code unit in a
  CHECK(a.bytes_at(a.get32(200), 2) == std::string("\xAC\x20", 2));
  CHECK(a.inst.may_enter);
  CHECK(b.inst.may_enter);
}

TEST_CASE("component to component: own and borrow handles", "[abi][func][resource]") {
  Guest a, b;
  ResourceType res{&a.inst, {}, "a-thing"};
  uint32_t h = *canon_resource_new(a.inst, res, 1000);

  SECTION("own moves from caller to callee") {
    auto lifted = std::make_shared<LiftedFunc>(LiftedFunc{FuncType::make({ValType::own(&res)}, {}), b.opts, &b.inst, nullptr});
    uint32_t callee_rep = 0;
    lifted->callee = [&](std::span<const rt::Slot> args) -> Result<std::vector<rt::Slot>> {
      callee_rep = *canon_resource_rep(b.inst, res, args[0].i32);
      return std::vector<rt::Slot>{};
    };
    LoweredFunc import{lifted->type, a.opts, &a.inst, lifted_func(lifted)};
    std::vector<rt::Slot> args{i32(h)};
    REQUIRE(call_lowered(import, args).ok());
    CHECK(callee_rep == 1000);
    CHECK(a.inst.handles.get(h) == nullptr);
    CHECK(b.inst.handles.live() == 1);
  }
  SECTION("borrow is lent for the call and must be dropped by the callee") {
    auto lifted = std::make_shared<LiftedFunc>(LiftedFunc{FuncType::make({ValType::borrow(&res)}, {}), b.opts, &b.inst, nullptr});
    bool drop_it = true;
    lifted->callee = [&](std::span<const rt::Slot> args) -> Result<std::vector<rt::Slot>> {
      CHECK(std::get<ResourceHandle>(*a.inst.handles.get(h)).num_lends == 1);
      CHECK(*canon_resource_rep(b.inst, res, args[0].i32) == 1000);
      if (drop_it) {
        auto d = canon_resource_drop(b.inst, res, args[0].i32);
        if (!d) return std::move(d).error();
      }
      return std::vector<rt::Slot>{};
    };
    LoweredFunc import{lifted->type, a.opts, &a.inst, lifted_func(lifted)};
    std::vector<rt::Slot> args{i32(h)};
    REQUIRE(call_lowered(import, args).ok());
    CHECK(std::get<ResourceHandle>(*a.inst.handles.get(h)).num_lends == 0);
    CHECK(b.inst.handles.live() == 0);

    drop_it = false;
    CHECK(trap_of(call_lowered(import, args)) == AbiTrap::BorrowsOutstanding);
    CHECK(b.inst.handles.live() == 0);  // the trapped task's borrow handle is gone
    CHECK(std::get<ResourceHandle>(*a.inst.handles.get(h)).num_lends == 0);
  }
  SECTION("passing a borrow back to the implementing instance passes the rep") {
    auto lifted = std::make_shared<LiftedFunc>(LiftedFunc{FuncType::make({ValType::borrow(&res)}, {}), a.opts, &a.inst, nullptr});
    uint32_t got = 0;
    lifted->callee = [&](std::span<const rt::Slot> args) -> Result<std::vector<rt::Slot>> {
      got = args[0].i32;
      return std::vector<rt::Slot>{};
    };
    // b holds a handle to a's resource and calls a.
    uint32_t hb = *canon_resource_new(b.inst, res, 2000);
    LoweredFunc import{lifted->type, b.opts, &b.inst, lifted_func(lifted)};
    std::vector<rt::Slot> args{i32(hb)};
    REQUIRE(call_lowered(import, args).ok());
    CHECK(got == 2000);
  }
}

TEST_CASE("canon lower: results spill into the caller's return area with own handles", "[abi][func]") {
  Guest g;
  ResourceType res{nullptr, {}, "r"};
  auto rec = ValType::tuple({ValType::own(&res), ValType::u64()});
  LoweredFunc f{FuncType::make({}, {rec}), g.opts, &g.inst, nullptr};
  f.callee = [](std::span<const Value>, ComponentInstance*) -> Result<std::vector<Value>> {
    return std::vector<Value>{Value::tuple({Value::own(31), Value::u64(99)})};
  };
  std::vector<rt::Slot> args{i32(64)};
  auto r = call_lowered(f, args);
  REQUIRE(r.ok());
  CHECK(r->empty());
  const uint32_t handle = g.get32(64);
  CHECK(*canon_resource_rep(g.inst, res, handle) == 31);
  CHECK(g.get64(72) == 99);
  CHECK(g.calls.empty());  // the caller supplied the memory
}
