#!/usr/bin/env bash
# Whole-process comparison on the compute kernels in bench/programs: Shard's interpreter,
# Node (V8) with its optimizing tier, Node baseline-only (Liftoff, no tier-up), and wabt's
# wasm-interp. Checks that all engines return the same checksum, then prints the median of
# REPS runs per engine and the ratios, from this one run.
#   bash bench/compare.sh [REPS]        (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
bash .ci/install-deps test
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHARD_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j 2 --target shard_cli >/dev/null
# the kernels, sized so each run does enough work (a second or so in Shard) that process
# start-up does not dominate
source bench/kernels.sh
out_dir=$out
cat > "$out/run.mjs" <<'JS'
import { readFileSync } from 'node:fs';
const [file] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
console.log(String(instance.exports.bench() >>> 0));
JS
# time_cmd NAME CMD...: the median seconds of REPS runs (kernels.sh); the checksum goes to
# $out_dir/NAME.sum, since this runs in a command substitution.
time_cmd() {
  local label=$1; shift
  time_runs "$out_dir/$label.sum" "$@"
}
printf '%-10s %10s %10s %10s %10s %12s %12s %10s\n' program shard node-opt node-base wabt 'shard/base' 'wabt/shard' checksum
geo_base=0; geo_wabt=0; count=0
for p in "${progs[@]}"; do
  set -- $p
  w="$out/$1.wasm"
  s=$(time_cmd shard build-bench/bin/shard run --invoke bench "$w")
  no=$(time_cmd nodeopt node "$out/run.mjs" "$w")
  nb=$(time_cmd nodebase node --liftoff --no-wasm-tier-up "$out/run.mjs" "$w")
  wb=$(time_cmd wabt wasm-interp --run-all-exports "$w")
  sums="$(cat "$out/shard.sum") $(cat "$out/nodeopt.sum") $(cat "$out/nodebase.sum") $(cat "$out/wabt.sum")"
  ok=$(echo "$sums" | awk '{print ($1==$2 && $2==$3 && $3==$4) ? "ok" : "MISMATCH"}')
  r1=$(echo "$s / $nb" | bc -l); r2=$(echo "$wb / $s" | bc -l)
  printf '%-10s %10.3f %10.3f %10.3f %10.3f %12.2f %12.2f %10s\n' "$1" "$s" "$no" "$nb" "$wb" "$r1" "$r2" "$ok"
  geo_base=$(echo "$geo_base + l($r1)" | bc -l); geo_wabt=$(echo "$geo_wabt + l($r2)" | bc -l); count=$((count + 1))
done
printf 'geometric mean: shard / node-baseline = %.2f, wabt / shard = %.2f\n' \
  "$(echo "e($geo_base / $count)" | bc -l)" "$(echo "e($geo_wabt / $count)" | bc -l)"
