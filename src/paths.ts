// Files that ship beside the code (db/migrations, examples): found from the project's root, the
// nearest folder above this module with a package.json. The same whether the code runs from
// src/ through tsx or bundled in dist/.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '..');
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const projectPath = (...parts: string[]) => resolve(PROJECT_ROOT, ...parts);
