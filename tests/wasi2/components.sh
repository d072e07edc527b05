#!/usr/bin/env bash
# WASI 0.2 with real components: the C and Rust guests of tests/guests (built from source with
# clang + wasi-libc and Debian's rustc), made command components with the standard preview1
# adapter (`jco new --wasi-command`), run by `shard run` and compared with the same programs
# run as preview1 modules — stdout, stderr, exit status and the files they leave — and with
# `jco run` (Node + preview2-shim) where jco supports the feature.
#
#   tests/wasi2/components.sh SHARD WORK
#
# Exit 77 (CTest: skipped) when node/npm or the jco cache cannot be set up.
# Known differences, checked as such: the adapter imports only wasi:cli/exit.exit(result),
# so a non-zero exit code arrives as 1 (jco does the same); it maps the host's refusal of an
# escape (error-code not-permitted) to EPERM where preview1 says ENOTCAPABLE; it has no
# CPU-time clocks.
set -u
SHARD=$(realpath "$1")
WORK=$2
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1

sh "$REPO/tests/guests/build.sh" guests >/dev/null || { echo "building the guests failed"; exit 1; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then echo "skipped: no node/npm for jco"; exit 77; fi
# shellcheck disable=SC1091
source "$REPO/examples/greeter-translator/jco-env.sh" >/dev/null 2>&1 || { echo "skipped: jco unavailable"; exit 77; }
for g in guests/*.wasm; do
  case $g in *.component.wasm) continue ;; esac
  "$JCO" new "$g" --wasi-command -o "${g%.wasm}.component.wasm" >/dev/null || { echo "jco new $g failed"; exit 1; }
done

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# run NAME STDIN ARGS... -> NAME.out NAME.err NAME.rc
run() {
  local name=$1 input=$2
  shift 2
  printf '%b' "$input" | "$@" >"$name.out" 2>"$name.err"
  echo $? >"$name.rc"
}

# same NAME STDIN SHARD-ARGS... GUEST.wasm GUEST-ARGS...: preview1 module vs component, with
# DATA in the arguments replaced by a fresh directory for each run (compared afterwards).
same() {
  local name=$1 input=$2
  shift 2
  local a=() b=()
  rm -rf "$name.p1.data" "$name.p2.data" && mkdir -p "$name.p1.data" "$name.p2.data"
  for x in "$@"; do
    a+=("${x//DATA/$name.p1.data}")
    x=${x//DATA/$name.p2.data}
    case $x in guests/*.wasm) x=${x%.wasm}.component.wasm ;; esac
    b+=("$x")
  done
  run "$name.p1" "$input" "$SHARD" run "${a[@]}"
  run "$name.p2" "$input" "$SHARD" run "${b[@]}"
  if ! cmp -s "$name.p1.out" "$name.p2.out"; then fail "$name: stdout differs"; diff "$name.p1.out" "$name.p2.out" | head; return; fi
  if ! cmp -s "$name.p1.err" "$name.p2.err"; then fail "$name: stderr differs"; diff "$name.p1.err" "$name.p2.err" | head; return; fi
  if ! cmp -s "$name.p1.rc" "$name.p2.rc"; then fail "$name: exit $(cat "$name.p1.rc") vs $(cat "$name.p2.rc")"; return; fi
  if ! diff -r "$name.p1.data" "$name.p2.data" >/dev/null; then fail "$name: files differ"; diff -r "$name.p1.data" "$name.p2.data" | head; return; fi
  ok "$name (as preview1: exit $(cat "$name.p1.rc"), $(wc -c <"$name.p1.out") bytes out)"
}

expect() {  # expect NAME RC REGEX: the last run's status and stdout+stderr
  local name=$1 rc=$2 re=$3
  if [ "$(cat "$name.rc")" != "$rc" ]; then fail "$name: exit $(cat "$name.rc"), expected $rc"; cat "$name.out" "$name.err"; return; fi
  if ! grep -Eq "$re" "$name.out" "$name.err"; then fail "$name: no match for '$re'"; cat "$name.out" "$name.err"; return; fi
  ok "$name"
}

# ---- the same as preview1 ----
same c-hello 'hi\nthere\n' guests/hello.wasm a b
same c-hello-no-stdin '' guests/hello.wasm
same rust-hello 'x\n' --env GREETING=hi guests/rs_hello.wasm x
same rust-hello-inherit '' --inherit-env guests/rs_hello.wasm
same c-exit-0 '' guests/hello.wasm 0
mkdir -p in && printf 'the quick brown fox\n' >in/src.txt
same c-copy '' --dir-ro in::/in --dir DATA::/out guests/copy.wasm /in/src.txt /out/dst.txt
same c-files '' --dir DATA::/data guests/files.wasm
same rust-files '' --dir DATA::/data guests/rs_files.wasm
same c-no-preopen '' guests/copy.wasm /in/src.txt /out/x.txt

# ---- exit codes: preview1 keeps the code; through the adapter any failure is 1 ----
run exit-p1 '' "$SHARD" run guests/exit_code.wasm
run exit-p2 '' "$SHARD" run guests/exit_code.component.wasm
expect exit-p1 37 "leaving with 37"
expect exit-p2 1 "leaving with 37"
run exit-argv '' "$SHARD" run guests/hello.component.wasm 3
expect exit-argv 1 "argv\[1\]=3"

# a trap in the guest (a Rust panic without its directory): 134, the message, a backtrace
run trap-p2 '' "$SHARD" run guests/rs_files.component.wasm
expect trap-p2 134 "shard: trap: unreachable"
grep -q "at wasi:cli/run@0.2.12#run" trap-p2.err && ok "trap backtrace reaches the run export" || fail "trap backtrace"

# ---- clocks and randomness (the adapter has no CPU-time clocks) ----
run clocks-p1 '' "$SHARD" run guests/clocks_random.wasm
run clocks-p2 '' "$SHARD" run guests/clocks_random.component.wasm
if diff <(grep -v cputime clocks-p1.out) <(grep -v cputime clocks-p2.out) >/dev/null && [ "$(cat clocks-p2.rc)" = 0 ]; then
  ok "clocks and random (monotonic, realtime, sleep through poll, getentropy)"
else
  fail "clocks and random differ"; diff clocks-p1.out clocks-p2.out
fi

# ---- escapes and refusals ----
mkdir -p secret && printf 'do not read\n' >secret/key.txt
mkdir -p out
ln -sf "$WORK/secret/key.txt" in/link.txt
for spec in "dotdot:/in/../secret/key.txt" "absolute:$WORK/secret/key.txt" "symlink-out:/in/link.txt"; do
  name=escape-${spec%%:*}
  run "$name" '' "$SHARD" run --dir-ro in::/in --dir out::/out guests/copy.component.wasm "${spec#*:}" /out/stolen.txt
  expect "$name" 1 "cannot open"
done
run escape-read-only '' "$SHARD" run --dir-ro in::/in guests/copy.component.wasm /in/src.txt /in/new.txt
expect escape-read-only 1 "cannot create /in/new.txt"
if [ -e out/stolen.txt ] || [ -e in/new.txt ]; then fail "the sandbox let a file through"; else ok "nothing written outside the grants"; fi

# the hostile guest: every escape refused, as under preview1 (EPERM for ENOTCAPABLE)
mkdir -p sb/data/sub sb/ro && printf SECRET >sb/secret.txt && printf ok >sb/data/ok.txt && printf 'read only' >sb/ro/file.txt
ln -s ../secret.txt sb/data/escape_rel && ln -s "$WORK/sb/secret.txt" sb/data/escape_abs && ln -s .. sb/data/escape_dir
run sandbox-p1 '' "$SHARD" run --dir sb/data::/data --dir-ro sb/ro::/ro guests/sandbox.wasm
run sandbox-p2 '' "$SHARD" run --dir sb/data::/data --dir-ro sb/ro::/ro guests/sandbox.component.wasm
if diff <(sed -e 's/ENOTCAPABLE/EPERM/' -e 's/Bad file descriptor/EPERM/' sandbox-p1.out | grep -v '^open /secret.txt') \
        <(sed 's/Operation not permitted/EPERM/' sandbox-p2.out | grep -v '^open /secret.txt') >/dev/null &&
   [ "$(cat sb/secret.txt)" = SECRET ] && [ ! -e sb/made ] && [ ! -e sb/ro/new.txt ] && grep -q "ok.txt: OPENED" sandbox-p2.out; then
  ok "hostile guest: .., symlinks (relative, absolute, to ..), rename/mkdir/symlink out, read-only writes refused"
else
  fail "hostile guest"; diff sandbox-p1.out sandbox-p2.out
fi

# a component that is not a command; a WASI 0.3 import is refused by name
run not-a-command '' "$SHARD" run "$REPO/examples/greeter-translator/translator.wasm"
expect not-a-command 2 "not a WASI command"

# ---- differential against jco run (Node's preview2-shim) ----
jco_same() {  # jco_same NAME STDIN GUEST ARGS...: both with the same small environment
  local name=$1 input=$2 guest=$3
  shift 3
  local envs=(env -i "PATH=$PATH" HOME=/h GREETING=hi)
  run "$name.shard" "$input" "${envs[@]}" "$SHARD" run --inherit-env "$guest" "$@"
  run "$name.jco" "$input" "${envs[@]}" "$JCO" run "$guest" "$@"
  if cmp -s "$name.shard.out" "$name.jco.out" && cmp -s "$name.shard.rc" "$name.jco.rc"; then
    ok "$name (same as jco run)"
  else
    fail "$name differs from jco run"; diff "$name.shard.out" "$name.jco.out" | head; cat "$name.shard.rc" "$name.jco.rc"
  fi
}
jco_same jco-c-hello 'hi\nthere\n' guests/hello.component.wasm a b
jco_same jco-exit '' guests/exit_code.component.wasm
jco_same jco-rust-hello 'x\n' guests/rs_hello.component.wasm x
jco_same jco-clocks '' guests/clocks_random.component.wasm
# files in a granted directory: jco run grants none by itself; the shared test tools give it one
PREOPENS=${SHARD_SHARED_DIR:-$REPO/../shared}/tools/jco-preopens.mjs
if [ -f "$PREOPENS" ]; then
  for g in files rs_files; do
    rm -rf "jco-$g.a" "jco-$g.b" && mkdir -p "jco-$g.a" "jco-$g.b"
    run "jco-$g.shard" '' "$SHARD" run --dir "jco-$g.a::/data" "guests/$g.component.wasm"
    run "jco-$g.jco" '' env P2_DIRS="$WORK/jco-$g.b::/data" "$JCO" run --jco-import "$PREOPENS" "guests/$g.component.wasm"
    if cmp -s "jco-$g.shard.out" "jco-$g.jco.out" && cmp -s "jco-$g.shard.rc" "jco-$g.jco.rc" && diff -r "jco-$g.a" "jco-$g.b" >/dev/null; then
      ok "jco-$g (same output and files as jco run)"
    else
      fail "jco-$g differs from jco run"; diff "jco-$g.shard.out" "jco-$g.jco.out" | head; diff -r "jco-$g.a" "jco-$g.b" | head
    fi
  done
else
  echo "skipped: jco file tests ($PREOPENS not found)"
fi

echo "$failures failure(s)"
[ "$failures" = 0 ]
