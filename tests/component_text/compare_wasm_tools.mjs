// Compares Shard's component text encoder with wasm-tools (through jco) on every text component
// of ../shared/component-model-tests. Not run by CTest (needs Node and npm); to reproduce:
//
//   mkdir -p /tmp/ctext && cd /tmp/ctext && npm install @bytecodealliance/jco
//   SHARD_CTEXT_DUMP=/tmp/ctext/dump build/bin/shard_tests_component_text "component-model-tests scripts"
//   node tests/component_text/compare_wasm_tools.mjs /tmp/ctext/node_modules /tmp/ctext/dump
//
// The test writes NNNN.wat (the component as written in the script), NNNN.shard.wasm and
// NNNN.where. This script encodes each .wat with wasm-tools and compares the two binaries after
// removing custom sections (wasm-tools adds `name`/`component-name` sections; Shard emits none),
// at every nesting level: components, nested components and core modules.
import fs from 'fs';
import path from 'path';

const [nodeModules, dir] = process.argv.slice(2);
const { parse } = await import(path.resolve(nodeModules, '@bytecodealliance/jco-transpile/dist/wasm-tools.js'));

function leb(bytes, pos) {
  let result = 0, shift = 0, b;
  do {
    b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [result, pos];
}
function putLeb(out, v) {
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    out.push(v ? b | 0x80 : b);
  } while (v);
}

// Drops custom sections (id 0); recurses into core modules (section 1) and components (4).
function strip(bytes, isComponent) {
  const out = Array.from(bytes.slice(0, 8));
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    let size;
    [size, pos] = leb(bytes, pos);
    let payload = bytes.slice(pos, pos + size);
    pos += size;
    if (id === 0) continue;
    if (isComponent && (id === 1 || id === 4)) payload = strip(payload, id === 4);
    out.push(id);
    putLeb(out, payload.length);
    out.push(...payload);
  }
  return Uint8Array.from(out);
}

let same = 0, differ = 0, refFailed = 0;
const lines = [];
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.wat')).sort()) {
  const base = path.join(dir, f.slice(0, -4));
  const where = fs.readFileSync(base + '.where', 'utf8').trim();
  const shard = strip(fs.readFileSync(base + '.shard.wasm'), true);
  let ref;
  try {
    ref = strip(await parse(fs.readFileSync(base + '.wat', 'utf8')), true);
  } catch (e) {
    ++refFailed;
    lines.push(`wasm-tools rejects ${where}: ${String(e).split('\n')[0].slice(0, 200)}`);
    continue;
  }
  if (Buffer.compare(Buffer.from(shard), Buffer.from(ref)) === 0) {
    ++same;
    continue;
  }
  ++differ;
  let at = 0;
  while (at < shard.length && shard[at] === ref[at]) ++at;
  lines.push(`differs ${where} (${base}) at byte ${at}: shard ${shard.length} bytes, wasm-tools ${ref.length}`);
}
console.log(lines.join('\n'));
console.log(`${same} byte-identical, ${differ} different, ${refFailed} rejected by wasm-tools`);
