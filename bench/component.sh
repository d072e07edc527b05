#!/usr/bin/env bash
# Components: the greeter/translator demo (examples/greeter-translator) composed into one
# component with `shard compose`.
#  1. In process (shard_bench_component, Google Benchmark, 5 repetitions, medians): load,
#     instantiate, cold first call, and steady-state calls (cross-component greet(), a host
#     call into the translator, a scalar call).
#  2. Whole processes (hyperfine): `shard run app.wasm --invoke 'greet("World")'` against jco
#     (Node) running the same component, transpiled once beforehand (transpiling is not
#     timed), after checking both print the greeting.
#   bash bench/component.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps test
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHARD_BUILD_BENCH=ON -DSHARD_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j 2 --target shard_bench_component shard_cli

gt=examples/greeter-translator
out=build-bench/component
rm -rf "$out" && mkdir -p "$out"
build-bench/bin/shard compose $gt/greeter.wasm $gt/translator.wasm -o "$out/app.wasm"
ls -l "$out/app.wasm"
build-bench/bin/shard_bench_component "$out/app.wasm" $gt/translator.wasm \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

# jco: transpile once (under the jco cache, so the shim resolves), then time Node running it
jco_dir="$(bash $gt/jco-env.sh)"
work="$(mktemp -d "$jco_dir/bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo '{ "type": "module" }' > "$work/package.json"
"$jco_dir/node_modules/.bin/jco" transpile "$out/app.wasm" --name app -o "$work/app" --no-typescript --quiet
cat > "$work/run.mjs" <<'JS'
import { greet } from './app/app.js';
console.log(JSON.stringify(greet('World')));
JS
shard_out="$(build-bench/bin/shard run "$out/app.wasm" --invoke 'greet("World")')"
node_out="$(node "$work/run.mjs")"
echo "shard: $shard_out   jco: $node_out"
[ "$shard_out" = "$node_out" ] || { echo "outputs differ" >&2; exit 1; }
hyperfine -N --warmup 3 --runs 30 \
  -n shard "build-bench/bin/shard run $out/app.wasm --invoke 'greet(\"World\")'" \
  -n jco-node "node $work/run.mjs"
