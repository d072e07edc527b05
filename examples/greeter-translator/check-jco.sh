#!/usr/bin/env bash
# Runs translator.wasm and greeter.wasm in jco (JavaScript, independent of Shard) and checks:
#   1. translate("Taro", "jp") on translator.wasm alone           == "Konnichiwa Taro"
#   2. greet("World") on greeter.wasm, its cyber:demo/translator import wired to the transpiled
#      translator with `jco transpile --map`                      == "Hola friend, World!"
#      (plus an empty and a non-ASCII name, translate's other languages, and a leak check:
#      4100 calls of each with a 1 MiB string, which traps if a buffer is never freed)
#   3. the same greet("World") on a statically composed component with no imports, built here
#      by nesting both components in a WAT wrapper (jco print / jco parse) and run through
#      run-jco.mjs, the script later composition tests use.
# Exits non-zero on any mismatch.
#
# Needs: node >= 18 and npm; jco comes from jco-env.sh (a cache outside the repo).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
# shellcheck source=jco-env.sh
source "$here/jco-env.sh"
echo "jco $("$JCO" --version) from $JCO_DIR"

# Under $JCO_DIR so that transpiled modules could resolve the WASI shim if they needed it.
work="$(mktemp -d "$JCO_DIR/tmp.check-XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo '{ "type": "module" }' > "$work/package.json"   # transpiled output is ESM

set -x
"$JCO" transpile translator.wasm --name translator -o "$work/translator" --no-typescript --quiet
"$JCO" transpile greeter.wasm --name greeter -o "$work/greeter" --no-typescript --quiet \
    --map 'cyber:demo/translator=../translator/translator.js#translator'
set +x

node --input-type=module - "$work" <<'EOF'
const dir = process.argv[2];
const { translator } = await import(`${dir}/translator/translator.js`);
const { greet } = await import(`${dir}/greeter/greeter.js`);
let failed = 0;
function check(what, got, want) {
  const ok = got === want;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what} = ${JSON.stringify(got)}` +
    (ok ? '' : ` (want ${JSON.stringify(want)})`));
  if (!ok) failed++;
}
check('translate("Taro", "jp")', translator.translate('Taro', 'jp'), 'Konnichiwa Taro');
check('translate("Taro", "es")', translator.translate('Taro', 'es'), 'Hola Taro');
check('translate("Taro", "fr")', translator.translate('Taro', 'fr'), 'Hello Taro');
check('greet("World")', greet('World'), 'Hola friend, World!');
check('greet("")', greet(''), 'Hola friend, !');
check('greet("Wörld ✓")', greet('Wörld ✓'), 'Hola friend, Wörld ✓!');
// Leak check: each call must free its argument (the callee owns it) and, in post-return, its
// result. 4100 calls with a 1 MiB argument would need more than the 4 GiB a 32-bit memory can
// grow to if either buffer leaked, so a leak ends in a trap (cabi_realloc aborts when the
// allocator finds no memory). About 4 s per component.
const big = 'y'.repeat(1 << 20);
let same = true;
for (let i = 0; i < 4100; i++) {
  same &&= translator.translate(big, 'jp').length === 11 + big.length;
  same &&= greet(big).length === 14 + big.length;
}
check('4100 x 1 MiB calls of each, results the right length', same, true);
check('greet("World") after those', greet('World'), 'Hola friend, World!');
console.log(`${8 - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
EOF

# Static composition by hand: translator and greeter nested in one component, the greeter's
# import satisfied by the translator's export; the result imports nothing.
"$JCO" print translator.wasm -o "$work/translator.wat"
"$JCO" print greeter.wasm -o "$work/greeter.wat"
# shellcheck disable=SC2016 # `$translator`, `$greeter`: WAT identifiers, not shell variables
{
    echo '(component'
    sed '1s/^(component/(component $translator/' "$work/translator.wat"
    sed '1s/^(component/(component $greeter/' "$work/greeter.wat"
    cat <<'EOF'
  (instance $t (instantiate $translator))
  (alias export $t "cyber:demo/translator" (instance $t-iface))
  (instance $g (instantiate $greeter (with "cyber:demo/translator" (instance $t-iface))))
  (alias export $g "greet" (func $greet))
  (export "greet" (func $greet))
)
EOF
} > "$work/composed.wat"
"$JCO" parse "$work/composed.wat" -o "$work/composed.wasm"
"$JCO" wit "$work/composed.wasm"
set -x
node run-jco.mjs --expect 'Hola friend, World!' "$work/composed.wasm" greet World
node run-jco.mjs --expect 'Konnichiwa Taro' translator.wasm 'cyber:demo/translator#translate' Taro jp
set +x
echo "check-jco.sh: all checks passed"
