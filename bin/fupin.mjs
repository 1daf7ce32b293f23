#!/usr/bin/env node
// The admin CLI as an installed bin: runs src/cli/main.ts through tsx.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

register();
const here = dirname(fileURLToPath(import.meta.url));
const { runCli } = await import(join(here, '..', 'src', 'cli', 'main.ts'));
process.exitCode = await runCli(process.argv.slice(2), {});
