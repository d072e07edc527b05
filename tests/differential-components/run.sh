#!/usr/bin/env bash
# Differential test of the Component Model: every case in cases.txt is run in Shard
# (`shard run alltypes.wasm --invoke CASE`) and in jco + Node (jco-driver.mjs), and the two
# printed results — one line of WIT value syntax each — must be identical.
#
# usage: run.sh SHARD [PATTERN]
#   SHARD     the shard executable
#   PATTERN   only the cases matching this grep -E pattern (default: all)
# Prints one row per case (ok / DIFF, the case, the result) and a summary.
# Exit status: 0 all equal; 1 a difference, or a broken setup (stale alltypes.wasm, a jco
# driver failure); 2 usage; 77 skipped: node or jco is missing (jco is installed by
# examples/greeter-translator/jco-env.sh into ${SHARD_JCO_DIR:-~/.cache/shard-jco}).
#
# A trap prints as `<trap>` on both sides (exit status 134 from shard); any other failure as
# `<error: ...>`, which never equals the other side's.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: run.sh SHARD [PATTERN]" >&2
    exit 2
fi
shard="$1"
pattern="${2:-}"
wasm="$here/alltypes.wasm"

if ! command -v node >/dev/null; then
    echo "SKIP: node is not installed"
    exit 77
fi
# The same place as jco-env.sh and jco-driver.mjs; never installed from here.
jco_dir="${JCO_DIR:-${SHARD_JCO_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shard-jco}}"
jco="$jco_dir/node_modules/.bin/jco"
if [[ ! -x "$jco" ]]; then
    echo "SKIP: jco is not installed in $jco_dir (bash examples/greeter-translator/jco-env.sh)"
    exit 77
fi
if [[ ! -x "$shard" ]]; then
    echo "run.sh: $shard is not an executable" >&2
    exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The binary must be what alltypes.wat says (jco parse is deterministic).
if ! "$jco" parse "$here/alltypes.wat" -o "$tmp/fresh.wasm" 2>"$tmp/parse.err"; then
    cat "$tmp/parse.err" >&2
    echo "FAIL: jco cannot parse alltypes.wat" >&2
    exit 1
fi
if ! cmp -s "$tmp/fresh.wasm" "$wasm"; then
    echo "FAIL: alltypes.wasm is older than alltypes.wat; run: bash $here/regenerate.sh" >&2
    exit 1
fi

# The cases as jco-driver.mjs reads them: trimmed, without blank lines and # comments.
sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$here/cases.txt" |
    grep -v -e '^$' -e '^#' > "$tmp/cases.txt"
if [[ -n "$pattern" ]]; then
    grep -E -e "$pattern" "$tmp/cases.txt" > "$tmp/selected.txt"
    mv "$tmp/selected.txt" "$tmp/cases.txt"
fi
mapfile -t cases < "$tmp/cases.txt"
if [[ ${#cases[@]} -eq 0 ]]; then
    echo "run.sh: no case matches ${pattern}" >&2
    exit 1
fi

if ! JCO_DIR="$jco_dir" node "$here/jco-driver.mjs" "$wasm" "$tmp/cases.txt" > "$tmp/jco.txt"; then
    echo "FAIL: the jco driver failed" >&2
    exit 1
fi
mapfile -t expected < "$tmp/jco.txt"
if [[ ${#expected[@]} -ne ${#cases[@]} ]]; then
    echo "FAIL: the jco driver printed ${#expected[@]} lines for ${#cases[@]} cases" >&2
    exit 1
fi

timeout_cmd=()
command -v timeout >/dev/null && timeout_cmd=(timeout 60)

pass=0
fail=0
for i in "${!cases[@]}"; do
    case_text="${cases[$i]}"
    want="${expected[$i]}"
    got="$("${timeout_cmd[@]}" "$shard" run "$wasm" --invoke "$case_text" 2>"$tmp/err")"
    rc=$?
    if [[ $rc -eq 134 ]]; then
        got="<trap>"
    elif [[ $rc -eq 124 && ${#timeout_cmd[@]} -gt 0 ]]; then
        got="<error: timed out>"
    elif [[ $rc -ne 0 ]]; then
        got="<error: exit $rc: $(head -n 1 "$tmp/err")>"
    fi
    if [[ "$got" == "$want" ]]; then
        pass=$((pass + 1))
        printf 'ok    %s  =>  %s\n' "$case_text" "$want"
    else
        fail=$((fail + 1))
        printf 'DIFF  %s\n        jco:   %s\n        shard: %s\n' "$case_text" "$want" "${got//$'\n'/\\n}"
    fi
done

echo
echo "component differential (Shard vs. jco): $pass equal, $fail different, of ${#cases[@]} cases"
[[ $fail -eq 0 ]]
