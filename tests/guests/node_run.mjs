// Runs a WASI preview1 command under Node's WASI (the reference for the differential test).
// usage: node node_run.mjs GUEST.wasm PREOPENS_JSON ENV_JSON [args...]
//   PREOPENS_JSON: {"/data": "/host/dir", ...}   ENV_JSON: {"KEY": "value", ...}
// stdin/stdout/stderr are this process's; the exit status is the guest's exit code.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const [wasmPath, preopensJson, envJson, ...guestArgs] = process.argv.slice(2);
const wasi = new WASI({
  version: 'preview1',
  args: [wasmPath.split('/').pop(), ...guestArgs],
  env: JSON.parse(envJson),
  preopens: JSON.parse(preopensJson),
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
let code;
try {
  code = wasi.start(instance);
} catch (e) {
  console.error(String(e));
  code = 134;
}
process.exitCode = code;
