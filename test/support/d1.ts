// A local D1 (Miniflare, the engine Workers runs) with the project's migrations applied, for store
// tests that must also hold on D1.
import { Miniflare } from 'miniflare';
import type { D1Database } from '@cloudflare/workers-types';
import { openD1 } from '../../src/store/d1';
import type { Database } from '../../src/store/database';
import { migrationStatements } from './worker';

export async function startD1(name: string): Promise<{ mf: Miniflare; d: Database }> {
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response("ok"); } }',
    d1Databases: { DB: name },
    d1Persist: false,
    cf: false,
  });
  const binding = await mf.getD1Database('DB');
  await binding.batch(migrationStatements().map((s) => binding.prepare(s)));
  return { mf, d: openD1(binding as unknown as D1Database) };
}
