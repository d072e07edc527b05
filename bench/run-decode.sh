#!/usr/bin/env bash
# Decode/validate throughput on a multi-MB module compiled from generated C.
#   bash bench/run-decode.sh [N_FUNCTIONS]      (default 30000, about 4 MB of wasm)
# Prints Google Benchmark figures (MB/s) and a whole-process comparison with wabt's
# wasm-validate on the same file (hyperfine, median of runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps test
command -v hyperfine >/dev/null || { apt-get install -y -qq hyperfine || true; }
n=${1:-30000}
out=build-bench/modules
mkdir -p "$out"
if [ ! -f "$out/big-$n.wasm" ]; then
  python3 bench/programs/gen_big.py "$n" > "$out/big-$n.c"
  clang --target=wasm32-wasi --sysroot=/usr -O2 "$out/big-$n.c" -o "$out/big-$n.wasm"
fi
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHARD_BUILD_BENCH=ON -DSHARD_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j 2 --target shard_bench_decode shard_bench_interp shard_cli
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
ls -l "$out/big-$n.wasm"
build-bench/bin/shard_bench_decode "$out/big-$n.wasm" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
build-bench/bin/shard_bench_interp "$out/big-$n.wasm" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
if command -v hyperfine >/dev/null && command -v wasm-validate >/dev/null; then
  hyperfine -N -w 2 -r 10 "build-bench/bin/shard validate $out/big-$n.wasm" "wasm-validate $out/big-$n.wasm"
fi
