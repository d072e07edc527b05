#!/usr/bin/env bash
# Static composition checked by an independent implementation: `shard compose` the Rust
# greeter and translator (examples/greeter-translator) into one component, run it in Shard,
# then transpile it with jco and run it in Node. Both must print "Hola friend, World!".
#   jco_check.sh SHARD_BINARY
# Exit 77 (skipped) when node or the jco cache is missing.
set -euo pipefail
shard="$1"
here="$(cd "$(dirname "$0")" && pwd)"
gt="$here/../../examples/greeter-translator"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$shard" compose "$gt/greeter.wasm" "$gt/translator.wasm" -o "$tmp/app.wasm"
out="$("$shard" run "$tmp/app.wasm" --invoke 'greet("World")')"
echo "shard: $out"
[[ "$out" == '"Hola friend, World!"' ]] || { echo "unexpected output from shard" >&2; exit 1; }

command -v node >/dev/null || { echo "node missing: skipping the jco half"; exit 77; }
jco_dir="${SHARD_JCO_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shard-jco}"
[[ -x "$jco_dir/node_modules/.bin/jco" ]] || { echo "no jco in $jco_dir (run .ci/install-deps test): skipping"; exit 77; }
node "$gt/run-jco.mjs" --expect 'Hola friend, World!' "$tmp/app.wasm" greet World
