// The admin CLI against a real SQLite file: init (with contact-API resolution through the real
// SDK and the fake Feishu server), roster import all-or-nothing, --skip-invalid, re-import,
// changed rows audited, export, audit.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/main';
import { EXAMPLES_DIR } from '../../src/township/seed';
import { startFakeFeishu, type FakeFeishu } from '../support/fake-feishu';
import { exampleJson } from '../support/example';
import { readSqlite } from '../support/harness';

let dir: string;
let env: Record<string, string>;
let out: string[];
let err: string[];
const io = { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) };
const cli = (...args: string[]) => runCli(args, env, io);
const q = (sql: string) => readSqlite(env.DATABASE_PATH!, (db) => db.prepare(sql).all());
const count = (sql: string) => (q(sql)[0] as { n: number }).n;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fupin-cli-'));
  env = { DATABASE_PATH: join(dir, 'db.sqlite'), FEISHU_APP_ID: '', FEISHU_APP_SECRET: '' };
  out = [];
  err = [];
});

describe('init', () => {
  let fake: FakeFeishu;
  afterEach(async () => fake?.close());

  it('loads the example idempotently and resolves people given by mobile through the contact API', async () => {
    fake = await startFakeFeishu();
    fake.directory.set('13800010002', 'ou_resolved_by_mobile_000000000001');
    env = { ...env, FEISHU_APP_ID: 'cli_test', FEISHU_APP_SECRET: 'secret', FEISHU_DOMAIN: fake.url };
    expect(await cli('init', resolve(EXAMPLES_DIR, 'township.json'))).toBe(0);
    expect(out.join('\n')).toContain('清水乡（qingshui）已载入：新增村 7、人员 44');
    expect(q("select open_id from people where name = '姚胜利'")).toEqual([{ open_id: 'ou_resolved_by_mobile_000000000001' }]);
    // the other mobile-only person is not in the directory: reported by name, kept without open_id
    expect(err.join('\n')).toContain('谢玉兰（手机 13800010003）');
    expect(q("select open_id from people where name = '谢玉兰'")).toEqual([{ open_id: null }]);
    const audits = count('select count(*) n from audit_log');
    out = [];
    expect(await cli('init', resolve(EXAMPLES_DIR, 'township.json'))).toBe(0);
    expect(out).toEqual(['清水乡（qingshui）：与数据库一致，无变化。']);
    expect(count('select count(*) n from audit_log')).toBe(audits);
  });

  it('updates a changed file and audits it; roles removed from the file are revoked', async () => {
    expect(await cli('init', resolve(EXAMPLES_DIR, 'township.json'))).toBe(0);
    const t = exampleJson();
    t.campaign.noticeMinDays = 10;
    t.people = t.people.map((p) => (p.name === '杨光明' ? { ...p, roles: p.roles.filter((r) => r.role !== 'helper') } : p));
    const file = join(dir, 't.json');
    writeFileSync(file, JSON.stringify(t));
    out = [];
    expect(await cli('init', file)).toBe(0);
    expect(out.join('')).toContain('撤销角色 1');
    expect((q("select json_extract(campaign, '$.noticeMinDays') d from townships")[0] as { d: number }).d).toBe(10);
    expect(count("select count(*) n from audit_log where action = 'revoke' and entity_id like '杨光明|helper|%'")).toBe(1);
  });

  it('refuses a broken file with the JSON path and writes nothing', async () => {
    const t = exampleJson() as unknown as { villages: { name: string }[] };
    t.villages[2]!.name = '';
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(t));
    expect(await cli('init', file)).toBe(1);
    expect(err.join('\n')).toContain('villages[2].name: 村名不能为空');
    expect(existsSync(env.DATABASE_PATH!) ? count('select count(*) n from townships') : 0).toBe(0);
    writeFileSync(file, '{"township": ');
    expect(await cli('init', file)).toBe(1);
    expect(err.join('\n')).toMatch(/第 1 行/);
  });
});

describe('import households', () => {
  beforeEach(async () => {
    expect(await cli('init', resolve(EXAMPLES_DIR, 'township.json'))).toBe(0);
  });

  it('imports the roster, changes nothing on a re-import, and updates and audits a changed row', async () => {
    const csv = resolve(EXAMPLES_DIR, 'roster.csv');
    expect(await cli('import', 'households', csv)).toBe(0);
    expect(count('select count(*) n from households')).toBe(60);
    expect(count('select count(*) n from members')).toBe(191);
    const audits = count('select count(*) n from audit_log');
    out = [];
    expect(await cli('import', 'households', resolve(EXAMPLES_DIR, 'roster.xlsx'))).toBe(0);
    expect(out.join('')).toContain('新增 0 户、更新 0 户、无变化 60 户');
    expect(count('select count(*) n from audit_log')).toBe(audits);

    const changed = readFileSync(csv, 'utf8').replace(/^(01-001,石门村,胡学林,胡学林,户主,\d{17}[\dX],)有/m, '$1无');
    const file = join(dir, 'changed.csv');
    writeFileSync(file, changed);
    out = [];
    expect(await cli('import', 'households', file)).toBe(0);
    expect(out.join('')).toContain('更新 1 户');
    const [a] = q("select before, after from audit_log where action = 'update' and entity = 'member'") as { before: string; after: string }[];
    expect(JSON.parse(a!.before).labour).toBe('able');
    expect(JSON.parse(a!.after).labour).toBe('none');
  });

  it('imports nothing when any row is invalid, naming the row and column; --skip-invalid writes the rejects', async () => {
    const lines = readFileSync(resolve(EXAMPLES_DIR, 'roster.csv'), 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/\d{17}[\dX]/, '522630199002301234');
    const file = join(dir, 'bad.csv');
    writeFileSync(file, lines.join('\n'));
    expect(await cli('import', 'households', file)).toBe(1);
    expect(err.join('\n')).toMatch(/第 4 行「身份证号」：出生日期 19900230 不存在/);
    expect(count('select count(*) n from households')).toBe(0);

    const rejects = join(dir, 'rejects.csv');
    expect(await cli('import', 'households', file, '--skip-invalid', '--rejects', rejects)).toBe(0);
    expect(count('select count(*) n from households')).toBe(59);
    expect(readFileSync(rejects, 'utf8')).toContain('出生日期 19900230 不存在');
  });

  it('refuses an unknown command and a missing file argument with the usage', async () => {
    expect(await cli('import', 'households')).toBe(2);
    expect(err.join('\n')).toContain('用法：import households');
    expect(await cli('frobnicate')).toBe(2);
    expect(err.join('\n')).toContain('未知命令：frobnicate');
  });

  it('exports the roster and prints the audit trail for one village', async () => {
    await cli('import', 'households', resolve(EXAMPLES_DIR, 'roster.csv'));
    const x = join(dir, 'out.xlsx');
    out = [];
    expect(await cli('export', 'households', x)).toBe(0);
    expect(out.join('')).toContain('已导出 60 户、191 人');
    expect(existsSync(x)).toBe(true);
    out = [];
    expect(await cli('audit', '--village', '石门村', '--limit', '5')).toBe(0);
    expect(out).toHaveLength(5);
    expect(out.every((l) => l.includes('（来源 cli:import households'))).toBe(true);
    // in Chinese: who, what, on what, the fields by their names and the codes by their labels
    expect(out[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 管理命令（.+） 新建 户 \d{2}-\d{3}：.*户主：.+；.*住房：(安全|危房|土坯房|无房)/);
    expect(out[0]).not.toMatch(/housing|povertyCause|earth|safe/);
    expect(out.join('\n')).not.toMatch(/\d{17}[\dX]/);
    expect(await cli('audit', '--village', '不存在村')).toBe(1);
  });
});

describe('the fupin bin', () => {
  it('runs a command once, as npm run cli does', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['bin/fupin.mjs', 'init', resolve(EXAMPLES_DIR, 'township.json')], {
      env: { ...process.env, DATABASE_PATH: env.DATABASE_PATH, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout.match(/已载入/g)).toHaveLength(1);
    expect(r.stdout).not.toContain('无变化');
  });
});
