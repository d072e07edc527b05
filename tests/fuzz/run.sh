#!/usr/bin/env bash
# Builds Shard's libFuzzer targets with clang in build-fuzz/ and runs each for a while.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     default: 60 seconds each, every target
#
# Targets: fuzz_decode fuzz_wat fuzz_wast fuzz_run fuzz_component (fuzz_run runs modules with
# loops and recursion, bounded by fuel; a target that does not build fails the run). Seeds are
# regenerated into build-fuzz/fuzz/seeds/<name>; what the fuzzers find is kept in
# build-fuzz/fuzz/corpus/<name> for the next run, and crashing inputs go to build-fuzz/fuzz/artifacts/. Exits non-zero if any target crashed, leaked, hit
# UB, timed out or broke a property (the artifact path is printed). Reproduce one input with
#   build-fuzz/fuzz/<target> <file>
#
# Environment: BUILD_DIR (default <repo>/build-fuzz), CC/CXX (default clang/clang++),
# JOBS (build parallelism, default 2), FUZZ_FLAGS (extra libFuzzer flags).
set -u -o pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$repo/build-fuzz}
seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_decode fuzz_wat fuzz_wast fuzz_run fuzz_component)

mkdir -p "$build"
cmake -S "$repo" -B "$build" -G Ninja \
  -DCMAKE_C_COMPILER="${CC:-clang}" -DCMAKE_CXX_COMPILER="${CXX:-clang++}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DSHARD_FUZZ=ON -DSHARD_BUILD_TESTS=ON >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; echo "run.sh: configure failed" >&2; exit 1; }

jobs=${JOBS:-2}
cmake --build "$build" -j "$jobs" --target make_seeds || { echo "run.sh: building make_seeds failed" >&2; exit 1; }
cmake --build "$build" -j "$jobs" --target fuzz_seeds || { echo "run.sh: generating seeds failed" >&2; exit 1; }

runnable=()
for t in "${targets[@]}"; do
  if cmake --build "$build" -j "$jobs" --target "$t"; then
    runnable+=("$t")
  else
    echo "run.sh: building $t failed" >&2
    exit 1
  fi
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/fuzz/artifacts"
failed=()
for t in "${runnable[@]}"; do
  name=${t#fuzz_}
  case $name in decode|run|component) dict=wasm.dict ;; *) dict=wat.dict ;; esac
  maxlen=8192
  [ "$name" = component ] && maxlen=65536  # real components (the seeds) are ~20-45 KB
  corpus=$build/fuzz/corpus/$name
  mkdir -p "$corpus"
  echo "=== $t: ${seconds}s"
  # shellcheck disable=SC2086
  "$build/fuzz/$t" "$corpus" "$build/fuzz/seeds/$name" \
    -dict="$build/fuzz/seeds/$dict" -max_total_time="$seconds" -max_len=$maxlen -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/$t-" ${FUZZ_FLAGS:-} \
    2>"$build/fuzz/$t.log"
  rc=$?
  grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$build/fuzz/$t.log" | tail -3
  if [ $rc -ne 0 ]; then
    echo "run.sh: $t FAILED (exit $rc); log: $build/fuzz/$t.log" >&2
    grep -E 'ERROR:|runtime error:|fuzz property violated|Test unit written to|SUMMARY' "$build/fuzz/$t.log" | head -8 >&2
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "run.sh: failing targets: ${failed[*]}" >&2
  exit 1
fi
echo "run.sh: all targets ran ${seconds}s without findings: ${runnable[*]}"
