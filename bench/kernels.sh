#!/usr/bin/env bash
# Builds the compute kernels of bench/programs for wasm32 into build-bench/programs (sourced by
# compare.sh and interrupt.sh). Sets `progs` ("name argument" pairs, each sized to run about a
# second in Shard) and `out` (the output folder).
out=build-bench/programs
mkdir -p "$out"
progs=("fib 34" "sieve 30" "matmul 25" "nbody 1000000" "sha256 100" "hashmap 20" "bytecode 3000000" "memops 200")
for p in "${progs[@]}"; do
  set -- $p
  clang --target=wasm32 -O2 -nostdlib -mbulk-memory -Wl,--no-entry -DBENCH_ARG="$2" \
    bench/programs/$1.c bench/programs/bench_main.c -o "$out/$1.wasm"
done
