// better-sqlite3 behind the Database interface: WAL, migrations from db/migrations.
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { projectPath } from '../paths';
import { schema, type Database, type Db, type Statement } from './database';

export const MIGRATIONS_DIR = projectPath('db', 'migrations');

export interface SqliteDatabase extends Database {
  readonly sqlite: BetterSqlite3.Database;
}

export function openSqlite(path: string, { migrateOnOpen = true } = {}): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL'); // durable across process crashes in WAL mode
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  if (migrateOnOpen) migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  const runAll = sqlite.transaction((statements: Statement[]) => {
    for (const s of statements) s.run();
  });
  return {
    kind: 'sqlite',
    sqlite,
    db: db as unknown as Db,
    async atomic(statements) {
      if (statements.length === 1) statements[0]!.run();
      else if (statements.length > 1) runAll(statements);
    },
    close() {
      sqlite.close();
    },
  };
}
