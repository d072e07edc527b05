#!/usr/bin/env bash
# Rebuilds alltypes.wasm (and alltypes.wit, its WIT as jco prints it, for readers) from
# alltypes.wat with jco (`jco parse` is wasm-tools' component text parser), then checks that
# jco can decode the result to WIT. Run after editing alltypes.wat; run.sh fails while the
# checked-in binary is stale.
#
# Needs node and npm; installs jco into a cache outside the repository on first use
# (examples/greeter-translator/jco-env.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../examples/greeter-translator/jco-env.sh
source "$here/../../examples/greeter-translator/jco-env.sh"

"$JCO" parse "$here/alltypes.wat" -o "$here/alltypes.wasm"
"$JCO" wit "$here/alltypes.wasm" > "$here/alltypes.wit"
echo "wrote alltypes.wasm ($(wc -c < "$here/alltypes.wasm") bytes) and alltypes.wit"
