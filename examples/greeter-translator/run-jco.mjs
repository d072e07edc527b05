// Runs one export of a component in jco (an implementation independent of Shard) and prints
// the result. Meant for components with no imports (e.g. greeter.wasm statically composed with
// translator.wasm); WASI imports also work, through @bytecodealliance/preview2-shim.
//
// usage: node run-jco.mjs [--json] [--expect <text>] <component.wasm> <export> [args...]
//   <export>   a world-level function (`greet`) or an interface function
//              (`cyber:demo/translator#translate`); kebab-case names are accepted.
//   args       passed as strings; with --json each is parsed as JSON first (numbers, lists...).
//   --expect   exit 1 unless the printed result is exactly <text>.
// Prints a string result as is, anything else as JSON. Exit status: 0 ok, 1 mismatch or trap,
// 2 usage.
//
// What it does, by hand:
//   jco transpile comp.wasm --name comp -o "$JCO_DIR/tmp.X" --no-typescript
//   echo '{"type":"module"}' > "$JCO_DIR/tmp.X/package.json"
//   node --input-type=module -e \
//     'const m = await import(process.argv[1]); console.log(m.greet("World"))' \
//     "$JCO_DIR/tmp.X/comp.js"
// The output goes under $JCO_DIR so that its imports of the WASI shim resolve.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jcoBin, jcoDir } from './jco-resolve.mjs';

function usage(message) {
  if (message) console.error(`run-jco.mjs: ${message}`);
  console.error('usage: node run-jco.mjs [--json] [--expect <text>] <component.wasm> <export> [args...]');
  process.exit(2);
}

const argv = process.argv.slice(2);
let json = false;
let expect;
while (argv.length && argv[0].startsWith('--')) {
  const flag = argv.shift();
  if (flag === '--json') json = true;
  else if (flag === '--expect') {
    if (!argv.length) usage('--expect needs a value');
    expect = argv.shift();
  } else if (flag === '--') break;
  else usage(`unknown option ${flag}`);
}
if (argv.length < 2) usage();
const [componentPath, exportName, ...rawArgs] = argv;
const args = json ? rawArgs.map((a) => JSON.parse(a)) : rawArgs;

// jco's JS names: kebab-case becomes camelCase (`my-func` → `myFunc`).
const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

// `ns:pkg/iface#func` (or `ns:pkg/iface@1.0.0#func`) → the interface object, which jco exports
// both under its full name and under the camel-cased interface name; `func` → a world export.
function findExport(mod, name) {
  const hash = name.lastIndexOf('#');
  if (hash < 0) return mod[camel(name)] ?? mod[name];
  const iface = name.slice(0, hash);
  const bare = iface.replace(/@.*$/, '').replace(/^.*\//, '');
  const obj = mod[iface] ?? mod[iface.replace(/@.*$/, '')] ?? mod[camel(bare)];
  return obj?.[camel(name.slice(hash + 1))];
}

const show = (v) => typeof v === 'string' ? v
  : JSON.stringify(v, (_, x) => typeof x === 'bigint' ? x.toString() : x);

const out = await mkdtemp(join(jcoDir, 'tmp.run-'));
let status = 0;
try {
  execFileSync(jcoBin, ['transpile', resolve(componentPath), '--name', 'component',
    '-o', out, '--no-typescript', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Transpiled output is ESM; say so, or Node warns and re-parses it.
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
  const mod = await import(pathToFileURL(join(out, 'component.js')).href);
  const fn = findExport(mod, exportName);
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).filter((k) => k !== '_util' && k !== '$init');
    console.error(`run-jco.mjs: no export ${exportName}; the module exports: ${names.join(', ')}`);
    status = 1;
  } else {
    const result = show(await fn(...args));
    console.log(result);
    if (expect !== undefined && result !== expect) {
      console.error(`run-jco.mjs: expected ${JSON.stringify(expect)}, got ${JSON.stringify(result)}`);
      status = 1;
    }
  }
} catch (e) {
  console.error(`run-jco.mjs: ${e?.stack ?? e}`);
  if (e?.code === 'ERR_UNSUPPORTED_ESM_URL_SCHEME' || e?.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('run-jco.mjs: the component has an import nothing provides (see `jco wit`); ' +
      'compose it first, or wire it with `jco transpile --map` as check-jco.sh does');
  }
  status = 1;
} finally {
  await rm(out, { recursive: true, force: true });
}
process.exit(status);
