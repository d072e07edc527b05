#!/usr/bin/env bash
# Cold start of WASI commands: a hello world and a ~4 MB module (gen_big.py N, whose main
# calls every generated function once and prints a checksum).
#  1. In process (shard_bench_coldstart, Google Benchmark, 5 repetitions, medians): each
#     phase from bytes to exit code.
#  2. Whole processes (hyperfine): `shard run` against Node's WASI and wabt's wasm-interp on
#     the same files, after checking they print the same thing. Debian's wabt is built
#     without WASI; then wasm-interp is timed loading and instantiating the module with dummy
#     imports (no _start), which bounds its cold start from below.
#   bash bench/coldstart.sh [N_FUNCTIONS]      (default 30000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-30000}
bash .ci/install-deps test
for tool in hyperfine node; do
  pkg=$tool; [ "$tool" = node ] && pkg=nodejs
  command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg"
done

cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHARD_BUILD_BENCH=ON -DSHARD_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j 2 --target shard_bench_coldstart shard_cli

out=build-bench/coldstart
mods=build-bench/modules  # shared with run-decode.sh: the big module takes a minute or more to compile
mkdir -p "$out" "$mods"
clang --target=wasm32-wasi --sysroot=/usr -O2 bench/programs/hello.c -o "$out/hello.wasm"
big="$mods/big-$n.wasm"
if [ ! -f "$big" ]; then
  python3 bench/programs/gen_big.py "$n" > "$mods/big-$n.c"
  clang --target=wasm32-wasi --sysroot=/usr -O2 "$mods/big-$n.c" -o "$big.tmp"
  mv "$big.tmp" "$big"
fi
cat > "$out/run.mjs" <<'JS'
// node run.mjs FILE.wasm [ARGS...]: runs a WASI preview1 command, exits with its status.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const [file, ...rest] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...rest], env: {}, preopens: {}, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
JS

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(. /etc/os-release && echo "$PRETTY_NAME"), load average $(cut -d' ' -f1-3 /proc/loadavg)"
ls -l "$out/hello.wasm" "$big"

echo
echo "== in process: shard_bench_coldstart (wall and thread CPU time per phase; medians of 5 repetitions)"
build-bench/bin/shard_bench_coldstart hello="$out/hello.wasm" big="$big" \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/phases.json" --benchmark_out_format=json >/dev/null
python3 - "$out/phases.json" <<'PY'
import json, sys
rows = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    module, phase = b["run_name"].split("/")[:2]
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3}[b["time_unit"]]
    rows.setdefault(phase, {})[module] = (b["real_time"] * scale, b.get("cpu_us", float("nan")))
modules = sorted({m for r in rows.values() for m in r}, key=lambda m: m != "hello")
print("| phase | " + " | ".join(f"{m} wall (µs) | {m} thread CPU (µs)" for m in modules) + " |")
print("|---|" + "---:|---:|" * len(modules))
for phase, r in rows.items():
    cells = [f"{r[m][0]:,.1f} | {r[m][1]:,.1f}" if m in r else " | " for m in modules]
    print(f"| {phase} | " + " | ".join(cells) + " |")
PY

echo
echo "== whole process (hyperfine -N; mean ± σ, median, user+sys CPU; ratios to shard run)"
wabt_mode=wasi
wasm-interp --wasi "$out/hello.wasm" >/dev/null 2>&1 || wabt_mode=dummy
[ "$wabt_mode" = dummy ] &&
  echo "note: this wasm-interp has no WASI support; it is timed loading + instantiating only (--dummy-import-func, no _start)"
for f in "$out/hello.wasm" "$big"; do
  name=$(basename "$f" .wasm)
  s_out=$(build-bench/bin/shard run "$f")
  n_out=$(node --no-warnings "$out/run.mjs" "$f")
  cmds=("build-bench/bin/shard run $f" "node --no-warnings $out/run.mjs $f")
  if [ "$wabt_mode" = wasi ]; then
    w_out=$(wasm-interp --wasi "$f")
    cmds+=("wasm-interp --wasi $f")
  else
    w_out=$s_out  # nothing to compare: _start does not run
    cmds+=("wasm-interp --dummy-import-func $f")
  fi
  if [ "$s_out" = "$n_out" ] && [ "$s_out" = "$w_out" ]; then
    echo "$name: output agrees: $s_out"
  else
    echo "$name: OUTPUT MISMATCH: shard '$s_out' node '$n_out' wabt '$w_out'"
    exit 1
  fi
  # What a process costs before it loads anything: `shard validate` of the same file is
  # start-up + read + decode + validate, without instantiating or running.
  cmds+=("build-bench/bin/shard validate $f")
  hyperfine -N -w 3 -m 20 --export-json "$out/$name.json" "${cmds[@]}" >/dev/null 2>&1
  python3 - "$out/$name.json" "$name" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
base = res[0]["mean"]
print(f"\n{sys.argv[2]}:")
cpu = lambda r: r["user"] + r["system"]
print("| command | mean (ms) | σ (ms) | median (ms) | user+sys (ms) | runs | mean / shard run | user+sys / shard run |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for r in res:
    print(f"| `{r['command']}` | {r['mean']*1e3:.2f} | {r['stddev']*1e3:.2f} | {r['median']*1e3:.2f} "
          f"| {cpu(r)*1e3:.2f} | {len(r['times'])} | {r['mean']/base:.2f} | {cpu(r)/cpu(res[0]):.2f} |")
PY
done
