// The fused scalar path (call_scalars) against the generic one (call_lifted over abi::Value):
// for every scalar type and the bit patterns where lifting and lowering differ from a plain
// copy (wrapping to the width, bool normalisation, NaN canonicalisation, invalid chars), both
// paths must hand the callee the same core bits, return the same result, and trap alike;
// plus the reentrance rule and post-return on the fused path.
#include <bit>

#include "abi_test_util.h"

using namespace shard::component::abi;
using namespace shard::component::abi::test;
using shard::Result;
namespace rt = shard::rt;

namespace {

struct Outcome {
  bool ok = false;
  std::string error;
  uint64_t callee_saw = 0;  ///< the core bits the callee received
  uint64_t result = 0;      ///< the result's core bits after lowering back to the caller
  bool operator==(const Outcome&) const = default;
};

uint64_t slot_bits(TypeKind k, const rt::Slot& s) {
  return k == TypeKind::S64 || k == TypeKind::U64 || k == TypeKind::F64 ? s.i64 : uint64_t{s.i32};
}

/// One call of `u: func(x: k) -> k` whose core callee records its argument and returns
/// `ret_bits`, through the generic path (generic = true) or call_scalars.
Outcome run(TypeKind k, uint64_t arg_bits, uint64_t ret_bits, bool generic) {
  Guest g;
  const TypeRef t = ValType::prim(k);
  LiftedFunc f{FuncType::make({t}, {t}), g.opts, &g.inst, nullptr};
  Outcome o;
  f.callee = [&](std::span<const rt::Slot> args) -> Result<std::vector<rt::Slot>> {
    REQUIRE(args.size() == 1);
    o.callee_saw = slot_bits(k, args[0]);
    rt::Slot s{};
    s.i64 = ret_bits;
    return std::vector<rt::Slot>{s};
  };
  REQUIRE(scalar_signature(f.type));
  if (generic) {
    // The host's side of the generic path: the argument is lifted from the caller's bits.
    auto v = lift_scalar(k, arg_bits);
    if (!v) return Outcome{false, v.error().message, 0, 0};
    std::vector<Value> args{*v};
    auto r = call_lifted(f, args, nullptr);
    if (!r) {
      o.error = r.error().message;
      return o;
    }
    o.ok = true;
    o.result = lower_scalar((*r)[0], k);
  } else {
    uint64_t out = 0;
    auto r = call_scalars(f, std::span<const uint64_t>(&arg_bits, 1), &out, nullptr);
    if (!r) {
      o.error = r.error().message;
      return o;
    }
    o.ok = true;
    o.result = out;
  }
  return o;
}

}  // namespace

TEST_CASE("fused scalar calls agree with the generic path on every scalar type", "[abi][fused]") {
  const uint64_t f32_nan = std::bit_cast<uint32_t>(0.0f / 0.0f) | 0x1234;  // a non-canonical NaN
  const uint64_t f64_nan = std::bit_cast<uint64_t>(0.0 / 0.0) | 0x1234;
  const std::vector<uint64_t> patterns = {0,          1,          2,          0x7f,       0x80,       0xff,
                                          0x100,      0x1ff,      0x7fff,     0x8000,     0xffff,     0x1ffff,
                                          0x7fffffff, 0x80000000, 0xffffffff, 0xd800,     0xdfff,     0x10ffff,
                                          0x110000,   f32_nan,    f64_nan,    0x3f800000, 0xffffffffffffffff};
  for (TypeKind k : {TypeKind::Bool, TypeKind::S8, TypeKind::U8, TypeKind::S16, TypeKind::U16, TypeKind::S32,
                     TypeKind::U32, TypeKind::S64, TypeKind::U64, TypeKind::F32, TypeKind::F64, TypeKind::Char}) {
    for (uint64_t arg : patterns) {
      for (uint64_t ret : {uint64_t{0}, arg, ~arg, uint64_t{0x41}}) {
        // The caller's core value has the width of its core type.
        const bool wide = k == TypeKind::S64 || k == TypeKind::U64 || k == TypeKind::F64;
        const uint64_t a = wide ? arg : arg & 0xffffffffu;
        const uint64_t r = wide ? ret : ret & 0xffffffffu;
        INFO("type " << to_string(k) << ", argument bits " << a << ", callee result bits " << r);
        const Outcome generic = run(k, a, r, true);
        const Outcome fused = run(k, a, r, false);
        CHECK(fused.ok == generic.ok);
        CHECK(fused.error == generic.error);
        if (generic.ok && fused.ok) {
          CHECK(fused.callee_saw == generic.callee_saw);
          CHECK(fused.result == generic.result);
        }
      }
    }
  }
  // Spot checks of what the agreement means.
  CHECK(run(TypeKind::U8, 0x1ff, 0x2ff, false).callee_saw == 0xff);
  CHECK(run(TypeKind::U8, 0x1ff, 0x2ff, false).result == 0xff);
  CHECK(run(TypeKind::S8, 0xff, 0x80, false).callee_saw == 0xffffffff);
  CHECK(run(TypeKind::Bool, 7, 9, false).callee_saw == 1);
  CHECK(run(TypeKind::F32, f32_nan & 0xffffffff, 0, false).callee_saw == 0x7fc00000);
  CHECK(run(TypeKind::Char, 0xd800, 0x41, false).error == "invalid `char` bit pattern");
  CHECK(run(TypeKind::Char, 0x41, 0x110000, false).error == "invalid `char` bit pattern");
}

TEST_CASE("fused scalar calls: reentrance, traps and post-return", "[abi][fused][trap]") {
  Guest g;
  LiftedFunc f{FuncType::make({ValType::u32()}, {ValType::u32()}), g.opts, &g.inst, nullptr};
  ComponentInstance other;
  std::vector<uint64_t> post;
  bool may_leave_in_post = true;
  f.callee = [&](std::span<const rt::Slot> args) -> Result<std::vector<rt::Slot>> {
    CHECK_FALSE(g.inst.may_enter);
    // The reentrance rule (ComponentInstance.may_enter_from): the instance is on the stack,
    // so a call into it from another instance traps. (From itself it would not: the
    // instance is held in common, its entering set is empty.)
    uint64_t in = 1, out = 0;
    auto again = call_scalars(f, std::span<const uint64_t>(&in, 1), &out, &other);
    REQUIRE_FALSE(again.ok());
    CHECK(is_abi_trap(again.error(), AbiTrap::CannotEnter));
    rt::Slot s{};
    s.i32 = args[0].i32 + 1;
    return std::vector<rt::Slot>{s};
  };
  f.opts.post_return = [&](std::span<const rt::Slot> flat) -> Result<void> {
    for (const rt::Slot& s : flat) post.push_back(s.i32);
    may_leave_in_post = g.inst.may_leave;
    return {};
  };
  uint64_t arg = 41, out = 0;
  REQUIRE(call_scalars(f, std::span<const uint64_t>(&arg, 1), &out, nullptr).ok());
  CHECK(out == 42);
  CHECK(post == std::vector<uint64_t>{42});
  CHECK_FALSE(may_leave_in_post);
  CHECK(g.inst.may_enter);
  CHECK(g.inst.may_leave);

  SECTION("a trapping callee leaves the instance entered") {
    f.callee = [&](std::span<const rt::Slot>) -> Result<std::vector<rt::Slot>> {
      shard::Error e(shard::ErrorKind::Trap, "unreachable");
      e.trap = shard::TrapKind::Unreachable;
      return e;
    };
    auto r = call_scalars(f, std::span<const uint64_t>(&arg, 1), &out, nullptr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().trap == shard::TrapKind::Unreachable);
    CHECK_FALSE(g.inst.may_enter);
    auto again = call_scalars(f, std::span<const uint64_t>(&arg, 1), &out, nullptr);
    REQUIRE_FALSE(again.ok());
    CHECK(is_abi_trap(again.error(), AbiTrap::CannotEnter));
  }
  SECTION("wrong argument count is a usage error before entering") {
    auto r = call_scalars(f, {}, &out, nullptr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == shard::ErrorKind::Usage);
    CHECK(g.inst.may_enter);
  }
}

TEST_CASE("scalar_signature: scalars that flatten without spilling", "[abi][fused]") {
  CHECK(scalar_signature(FuncType::make({}, {})));
  CHECK(scalar_signature(FuncType::make({ValType::u32(), ValType::f64(), ValType::char_()}, {ValType::bool_()})));
  CHECK_FALSE(scalar_signature(FuncType::make({ValType::string()}, {})));
  CHECK_FALSE(scalar_signature(FuncType::make({}, {ValType::option(ValType::u32())})));
  CHECK_FALSE(scalar_signature(FuncType::make(std::vector<TypeRef>(17, ValType::u8()), {})));
  CHECK_FALSE(scalar_signature(FuncType::make({ValType::u32()}, {ValType::u32(), ValType::u32()})));
}
