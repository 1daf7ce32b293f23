#!/usr/bin/env node
// The admin CLI as an installed bin (and `npm run cli`): runs the compiled CLI in dist/cli/.
// dist/ is built by `npm ci` (prepare) and `npm start`; when a source file is newer (a pull, an
// edit) it is rebuilt first, so the CLI never runs older code than the checkout holds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'cli.js');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

if (!existsSync(built) || statSync(built).mtimeMs < Math.max(newestSource(join(root, 'src')), newestSource(join(root, 'db')))) {
  await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href);
}
const { cliMain } = await import(pathToFileURL(built).href);
process.exitCode = await cliMain(process.argv.slice(2));
