#!/usr/bin/env bash
# Rebuilds translator.wasm and greeter.wasm, the two components of this demo, from
# translator/lib.rs, greeter/lib.rs (both include cabi.rs, the glue they share) and world.wit.
# The results are checked in, so running the demo needs none of this; run it after changing the
# sources.
#
# Needs:
#   - Debian's /usr/bin/rustc with the wasm32 std (apt-get install -y rustc libstd-rust-dev-wasm32;
#     installed here automatically when run as root). Another rustc earlier on PATH is ignored.
#   - node >= 18 and npm. jco is installed by jco-env.sh into
#     ${XDG_CACHE_HOME:-$HOME/.cache}/shard-jco (or $SHARD_JCO_DIR), never into the repository;
#     the first run needs the npm registry.
# Idempotent: core modules are built in a temporary directory and only the two components are
# (re)written here; the same sources give byte-identical components.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

rustc=/usr/bin/rustc
if [[ ! -x $rustc || ! -d /usr/lib/rustlib/wasm32-unknown-unknown ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        apt-get install -y rustc libstd-rust-dev-wasm32 >&2 ||
            { apt-get update >&2 && apt-get install -y rustc libstd-rust-dev-wasm32 >&2; }
    else
        echo "build.sh: needs /usr/bin/rustc with the wasm32 std:" \
             "apt-get install -y rustc libstd-rust-dev-wasm32" >&2
        exit 1
    fi
fi

# shellcheck source=jco-env.sh
source "$here/jco-env.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for crate in translator greeter; do
    (set -x; "$rustc" --target wasm32-unknown-unknown --crate-type cdylib --crate-name "$crate" \
        -C opt-level=s -C panic=abort -C strip=symbols \
        "$crate/lib.rs" -o "$work/$crate.core.wasm")
done

node componentize.mjs world.wit translator-service "$work/translator.core.wasm" translator.wasm
node componentize.mjs world.wit greeter "$work/greeter.core.wasm" greeter.wasm

for component in translator.wasm greeter.wasm; do
    echo "--- jco wit $component"
    "$JCO" wit "$component"
done
