#!/usr/bin/env bash
# WASI 0.2 components vs the same programs as preview1 modules (issue 13), whole processes:
#  1. hello (tests/guests/c/hello.c: args, env, stdin, stdout, stderr): `shard run hello.wasm`
#     (preview1) vs `shard run hello.component.wasm` (the same module wrapped by jco's
#     preview1 adapter) vs `jco run hello.component.wasm` (Node + preview2-shim);
#  2. file copy throughput (tests/guests/c/copy.c, 4 KiB read/write loop) of a 64 MiB file
#     between two granted directories: preview1 fd_read/fd_write vs WASI 0.2 streams.
#   bash bench/wasi2.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps test
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHARD_BUILD_BENCH=ON -DSHARD_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j 2 --target shard_cli
shard=build-bench/bin/shard
out=build-bench/wasi2
rm -rf "$out" && mkdir -p "$out/in" "$out/out"
sh tests/guests/build.sh "$out" >/dev/null
source examples/greeter-translator/jco-env.sh >/dev/null
for g in hello copy; do "$JCO" new "$out/$g.wasm" --wasi-command -o "$out/$g.component.wasm"; done
ls -l "$out/hello.wasm" "$out/hello.component.wasm"

# the same output first
a="$(echo hi | $shard run "$out/hello.wasm" x 2>&1)"
b="$(echo hi | $shard run "$out/hello.component.wasm" x 2>&1)"
[ "$a" = "$b" ] || { echo "outputs differ:"; echo "$a"; echo "$b"; exit 1; }
hyperfine -N --warmup 3 --runs 30 \
  -n preview1 "$shard run $out/hello.wasm x" \
  -n component "$shard run $out/hello.component.wasm x"
hyperfine --warmup 2 --runs 10 \
  -n component "$shard run $out/hello.component.wasm x" \
  -n jco "env -i PATH=$PATH $JCO run $out/hello.component.wasm x"

head -c $((64 << 20)) /dev/urandom >"$out/in/big"
for kind in preview1 component; do
  f="$out/copy.wasm"; [ $kind = component ] && f="$out/copy.component.wasm"
  hyperfine -N --warmup 1 --runs 5 -n "copy 64 MiB, $kind" \
    "$shard run --dir-ro $out/in::/in --dir $out/out::/out $f /in/big /out/$kind"
  cmp "$out/in/big" "$out/out/$kind"
done
