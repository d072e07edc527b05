#!/usr/bin/env bash
# Builds the compute kernels of bench/programs for wasm32 into build-bench/programs (sourced by
# compare.sh and interrupt.sh). Sets `progs` ("name argument" pairs, each sized to run about a
# second in Shard) and `out` (the output folder), and defines time_runs.
out=build-bench/programs
mkdir -p "$out"
progs=("fib 34" "sieve 30" "matmul 25" "nbody 1000000" "sha256 100" "hashmap 20" "bytecode 3000000" "memops 200")
for p in "${progs[@]}"; do
  set -- $p
  clang --target=wasm32 -O2 -nostdlib -mbulk-memory -Wl,--no-entry -DBENCH_ARG="$2" \
    bench/programs/$1.c bench/programs/bench_main.c -o "$out/$1.wasm"
done

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# time_runs SUMFILE CMD...: runs CMD $reps times and prints the median seconds; the last number
# CMD printed (the kernel's checksum; wasm-interp prints "bench() => i32:N") goes to SUMFILE.
time_runs() {
  local sumfile=$1; shift
  local ts=() sum
  for _ in $(seq "$reps"); do
    local t0; t0=$(now)
    sum=$("$@" 2>&1 | tail -n 1 | grep -oE '[0-9]+$' || true)
    ts+=("$(echo "$(now) - $t0" | bc -l)")
  done
  echo "$sum" > "$sumfile"
  printf '%s\n' "${ts[@]}" | median
}
