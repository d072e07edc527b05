#!/usr/bin/env python3
"""Writes a large, deterministic C program (thousands of varied functions: integer and
float arithmetic, loops, switches, memory traffic, indirect calls) for measuring how fast
Shard decodes and validates a multi-megabyte module built by a real compiler.

  gen_big.py N > big.c ; clang --target=wasm32-wasi --sysroot=/usr -O2 big.c -o big.wasm
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
rng = random.Random(12345)
out = ["#include <stdint.h>", "#include <string.h>", "#include <stdio.h>", "",
       "static uint8_t heap[1 << 16];", "typedef uint32_t (*fn_t)(uint32_t, uint32_t);", ""]

def expr(depth, vars_):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(vars_ + [str(rng.randrange(1, 1 << 20)) + "u"])
    op = rng.choice(["+", "-", "*", "^", "|", "&", "<<", ">>", "/", "%"])
    a, b = expr(depth - 1, vars_), expr(depth - 1, vars_)
    if op in ("/", "%"):
        return f"({a} {op} (({b}) | 1u))"
    if op in ("<<", ">>"):
        return f"({a} {op} (({b}) & 31u))"
    return f"({a} {op} {b})"

for i in range(n):
    kind = i % 5
    body = []
    if kind == 0:
        body.append("  uint32_t acc = a;")
        body.append(f"  for (uint32_t i = 0; i < (b & 63u); ++i) acc = {expr(3, ['acc', 'i', 'a'])};")
        body.append("  return acc;")
    elif kind == 1:
        body.append("  switch ((a ^ b) & 15u) {")
        for c in range(12):
            body.append(f"    case {c}: return {expr(2, ['a', 'b'])};")
        body.append(f"    default: return {expr(2, ['a', 'b'])};")
        body.append("  }")
    elif kind == 2:
        body.append(f"  double x = (double)a * {rng.random():.6f} + (double)b;")
        body.append(f"  for (int k = 0; k < 4; ++k) x = x * {rng.uniform(0.5, 1.5):.6f} + {rng.uniform(-2, 2):.6f} / (x + 3.0);")
        body.append("  float y = (float)x * 0.5f;")
        body.append("  return (uint32_t)(int64_t)(x + (double)y) ^ a;")
    elif kind == 3:
        body.append(f"  uint32_t off = ({expr(2, ['a', 'b'])}) & 0xfff0u;")
        body.append("  memcpy(heap + off, &a, 4);")
        body.append("  uint64_t w = 0; memcpy(&w, heap + (off ^ 8u), 8);")
        body.append(f"  heap[off + 3] = (uint8_t)(w >> {rng.randrange(0, 56)});")
        body.append("  return (uint32_t)w + heap[off + 1];")
    else:
        body.append(f"  if ({expr(2, ['a', 'b'])} > {rng.randrange(1, 1 << 30)}u) return {expr(3, ['a', 'b'])};")
        body.append(f"  uint64_t v = (uint64_t)a * {rng.randrange(3, 1 << 40)}ull + b;")
        body.append("  v ^= v >> 17; v *= 0x9e3779b97f4a7c15ull;")
        body.append("  return (uint32_t)(v >> 32);")
    out.append(f"__attribute__((noinline)) uint32_t f{i}(uint32_t a, uint32_t b) {{")
    out.extend(body)
    out.append("}")

out.append("static const fn_t table[] = {" + ", ".join(f"f{i}" for i in range(n)) + "};")
out.append("""
int main(int argc, char** argv) {
  (void)argv;
  uint32_t acc = (uint32_t)argc;
  for (uint32_t i = 0; i < sizeof(table) / sizeof(table[0]); ++i) acc += table[i](acc, i);
  printf("%u\\n", acc);
  return 0;
}""")
print("\n".join(out))
