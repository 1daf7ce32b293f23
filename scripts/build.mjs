// Compiles the Node server and the admin CLI to plain JavaScript in dist/ (esbuild), so
// `npm start` and the `fupin` bin start without a TypeScript loader. npm runs it on `npm ci`
// (prepare) and `npm start` runs it again, so dist/ is never older than the sources.
// Packages stay external (node_modules is resolved at run time; better-sqlite3 is native).
//   node scripts/build.mjs
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (p) => join(root, p);

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};
// Files are overwritten in place and old chunks removed only afterwards, so a CLI started while
// this runs (or a server running from dist/) never finds dist/ missing.
const results = await Promise.all([
  // the server: one file, so its own `import.meta.url` is the entry's
  build({ ...common, metafile: true, entryPoints: { node: at('src/node.ts') }, outdir: at('dist') }),
  // the CLI: each command in its own chunk, loaded when that command runs
  build({ ...common, metafile: true, entryPoints: { cli: at('src/cli/main.ts') }, outdir: at('dist/cli'), splitting: true, chunkNames: '[name]-[hash]' }),
]);
const written = new Set(results.flatMap((r) => Object.keys(r.metafile.outputs)).map((p) => join(root, p)));
for (const file of readdirSync(at('dist/cli'))) {
  const p = join(at('dist/cli'), file);
  if (!written.has(p)) rmSync(p, { force: true });
}
