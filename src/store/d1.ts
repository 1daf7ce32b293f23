// Cloudflare D1 behind the Database interface. Built per request from the binding.
import { drizzle } from 'drizzle-orm/d1';
import type { D1Database } from '@cloudflare/workers-types';
import { schema, type Database, type Db } from './database';

export function openD1(binding: D1Database): Database {
  const db = drizzle(binding, { schema });
  return {
    kind: 'd1',
    db: db as unknown as Db,
    async atomic(statements) {
      if (statements.length === 0) return;
      // drizzle's raw statements (db.run(sql`…`)) with parameters carry no prepared D1 statement,
      // which its batch needs: give them one
      for (const s of statements) {
        const p = (s as unknown as { _prepare?(): { stmt?: unknown; getQuery?(): { sql: string } } })._prepare?.();
        if (p && p.stmt === undefined && typeof p.getQuery === 'function') p.stmt = binding.prepare(p.getQuery().sql);
      }
      // D1 runs a batch as one implicit transaction.
      await db.batch(statements as unknown as Parameters<typeof db.batch>[0]);
    },
  };
}
