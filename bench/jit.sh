#!/usr/bin/env bash
# The JIT against the interpreter: compile speed on the 4 MB generated module (the same one
# bench/run-decode.sh uses), and whole-process run time on the bench/programs kernels of
# bench/compare.sh (same build flags and arguments), median of REPS runs each.
#   bash bench/jit.sh [REPS]        (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
bash .ci/install-deps test
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHARD_BUILD_BENCH=ON -DSHARD_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j 2 --target shard_bench_jit shard_cli >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
mods=build-bench/modules
mkdir -p "$mods"
if [ ! -f "$mods/big-30000.wasm" ]; then
  python3 bench/programs/gen_big.py 30000 > "$mods/big-30000.c"
  clang --target=wasm32-wasi --sysroot=/usr -O2 "$mods/big-30000.c" -o "$mods/big-30000.wasm"
fi
ls -l "$mods/big-30000.wasm"
build-bench/bin/shard_bench_jit "$mods/big-30000.wasm" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

out=build-bench/programs
mkdir -p "$out"
progs=("fib 34" "sieve 30" "matmul 25" "nbody 1000000" "sha256 100" "hashmap 20" "bytecode 3000000" "memops 200")
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# run_median TIER FILE: median seconds of REPS runs; the checksum goes to $out/TIER.sum.
run_median() {
  local tier=$1 file=$2 ts=()
  for _ in $(seq "$reps"); do
    local t0; t0=$(now)
    build-bench/bin/shard run --tier "$tier" --invoke bench "$file" > "$out/$tier.sum"
    ts+=("$(echo "$(now) - $t0" | bc)")
  done
  printf '%s\n' "${ts[@]}" | median
}
printf '%-10s %10s %10s %10s\n' program interp jit speedup
logsum=0
for p in "${progs[@]}"; do
  set -- $p
  clang --target=wasm32 -O2 -nostdlib -mbulk-memory -Wl,--no-entry -DBENCH_ARG="$2" \
    bench/programs/$1.c bench/programs/bench_main.c -o "$out/$1.wasm"
  ti=$(run_median interp "$out/$1.wasm")
  tj=$(run_median jit "$out/$1.wasm")
  if ! cmp -s "$out/interp.sum" "$out/jit.sum"; then
    echo "$1: checksums differ: $(cat "$out/interp.sum") vs $(cat "$out/jit.sum")" >&2
    exit 1
  fi
  s=$(echo "$ti / $tj" | bc -l)
  logsum=$(echo "$logsum + l($s)" | bc -l)
  printf '%-10s %10.3f %10.3f %10.2f\n' "$1" "$ti" "$tj" "$s"
done
printf 'geometric mean speedup: %.2f\n' "$(echo "e($logsum / ${#progs[@]})" | bc -l)"
