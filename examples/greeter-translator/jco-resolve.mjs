// Finds the jco installation that jco-env.sh keeps outside the repository and loads modules
// from it. The scripts here live in the repo, away from any node_modules, so bare imports such
// as '@bytecodealliance/jco-transpile' would not resolve; they go through this helper instead.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// $JCO_DIR when a shell script already sourced jco-env.sh; otherwise run it (it installs jco on
// first use and prints the directory).
export const jcoDir = process.env.JCO_DIR ||
  execFileSync('bash', [join(here, 'jco-env.sh')], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString().trim();

export const jcoBin = join(jcoDir, 'node_modules', '.bin', 'jco');

// Import `specifier` as if from a module inside jcoDir.
export async function importFromJco(specifier) {
  const resolved = createRequire(join(jcoDir, 'package.json')).resolve(specifier);
  return import(pathToFileURL(resolved).href);
}
