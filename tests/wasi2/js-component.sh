#!/usr/bin/env bash
# A WASI 0.2 command component made by componentize-js (a SpiderMonkey build with the script
# pre-initialized, ~12 MB) from tests/wasi2/js/app.js: `shard run` must print what `jco run`
# prints, in the interpreter and in the default tier. Built from source here, with the WIT
# copied from ../shared/wit/wasi-0.2 and relabelled 0.2.10 (what componentize-js 0.22's engine
# is built for; ../shared/TOOLCHAIN.md). HTTP and fetch-event are disabled: a command needs
# neither, and Shard does not serve wasi:http yet.
#
#   tests/wasi2/js-component.sh SHARD WORK          exit 77 (skipped) without node/npm/jco
set -u
SHARD=$(realpath "$1")
WORK=$2
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SHARED=${SHARD_SHARED_DIR:-$REPO/../shared}
rm -rf "$WORK" && mkdir -p "$WORK/wit/deps" && cd "$WORK" || exit 1
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then echo "skipped: no node/npm"; exit 77; fi
# shellcheck disable=SC1091
source "$REPO/examples/greeter-translator/jco-env.sh" >/dev/null 2>&1 || { echo "skipped: jco unavailable"; exit 77; }
[ -f "$SHARED/tools/jco-p.mjs" ] || { echo "skipped: $SHARED/tools/jco-p.mjs missing"; exit 77; }

for d in cli clocks io random filesystem sockets; do cp -r "$SHARED/wit/wasi-0.2/$d" wit/deps/; done
chmod -R u+w wit
find wit -name '*.wit' -exec sed -i 's/@0\.2\.12/@0.2.10/g; s/since(version = 0\.2\.12)/since(version = 0.2.10)/; /@unstable(feature = network-error-code)/d' {} +
cp "$HERE/js/app.wit" wit/
if ! JCO_DIR=$JCO_DIR node "$SHARED/tools/jco-p.mjs" componentize "$HERE/js/app.js" --wit wit --world-name app \
      --disable http fetch-event -o app.wasm >componentize.log 2>&1; then
  cat componentize.log; echo "FAIL: componentize-js"; exit 1
fi

failures=0
"$JCO" run app.wasm >jco.out 2>jco.err || { echo "FAIL: jco run exited $?"; cat jco.err; exit 1; }
grep -q '^fib(39) = 63245986$' jco.out || { echo "FAIL: jco's output is not the expected one"; cat jco.out; exit 1; }
for tier in interp auto; do
  "$SHARD" run --tier "$tier" app.wasm >"shard-$tier.out" 2>"shard-$tier.err"
  rc=$?
  if [ $rc -ne 0 ]; then echo "FAIL: shard run --tier $tier exited $rc"; cat "shard-$tier.err"; failures=$((failures + 1)); continue; fi
  if cmp -s jco.out "shard-$tier.out"; then echo "ok: --tier $tier prints what jco run prints"
  else echo "FAIL: --tier $tier output differs from jco run"; diff jco.out "shard-$tier.out"; failures=$((failures + 1)); fi
done
# Deny by default still holds: the engine asks for preopens and gets none, and no HTTP import exists.
if "$SHARD" inspect app.wasm | grep -q 'wasi:http'; then echo "FAIL: the component imports wasi:http"; failures=$((failures + 1)); fi
echo "$((2 - failures)) passed, $failures failed"
[ $failures -eq 0 ]
