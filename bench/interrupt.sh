#!/usr/bin/env bash
# What fuel, epochs and guard pages cost the interpreter, whole process, on the kernels of
# bench/programs (bench/kernels.sh): `shard run --invoke bench` with memory accesses relying on
# guard pages (the default), with --bounds-checks (software checks), with epochs on
# (--timeout 1h: the checks run, the deadline never comes), and with fuel on (--fuel with a
# budget that never runs out); optionally a baseline binary (an older shard) for "unchanged
# when neither is enabled". Peers (wasm3, WAMR's iwasm) from ../shared/peers are added when
# present and reported as skipped when absent. Median of REPS runs, user CPU seconds; one run.
#   bash bench/interrupt.sh [REPS] [BASELINE_SHARD]      (default 3, no baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
base=${2:-}
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHARD_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j 2 --target shard_cli >/dev/null
source bench/kernels.sh
shard=build-bench/bin/shard
peers=()
for p in wasm3 iwasm; do
  if [ -x "../shared/peers/$p" ]; then peers+=("$p"); else echo "peer $p: absent from ../shared/peers, skipped"; fi
done
# time_cmd CMD...: median user CPU seconds of REPS runs (CPU time, not wall time: the shared
# machine's load then matters less); the checksum (last number printed) must match.
time_cmd() {
  local ts=() t TIMEFORMAT='%3U'
  for _ in $(seq "$reps"); do
    t=$( { time "$@" > "$out/last.out" 2>&1; } 2>&1 )
    ts+=("$t")
    [ "$(tail -n 1 "$out/last.out" | grep -oE '[0-9]+$')" = "$expect" ] ||
      { echo "checksum mismatch: $*: $(tail -n 1 "$out/last.out"), expected $expect" >&2; exit 1; }
  done
  printf '%s\n' "${ts[@]}" | median
}
header="program"; [ -n "$base" ] && header+=" baseline"
header+=" guard bounds-checks epochs fuel"
for p in "${peers[@]}"; do header+=" $p"; done
echo "$header"
for p in "${progs[@]}"; do
  set -- $p
  w="$out/$1.wasm"
  expect=$("$shard" run --invoke bench "$w" | grep -oE '[0-9]+$')
  row="$1"
  [ -n "$base" ] && row+=" $(time_cmd "$base" run --invoke bench "$w")"
  row+=" $(time_cmd "$shard" run --invoke bench "$w")"
  row+=" $(time_cmd "$shard" run --bounds-checks --invoke bench "$w")"
  row+=" $(time_cmd "$shard" run --timeout 1h --invoke bench "$w")"
  row+=" $(time_cmd "$shard" run --fuel 1000000000000000 --invoke bench "$w")"
  for peer in "${peers[@]}"; do
    case $peer in
      wasm3) row+=" $(time_cmd ../shared/peers/wasm3 --func bench "$w")" ;;
      iwasm) row+=" $(time_cmd ../shared/peers/iwasm --invoke bench "$w")" ;;
    esac
  done
  echo "$row"
done
