// Going live: the example the first offline start loaded gives way to the township's own file;
// `township remove` deletes one township and everything scoped to it after a backup; the
// simulator honours SEED_EXAMPLE.
import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { runCli } from '../../src/cli/main';
import { runChat } from '../../src/cli/chat';
import { EXAMPLES_DIR, seedIfEmpty } from '../../src/township/seed';
import { openSqlite } from '../../src/store/sqlite';
import { countTownshipRows, unscopedTables } from '../../src/store/remove-township';
import { memoryLogger } from '../../src/log';
import { exampleJson } from '../support/example';
import { readSqlite } from '../support/harness';
import type { Township } from '../../src/township/schema';

let dir: string;
let env: Record<string, string>;
let out: string[];
let err: string[];
let answers: string[] | null;
const io = () => ({
  out: (s: string) => void out.push(s),
  err: (s: string) => void err.push(s),
  ...(answers ? { ask: async () => answers!.shift() ?? '' } : {}),
});
const cli = async (...args: string[]) => {
  const code = await runCli(args, env, io());
  return code;
};
const q = (sql: string) => readSqlite(env.DATABASE_PATH!, (db) => db.prepare(sql).all());
const rowsOf = (code: string) => readSqlite(env.DATABASE_PATH!, (db) => countTownshipRows(db, code));

const chatId = (code: string, n: string | number) => `oc_${createHash('md5').update(`${code}:${n}`).digest('hex')}`;
const chatsOf = (code: string) => new Set([...Array(7).keys()].map((i) => chatId(code, i)).concat([chatId(code, 'leaders'), chatId(code, 'inspectors')]));

/** A township of its own: the example's people and villages under another code, name and chats. */
function realTownship(code: string, name: string): string {
  const t: Township = exampleJson();
  t.township = { code, name, county: '某县' };
  t.villages = t.villages.map((v, i) => ({ ...v, chatId: chatId(code, i) }));
  t.chats = { leaders: chatId(code, 'leaders'), inspectors: chatId(code, 'inspectors') };
  const file = join(dir, `${code}.json`);
  writeFileSync(file, JSON.stringify(t));
  return file;
}

/** What the first offline start does: seed the example into the empty database. */
async function firstStart() {
  const d = openSqlite(env.DATABASE_PATH!);
  const log = memoryLogger();
  expect(await seedIfEmpty(d, log)).toBe(true);
  d.close?.();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fupin-live-'));
  env = { DATABASE_PATH: join(dir, 'db.sqlite'), FEISHU_APP_ID: '', FEISHU_APP_SECRET: '' };
  out = [];
  err = [];
  answers = null;
});

describe('init of a real township after the first offline start', () => {
  it('replaces the auto-seeded example, says so, and keeps nothing of it', async () => {
    await firstStart();
    expect(rowsOf('qingshui').households).toBe(60);
    expect(await cli('init', realTownship('mytown', '我的乡'))).toBe(0);
    const said = out.join('\n');
    expect(said).toContain('自动载入的示例乡镇 清水乡（qingshui）：已将它整体删除');
    expect(said).toContain('不保留示例的任何数据');
    expect(said).toContain('我的乡（mytown）已载入');
    // nothing of the example is left in any table but the record of its removal
    expect(rowsOf('qingshui')).toEqual({ audit_log: 1 });
    expect(q("select action, entity from audit_log where township_id = 'qingshui'")).toEqual([{ action: 'remove', entity: 'township' }]);
    expect(q("select count(*) n from chats where township_id <> 'mytown'")).toEqual([{ n: 0 }]);
    // commands work without --township, and the jobs only address the real township's chats
    out = [];
    expect(await cli('jobs', 'run', '--at', '2026-12-08T09:06:00+08:00')).toBe(0);
    const targets = q('select distinct receive_id r from outbox') as { r: string }[];
    expect(targets.length).toBeGreaterThan(0);
    const mine = chatsOf('mytown');
    expect(targets.every((t) => mine.has(t.r) || t.r.startsWith('ou_'))).toBe(true);
  });

  it('keeps the example when the example itself is loaded again, and a township the office loaded is never replaced', async () => {
    await firstStart();
    expect(await cli('init', resolve(EXAMPLES_DIR, 'township.json'))).toBe(0);
    expect(out.join('\n')).not.toContain('整体删除');
    expect(rowsOf('qingshui').households).toBe(60);

    env.DATABASE_PATH = join(dir, 'second.sqlite');
    out = [];
    expect(await cli('init', realTownship('first', '一乡'))).toBe(0);
    expect(await cli('init', realTownship('second', '二乡'))).toBe(0);
    expect(out.join('\n')).not.toContain('整体删除');
    expect(rowsOf('first').villages).toBe(7);
    expect(rowsOf('second').villages).toBe(7);
  });

  it('an offline start after the example was replaced and the township removed does not bring the example back', async () => {
    await firstStart();
    expect(await cli('init', realTownship('mytown', '我的乡'))).toBe(0);
    expect(await cli('township', 'remove', 'mytown', '--yes')).toBe(0);
    const d = openSqlite(env.DATABASE_PATH!);
    expect(await seedIfEmpty(d, memoryLogger())).toBe(false);
    d.close?.();
    expect(q('select count(*) n from townships')).toEqual([{ n: 0 }]);
  });
});

describe('township remove', () => {
  beforeEach(async () => {
    expect(await cli('init', realTownship('first', '一乡'))).toBe(0);
    expect(await cli('init', realTownship('second', '二乡'))).toBe(0);
    expect(await cli('import', 'households', resolve(EXAMPLES_DIR, 'roster.csv'), '--township', 'first')).toBe(0);
    expect(await cli('jobs', 'run', '--at', '2026-12-08T09:06:00+08:00', '--township', 'first')).toBe(0);
    out = [];
    err = [];
  });

  it('asks for the code twice on the terminal; a wrong answer or no terminal without --yes changes nothing', async () => {
    const before = rowsOf('first');
    expect(before.households).toBe(60);
    expect(before.outbox).toBeGreaterThan(0);
    // no terminal to ask on, no --yes
    expect(await cli('township', 'remove', 'first')).toBe(2);
    expect(err.join('\n')).toContain('需要确认');
    // the second answer differs
    answers = ['first', 'frist'];
    expect(await cli('township', 'remove', 'first')).toBe(1);
    expect(err.join('\n')).toContain('与 first 不符，已取消，未删除任何数据');
    expect(rowsOf('first')).toEqual(before);
    expect(q('select count(*) n from townships')).toEqual([{ n: 2 }]);
    // unknown code
    expect(await cli('township', 'remove', 'nosuch', '--yes')).toBe(2);
    expect(err.join('\n')).toContain('没有代码为 nosuch 的乡镇');

    answers = ['first', 'first'];
    const secondBefore = rowsOf('second');
    out = [];
    expect(await cli('township', 'remove', 'first')).toBe(0);
    const said = out.join('\n');
    expect(said).toContain('将删除 一乡（first）及其全部数据：村 7、人员 44、户 60');
    const backup = /删除前的备份：(.+?)（/.exec(said)![1]!;
    expect(existsSync(backup)).toBe(true);
    expect(rowsOf('first')).toEqual({ audit_log: 1 });
    expect(rowsOf('second')).toEqual(secondBefore);
    // the backup holds the township as it was
    const b = new BetterSqlite3(backup, { readonly: true });
    expect(countTownshipRows(b, 'first')).toEqual(before);
    b.close();
    // the one township left is chosen without --township
    out = [];
    expect(await cli('audit', '--limit', '1')).toBe(0);
    expect(said).toContain('数据库里还有：second');
  });

  it('--yes removes without asking, to the backup file given; an existing backup file is refused first', async () => {
    const file = join(dir, 'before.sqlite');
    writeFileSync(file, 'x');
    expect(await cli('township', 'remove', 'second', '--yes', '--backup', file)).toBe(2);
    expect(err.join('\n')).toContain('已存在');
    expect(rowsOf('second').villages).toBe(7);
    const fresh = join(dir, 'before-2.sqlite');
    expect(await cli('township', 'remove', 'second', '--yes', '--backup', fresh)).toBe(0);
    expect(existsSync(fresh)).toBe(true);
    expect(rowsOf('second')).toEqual({ audit_log: 1 });
    expect(rowsOf('first').households).toBe(60);
  });

  it('knows which township every table belongs to', () => {
    const d = openSqlite(env.DATABASE_PATH!);
    expect(unscopedTables(d.sqlite)).toEqual([]);
    d.close?.();
  });
});

describe('npm run chat and SEED_EXAMPLE', () => {
  it('does not load the example with SEED_EXAMPLE=never, and says what to do', async () => {
    process.env.DATABASE_PATH = env.DATABASE_PATH;
    process.env.SEED_EXAMPLE = 'never';
    const input = new PassThrough();
    let screen = '';
    const output = new Writable({ write: (c, _e, cb) => ((screen += c.toString()), cb()) });
    input.end('1\n');
    try {
      await runChat(input, output);
    } finally {
      delete process.env.DATABASE_PATH;
      delete process.env.SEED_EXAMPLE;
    }
    expect(screen).not.toContain('已载入示例');
    expect(screen).toContain('还没有人员。先运行 npm run cli -- init <township.json>');
    expect(q('select count(*) n from townships')).toEqual([{ n: 0 }]);
  });
});
