#!/bin/sh
# Builds the guest programs (c/*.c with clang + wasi-libc, rust/*.rs with Debian's rustc)
# into OUT_DIR (default ./guests), rebuilding only what changed. Installs the toolchain
# packages first if they are missing (TOOLCHAIN.md).
set -e
SRC=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-guests}

need=""
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v wasm-ld >/dev/null 2>&1 || need="$need lld"
[ -f /usr/lib/wasm32-wasi/libc.a ] || need="$need wasi-libc"
ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || need="$need libclang-rt-14-dev-wasm32"
[ -x /usr/bin/rustc ] || need="$need rustc"
[ -d /usr/lib/rustlib/wasm32-wasi ] || need="$need libstd-rust-dev-wasm32"
if [ -n "$need" ]; then
  echo "installing:$need" >&2
  apt-get install -y $need >&2 || { apt-get update >&2 && apt-get install -y $need >&2; }
fi

mkdir -p "$OUT"
for src in "$SRC"/c/*.c; do
  out="$OUT/$(basename "$src" .c).wasm"
  if [ ! "$out" -nt "$src" ]; then
    clang --target=wasm32-wasi --sysroot=/usr -O2 "$src" -o "$out"
  fi
done
for src in "$SRC"/rust/*.rs; do
  out="$OUT/$(basename "$src" .rs).wasm"
  if [ ! "$out" -nt "$src" ]; then
    /usr/bin/rustc --target wasm32-wasi -O "$src" -o "$out"
  fi
done
