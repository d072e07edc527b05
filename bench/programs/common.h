// Shared by the benchmark kernels: built with clang --target=wasm32 -nostdlib, each exports
// `run(n)` returning a checksum, so every engine can be checked to compute the same thing.
#pragma once
#include <stdint.h>
#include <stddef.h>
// With -DBENCH_ARG=N (bench/compare.sh), `run` is internal and bench_main.c exports a
// parameterless `bench` = run(N), so every engine is invoked the same way.
#ifdef BENCH_ARG
#define EXPORT(name)
#else
#define EXPORT(name) __attribute__((export_name(name)))
#endif
static inline uint32_t mix32(uint32_t h, uint32_t v) {
  h ^= v;
  h *= 0x01000193u;
  return h;
}
