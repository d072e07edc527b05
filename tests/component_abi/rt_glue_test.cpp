// The ABI on Shard's runtime: rt::MemoryInst as memory, realloc/post-return/core callees as
// rt::FuncInst called through rt::call, and lowered functions as host functions.
#include "abi_test_util.h"
#include "component/abi/rt_glue.h"

using namespace shard::component::abi;
using namespace shard::component::abi::test;
using shard::Result;
namespace rt = shard::rt;
using CoreFT = shard::FuncType;
using CoreVT = shard::ValType;

namespace {

struct RtGuest {
  RtGuest() {
    auto m = store.create_memory(shard::MemoryType{shard::Limits{1, 4}});
    REQUIRE(m.ok());
    mem_inst = *m;
    memory = std::make_unique<RtMemory>(mem_inst);
    CoreFT t{{CoreVT::I32, CoreVT::I32, CoreVT::I32, CoreVT::I32}, {CoreVT::I32}};
    realloc_func = store.create_host_func(t, [this](rt::HostCall&, const rt::Value* a, rt::Value* r) {
      const uint32_t old_ptr = a[0].i32, old_size = a[1].i32, align = a[2].i32, new_size = a[3].i32;
      ++realloc_calls;
      if (old_ptr != 0 && new_size <= old_size) {
        r[0] = rt::Value::from_i32(old_ptr);
        return shard::TrapKind::None;
      }
      uint64_t p = (bump + align - 1) / align * align;
      bump = p + new_size;
      while (bump > mem_inst->size) {
        if (mem_inst->grow(1) == UINT32_MAX) return shard::TrapKind::Unreachable;
      }
      if (old_ptr != 0) std::memmove(mem_inst->base + p, mem_inst->base + old_ptr, old_size);
      r[0] = rt::Value::from_i32(static_cast<uint32_t>(p));
      return shard::TrapKind::None;
    });
    opts.memory = memory.get();
    opts.realloc = realloc_from(store, realloc_func);
  }

  rt::Store store;
  rt::MemoryInst* mem_inst = nullptr;
  std::unique_ptr<RtMemory> memory;
  rt::FuncInst* realloc_func = nullptr;
  CanonOptions opts;
  ComponentInstance inst;
  uint64_t bump = 1024;
  int realloc_calls = 0;
};

}  // namespace

TEST_CASE("rt glue: values in an rt::MemoryInst, realloc through rt::call", "[abi][rt]") {
  RtGuest g;
  LiftLowerContext cx(g.opts, g.inst);
  auto t = ValType::list(ValType::string());
  Value v = Value::list({Value::string("alpha"), Value::string(std::string(70000, 'x')), Value::string("")});
  std::vector<Flat> flat;
  REQUIRE(lower_flat(cx, v, *t, flat).ok());
  CHECK(g.realloc_calls == 4);
  CHECK(g.mem_inst->pages() == 2);  // realloc grew the memory
  FlatListSource src(flat);
  auto back = lift_flat(cx, src, *t);
  REQUIRE(back.ok());
  CHECK(*back == v);
}

TEST_CASE("rt glue: a failing realloc traps with the guest's trap", "[abi][rt][trap]") {
  RtGuest g;
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<Flat> flat;
  auto r = lower_flat(cx, Value::string(std::string(300000, 'y')), *ValType::string(), flat);  // > 4 pages
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == shard::ErrorKind::Trap);
  CHECK(r.error().trap == shard::TrapKind::Unreachable);
}

TEST_CASE("rt glue: lifted core function and post-return", "[abi][rt][func]") {
  RtGuest g;
  // core: (ptr, len) -> i32 returning the string length.
  rt::FuncInst* core = g.store.create_host_func(CoreFT{{CoreVT::I32, CoreVT::I32}, {CoreVT::I32}},
                                                [](rt::HostCall&, const rt::Value* a, rt::Value* r) {
                                                  r[0] = rt::Value::from_i32(a[1].i32);
                                                  return shard::TrapKind::None;
                                                });
  uint32_t post_arg = 0;
  rt::FuncInst* post = g.store.create_host_func(CoreFT{{CoreVT::I32}, {}}, [&](rt::HostCall&, const rt::Value* a, rt::Value*) {
    post_arg = a[0].i32 + 1000;
    return shard::TrapKind::None;
  });
  g.opts.post_return = post_return_from(g.store, post);
  LiftedFunc f{FuncType::make({ValType::string()}, {ValType::u32()}), g.opts, &g.inst, core_func_from(g.store, core)};
  std::vector<Value> args{Value::string("four")};
  auto r = call_lifted(f, args, nullptr);
  REQUIRE(r.ok());
  CHECK(*r == std::vector<Value>{Value::u32(4)});
  CHECK(post_arg == 1004);
}

TEST_CASE("rt glue: a lowered function is a host function core wasm can call", "[abi][rt][func]") {
  RtGuest g;
  auto lowered = std::make_shared<LoweredFunc>(
      LoweredFunc{FuncType::make({ValType::string()}, {ValType::option(ValType::string())}), g.opts, &g.inst, nullptr});
  lowered->callee = [](std::span<const Value> args, ComponentInstance*) -> Result<std::vector<Value>> {
    if (args[0].as_string() == "trap") return abi_trap(AbiTrap::InvalidChar);
    return std::vector<Value>{Value::some(Value::string("<" + args[0].as_string() + ">"))};
  };
  rt::FuncInst* f = create_lowered_func(g.store, lowered);
  const CoreFT& type = rt::func_type(*f);
  CHECK(type == CoreFT{{CoreVT::I32, CoreVT::I32, CoreVT::I32}, {}});

  std::memcpy(g.mem_inst->base + 100, "hi", 2);
  rt::Value args[] = {rt::Value::from_i32(100), rt::Value::from_i32(2), rt::Value::from_i32(200)};
  rt::CallResult r = rt::call(g.store, f, args);
  REQUIRE(r.ok());
  uint32_t disc = g.mem_inst->base[200], ptr, len;
  std::memcpy(&ptr, g.mem_inst->base + 204, 4);
  std::memcpy(&len, g.mem_inst->base + 208, 4);
  CHECK(disc == 1);
  CHECK(std::string(reinterpret_cast<char*>(g.mem_inst->base + ptr), len) == "<hi>");

  std::memcpy(g.mem_inst->base + 100, "trap", 4);
  rt::Value trap_args[] = {rt::Value::from_i32(100), rt::Value::from_i32(4), rt::Value::from_i32(200)};
  rt::CallResult t = rt::call(g.store, f, trap_args);
  REQUIRE_FALSE(t.ok());
  CHECK(t.trap->kind == shard::TrapKind::HostError);
  CHECK(t.trap->message == "invalid `char` bit pattern");

  rt::Value oob[] = {rt::Value::from_i32(65535), rt::Value::from_i32(4), rt::Value::from_i32(200)};
  rt::CallResult o = rt::call(g.store, f, oob);
  REQUIRE_FALSE(o.ok());
  CHECK(o.trap->message == "string pointer/length out of bounds of memory");
}
