// Turns a core module into a component with jco's library API (the CLI's `jco embed --wit`
// cannot read host files here):
//   componentEmbed: adds the world's WIT as a `component-type` custom section;
//   componentNew:   wit-component reads that section and the core module's import/export names
//                   (`<interface>#<func>`, `cabi_realloc`, `cabi_post_<export>`) and wraps it.
//
// usage: node componentize.mjs <world.wit> <world-name> <core.wasm> <out-component.wasm>
import { readFile, rename, writeFile } from 'node:fs/promises';
import { importFromJco } from './jco-resolve.mjs';

const args = process.argv.slice(2);
if (args.length !== 4) {
  console.error('usage: node componentize.mjs <world.wit> <world-name> <core.wasm> <out.wasm>');
  process.exit(2);
}
const [witFile, world, corePath, outPath] = args;

const { componentEmbed, componentNew } =
  await importFromJco('@bytecodealliance/jco-transpile/wasm-tools');

const embedded = await componentEmbed({
  binary: await readFile(corePath),
  witSource: (await readFile(witFile, 'utf8')),
  world,
});
const component = await componentNew(embedded, []);

// Write then rename, so an interrupted build never leaves a truncated component behind.
await writeFile(`${outPath}.tmp`, component);
await rename(`${outPath}.tmp`, outPath);
console.log(`${outPath}: component of world ${world}, ${component.length} bytes`);
