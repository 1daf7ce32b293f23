// backup <file> while the database is being written: by another process (as the running server
// would) and by the same process between the backup's steps. The copy is restored the way
// docs/OPERATIONS.md says (copied over DATABASE_PATH, no -wal / -shm), passes integrity_check and
// holds every row committed before the backup began.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { loadExample } from '../../src/township/seed';
import { runCli } from '../../src/cli/main';
import { backupSqlite } from '../../src/store/backup';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'fupin-backup-'));
const dbPath = join(dir, 'live.sqlite');
let d: SqliteDatabase;
const lines: string[] = [];
const cli = (...args: string[]) => runCli(args, { DATABASE_PATH: dbPath, VITEST: '1' }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });

beforeAll(async () => {
  d = openSqlite(dbPath);
  await loadExample(d);
});
afterAll(() => d?.close?.());

/** Inserts audit rows (actor `actor`) in transactions of 20, as fast as it can, until killed. */
const WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
const ins = db.prepare("insert into audit_log (township_id, at, actor, action, entity, entity_id, source) values ('qingshui', ?, ?, 'load', 'row', ?, 'test')");
const batch = db.transaction((from) => { for (let i = 0; i < 20; i++) ins.run(Date.now(), process.argv[2], String(from + i)); });
let n = 0;
const loop = () => { batch(n); n += 20; if (n % 200 === 0) process.stdout.write(n + '\\n'); setImmediate(loop); };
loop();
`;

function startWriter(actor: string): { child: ChildProcess; written: () => number; stop: () => Promise<void> } {
  const child = spawn(process.execPath, ['-e', WRITER, dbPath, actor], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let written = 0;
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (s: string) => {
    const last = s.trim().split('\n').at(-1);
    if (last) written = Number(last);
  });
  return {
    child,
    written: () => written,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

const waitFor = async (cond: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Restores as docs/OPERATIONS.md says: the copy becomes DATABASE_PATH, with no -wal / -shm beside it. */
function restore(backup: string, name: string) {
  const target = join(dir, name);
  copyFileSync(backup, target);
  expect(existsSync(`${target}-wal`)).toBe(false);
  expect(existsSync(`${target}-shm`)).toBe(false);
  return openSqlite(target); // what the server does on start: open and migrate
}

const count = (db: BetterSqlite3.Database, sql: string, ...a: unknown[]) => Number(db.prepare(sql).pluck().get(...a));

describe('backup', () => {
  it('refuses an existing file or a missing directory', async () => {
    expect(await cli('backup')).toBe(2);
    expect(await cli('backup', dbPath)).toBe(2);
    expect(await cli('backup', join(dir, 'no/such/dir/b.sqlite'))).toBe(2);
    expect(lines.join('\n')).toContain('已存在');
  });

  it('copies a consistent database while another process keeps writing', async () => {
    const w = startWriter('proc');
    try {
      await waitFor(() => w.written() >= 2000);
      // everything committed up to here must be in the copy
      // one statement, one snapshot: the writer commits between two separate reads
      const snap = d.sqlite.prepare("select count(*) n, max(id) m from audit_log where actor = 'proc'").get() as { n: number; m: number };
      const committed = snap.n;
      const maxId = snap.m;
      expect(committed).toBeGreaterThanOrEqual(2000);
      const file = join(dir, 'during-writes.sqlite');
      const code = await cli('backup', file);
      expect(code, lines.join('\n')).toBe(0);
      expect(lines.at(-2)).toMatch(/^已备份数据库 .* 到 .*（\d+ 页，完整性检查 ok）：户 60、成员 191、/);
      // the writer went on during and after the backup
      const before = w.written();
      await waitFor(() => w.written() > before + 200);
      await w.stop();

      const r = restore(file, 'restored-1.sqlite');
      try {
        expect(r.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(r.sqlite.pragma('foreign_key_check')).toEqual([]);
        expect(count(r.sqlite, "select count(*) from audit_log where actor = 'proc' and id <= ?", maxId)).toBe(committed);
        // whole transactions only: the writer commits 20 rows at a time
        expect(count(r.sqlite, "select count(*) from audit_log where actor = 'proc'") % 20).toBe(0);
        expect(count(r.sqlite, 'select count(*) from households')).toBe(60);
        expect(count(r.sqlite, 'select count(*) from members')).toBe(191);
      } finally {
        r.close?.();
      }
      // the live database is untouched and still in WAL mode
      expect(d.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(count(d.sqlite, "select count(*) from audit_log where actor = 'proc'")).toBeGreaterThan(committed);
    } finally {
      await w.stop();
    }
  });

  it('copies a consistent database while this process writes between the backup steps', async () => {
    let stop = false;
    let n = 0;
    const ins = d.sqlite.prepare("insert into audit_log (township_id, at, actor, action, entity, entity_id, source) values ('qingshui', ?, 'same', 'load', 'row', ?, 'test')");
    const batch = d.sqlite.transaction(() => {
      for (let i = 0; i < 10; i++) ins.run(Date.now(), String(n++));
    });
    for (let i = 0; i < 50; i++) batch();
    const committed = n;
    const loop = () => {
      if (stop) return;
      batch();
      setImmediate(loop);
    };
    setImmediate(loop);
    const file = join(dir, 'same-process.sqlite');
    // a separate connection, as `npm run cli -- backup` opens beside the running server
    const other = new BetterSqlite3(dbPath);
    try {
      const r = await backupSqlite(other, file);
      expect(r.integrity).toBe('ok');
    } finally {
      other.close();
      stop = true;
    }
    expect(n).toBeGreaterThan(committed);
    const r = restore(file, 'restored-2.sqlite');
    try {
      expect(r.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const copied = count(r.sqlite, "select count(*) from audit_log where actor = 'same'");
      expect(copied).toBeGreaterThanOrEqual(committed);
      expect(copied % 10).toBe(0);
    } finally {
      r.close?.();
    }
  });
});
