// The one storage handle the app sees: a drizzle database over better-sqlite3 or D1,
// plus `atomic`, the only way to write several rows together. D1 has no interactive
// transactions, so a multi-write is a list of prepared statements: db.batch on D1,
// one synchronous transaction on better-sqlite3.
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from '../../db/schema/index';

export type Schema = typeof schema;
export type Db = BaseSQLiteDatabase<'sync' | 'async', unknown, Schema>;

/** A drizzle statement not yet run (insert / update / delete builder). */
export interface Statement {
  run(): unknown;
}

export interface Database {
  readonly kind: 'sqlite' | 'd1';
  readonly db: Db;
  /** Runs every statement or none. */
  atomic(statements: Statement[]): Promise<void>;
  close?(): void;
}

/** D1 accepts at most 100 bound parameters a query: long id lists are read in chunks. */
export const CHUNK = 90;
export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export { schema };
