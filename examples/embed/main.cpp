// Embedding Shard: load a module, give it a host function, call an export, handle a trap.
#include <shard/shard.h>

#include <cstdio>

int main() {
  shard::Engine engine;  // tier and limits: shard::EngineConfig
  auto module = shard::Module::from_text(engine, R"((module
      (import "env" "log" (func $log (param i32)))
      (func (export "add") (param i32 i32) (result i32)
        (call $log (local.get 0))
        (i32.add (local.get 0) (local.get 1)))
      (func (export "div") (param i32 i32) (result i32)
        (i32.div_s (local.get 0) (local.get 1)))))");
  if (!module) {
    std::printf("load failed: %s\n", module.error().to_string().c_str());
    return 1;
  }

  shard::Store store(engine);
  shard::Linker linker(engine);
  linker.func("env", "log", [](int32_t x) { std::printf("log %d\n", x); });
  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    std::printf("instantiate failed: %s\n", instance.error().to_string().c_str());
    return 1;
  }

  auto add = instance->typed_func<int32_t(int32_t, int32_t)>("add");
  shard::Result<int32_t> sum = (*add)(2, 40);
  if (!sum) return 1;
  std::printf("add(2, 40) = %d\n", *sum);

  auto div = instance->typed_func<int32_t(int32_t, int32_t)>("div");
  shard::Result<int32_t> q = (*div)(1, 0);
  if (q) return 1;  // must trap
  std::printf("div(1, 0) trapped: %s\n", q.error().to_string().c_str());
  return 0;
}
