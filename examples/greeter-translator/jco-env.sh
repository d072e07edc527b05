#!/usr/bin/env bash
# Makes sure jco is installed in a cache directory outside the repository and tells where.
#
#   source jco-env.sh     sets and exports JCO_DIR (the npm prefix holding node_modules/) and JCO
#                         (the jco CLI), installing jco first if needed
#   bash jco-env.sh       the same, then prints JCO_DIR (used by the .mjs scripts here)
#
# Needs: node >= 18 and npm; the npm registry on the first run (later runs reuse the cache).
# Location: $SHARD_JCO_DIR if set, else ${XDG_CACHE_HOME:-$HOME/.cache}/shard-jco.
# Versions are pinned below; changing them reinstalls on the next run.

_shard_jco_main() {
    local jco_version=1.35.0
    local transpile_version=0.15.0   # imported directly by componentize.mjs (wasm-tools API)
    local shim_version=0.26.1        # what transpiled components import for WASI, if any

    local dir="${SHARD_JCO_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shard-jco}"
    local here repo
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    repo="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || echo "$here")"
    # Checked before anything is created there: node_modules must never land in the repo.
    dir="$(realpath -m "$dir")"
    case "$dir/" in
        "$(realpath -m "$repo")/"*)
            echo "jco-env.sh: refusing to install jco inside the repository ($dir)" >&2
            return 1 ;;
    esac
    mkdir -p "$dir"

    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        echo "jco-env.sh: node and npm are needed (e.g. apt-get install -y nodejs npm)" >&2
        return 1
    fi

    local have=""
    if [[ -f "$dir/node_modules/@bytecodealliance/jco/package.json" &&
          -f "$dir/node_modules/@bytecodealliance/jco-transpile/package.json" &&
          -f "$dir/node_modules/@bytecodealliance/preview2-shim/package.json" ]]; then
        have="$(cd "$dir" && node -p '["jco", "jco-transpile", "preview2-shim"].map(p =>
            require("./node_modules/@bytecodealliance/" + p + "/package.json").version).join(" ")')"
    fi
    if [[ "$have" != "$jco_version $transpile_version $shim_version" ]]; then
        echo "jco-env.sh: installing jco $jco_version into $dir" >&2
        [[ -f "$dir/package.json" ]] ||
            printf '{ "name": "shard-jco-cache", "private": true }\n' > "$dir/package.json"
        # flock: two scripts starting at once must not run npm in the same prefix together.
        (
            flock 9
            npm install --prefix "$dir" --save-exact --no-audit --no-fund --loglevel=error \
                "@bytecodealliance/jco@$jco_version" \
                "@bytecodealliance/jco-transpile@$transpile_version" \
                "@bytecodealliance/preview2-shim@$shim_version" >&2
        ) 9>"$dir/.install.lock"
    fi

    JCO_DIR="$dir"
    JCO="$dir/node_modules/.bin/jco"
    export JCO_DIR JCO
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    _shard_jco_main
    echo "$JCO_DIR"
else
    _shard_jco_main
fi
