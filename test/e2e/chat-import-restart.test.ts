// A chat import interrupted by SIGKILL while it stages the file (the Node server in its own
// process, as in kill-restart.test.ts): started again, it resumes from the batch it had reached
// (chat_imports.cursor), stages nothing twice, previews, and imports on 确认导入.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { startFakeFeishu, type FakeFeishu } from '../support/fake-feishu';
import { readSqlite, tempDbPath } from '../support/harness';
import { BOT_OPEN_ID, ENCRYPT_KEY, VERIFICATION_TOKEN, cardEnvelope, messageEnvelope, signedRequest } from '../support/events';
import { EX, exampleJson } from '../support/example';
import { openSqlite } from '../../src/store/sqlite';
import { loadTownship } from '../../src/township/load';
import { generateRoster } from '../../scripts/make-example-roster';
import { csvText } from '../../src/sheet/csv-write';
import { ROSTER_COLUMNS } from '../../src/import/roster/columns';
import { rosterRecords } from '../../src/import/roster/write';

let fake: FakeFeishu;
let child: ChildProcess | null = null;
afterAll(async () => {
  child?.kill('SIGKILL');
  await fake?.close();
});

async function start(dbPath: string, port: number) {
  const c = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: dbPath,
      FEISHU_APP_ID: 'cli_test',
      FEISHU_APP_SECRET: 'secret',
      FEISHU_DOMAIN: fake.url,
      FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
      FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      FEISHU_BOT_OPEN_ID: BOT_OPEN_ID,
      SEED_EXAMPLE: 'never',
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return c;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  c.kill('SIGKILL');
  throw new Error('server did not start');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Row = { state: string; cursor: number; hs: number; ms: number };
const read = (db: string): Row =>
  readSqlite(db, (s) => {
    const r = s.prepare('select state, cursor from chat_imports limit 1').get() as { state: string; cursor: number } | undefined;
    const n = (t: string) => (s.prepare(`select count(*) n from ${t}`).get() as { n: number }).n;
    return { state: r?.state ?? '', cursor: r?.cursor ?? 0, hs: n('roster_stage_households'), ms: n('roster_stage_members') };
  });

describe('a chat import killed half-way', () => {
  it('resumes after a restart from its cursor and imports once', async () => {
    fake = await startFakeFeishu();
    const dbPath = tempDbPath();
    const setup = openSqlite(dbPath);
    await loadTownship(setup, exampleJson(), { api: null, actor: 'test', source: 'test' });
    setup.sqlite.close();
    const villages = exampleJson().villages.map((v, i) => ({ name: v.name, poor: i < 2, identifiers: ['王磊'], households: 1500 }));
    const roster = generateRoster({ seed: 5, villages });
    const members = roster.reduce((n, h) => n + h.members.length, 0);
    const bytes = new TextEncoder().encode(csvText([ROSTER_COLUMNS.map((c) => c.header), ...rosterRecords(roster)]));
    fake.files.set('om_big_file', { fileKey: 'file_big', name: '全乡花名册.csv', bytes, chatId: 'oc_p2p' });

    const port = 4100 + Math.floor(Math.random() * 800);
    child = await start(dbPath, port);
    const post = (env: unknown, path = '/feishu/events') => fetch(`http://127.0.0.1:${port}${path}`, signedRequest(env));
    const file = { file_key: 'file_big', file_name: '全乡花名册.csv' };
    await post(messageEnvelope({ text: '', openId: EX.office, chatId: 'oc_p2p', chatType: 'p2p', messageType: 'file', content: JSON.stringify(file), messageId: 'om_big_file' }));
    await post(messageEnvelope({ text: '导入 花名册', openId: EX.office, chatId: 'oc_p2p', chatType: 'p2p', parentId: 'om_big_file', messageId: 'om_big_cmd' }));
    // kill it once some batches are staged, before the stage is complete
    let seen: Row = read(dbPath);
    for (let i = 0; i < 2000 && !(seen.state === 'validating' && seen.cursor >= 2); i++) {
      await sleep(5);
      seen = read(dbPath);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const atKill = read(dbPath);
    expect(atKill.state).toBe('validating'); // the kill really interrupted the staging
    expect(atKill.ms).toBeGreaterThan(0);
    expect(atKill.ms).toBeLessThan(members);
    expect(fake.messages.some((m) => m.content.includes('花名册导入预览'))).toBe(false);

    child = await start(dbPath, port);
    for (let i = 0; i < 600 && !fake.messages.some((m) => m.content.includes('花名册导入预览')); i++) await sleep(50);
    const preview = fake.messages.find((m) => m.content.includes('花名册导入预览'));
    expect(preview).toBeDefined();
    expect(preview!.content).toContain(`${roster.length.toLocaleString('en-US')} 户、${members.toLocaleString('en-US')} 人`);
    const ready = read(dbPath);
    expect(ready).toMatchObject({ state: 'ready', hs: roster.length, ms: members });
    expect(readSqlite(dbPath, (s) => (s.prepare('select count(*) n from households').get() as { n: number }).n)).toBe(0);

    const confirm = /"value":(\{"a":"import\.confirm","id":"[^"]+"\})/.exec(preview!.content)?.[1];
    const res = await post(cardEnvelope({ openId: EX.office, chatId: 'oc_p2p', value: JSON.parse(confirm!) }), '/feishu/card');
    expect(((await res.json()) as { toast?: { type: string } }).toast?.type).toBe('success');
    for (let i = 0; i < 600 && !fake.messages.some((m) => m.content.includes('花名册已导入')); i++) await sleep(50);
    const counts = readSqlite(dbPath, (s) => s.prepare('select (select count(*) from households) h, (select count(*) from members) m, (select state from chat_imports) st').get());
    expect(counts).toEqual({ h: roster.length, m: members, st: 'done' });
    expect(fake.messages.filter((m) => m.content.includes('花名册导入预览'))).toHaveLength(1);
    child.kill('SIGTERM');
  }, 120_000);
});
