// The chat import on Workers (issue 17.3, 20.3), in workerd with D1: a 10,000-household roster
// sent in the chat is downloaded, read and staged in pieces by the imports object (one bounded
// piece per alarm invocation, IMPORT_STATEMENTS_PER_INVOCATION statements each), previewed,
// and committed on 确认导入 in one D1 batch. Mid-way, the live tables show nothing of it.
import { describe, it, expect, beforeAll } from 'vitest';
import { type WorkerHarness, useWorker } from '../support/worker';
import { exampleJson, EX } from '../support/example';
import { cardEnvelope, messageEnvelope } from '../support/events';
import { loadTownship } from '../../src/township/load';
import { generateRoster } from '../../scripts/make-example-roster';
import { csvText } from '../../src/sheet/csv-write';
import { ROSTER_COLUMNS } from '../../src/import/roster/columns';
import { rosterRecords } from '../../src/import/roster/write';
import { getChatImport } from '../../src/store/chat-imports';
import { sql } from 'drizzle-orm';

const worker = useWorker({}, async (w) => {
  await loadTownship(w.d, exampleJson(), { api: null, actor: 'test', source: 'test' });
});
let w: WorkerHarness;
beforeAll(() => {
  w = worker.get();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = async (table: string) => ((await w.d.db.all(sql.raw(`select count(*) n from ${table}`))) as { n: number }[])[0]!.n;
const pieces = () => w.logs.filter((l) => l.includes('import object: piece'));
const statementsOf = (lines: string[]) => lines.reduce((n, l) => n + Number(/"statements":(\d+)/.exec(l)?.[1] ?? 0), 0);

describe('a 10,000-household roster imported through the chat on Workers', () => {
  it('is staged over several invocations within the budget, invisible until 确认导入, then all there', async () => {
    const villages = exampleJson().villages.map((v, i) => ({ name: v.name, poor: i < 3, identifiers: ['王磊'], households: i < 6 ? 1429 : 10_000 - 6 * 1429 }));
    const roster = generateRoster({ seed: 11, villages });
    expect(roster).toHaveLength(10_000);
    const members = roster.reduce((n, h) => n + h.members.length, 0);
    const bytes = new TextEncoder().encode(csvText([ROSTER_COLUMNS.map((c) => c.header), ...rosterRecords(roster)]));
    const p2p = 'oc_p2p_office';
    w.fake.files.set('om_county_file', { fileKey: 'file_county', name: '全乡花名册.csv', bytes, chatId: p2p });

    const t0 = performance.now();
    const file = { file_key: 'file_county', file_name: '全乡花名册.csv' };
    expect((await w.post(messageEnvelope({ text: '', openId: EX.office, chatId: p2p, chatType: 'p2p', messageType: 'file', content: JSON.stringify(file), messageId: 'om_county_file' }))).status).toBe(200);
    expect((await w.post(messageEnvelope({ text: '导入 花名册', openId: EX.office, chatId: p2p, chatType: 'p2p', parentId: 'om_county_file', messageId: 'om_county_cmd' }))).status).toBe(200);

    // while it stages: nothing of it in the live tables, the stage growing piece by piece
    const stagedSeen: number[] = [];
    // the stage complete and the live tables still empty is checked after the preview
    let preview: (typeof w.fake.messages)[number] | undefined;
    for (let i = 0; i < 2400 && !preview; i++) {
      await sleep(50);
      preview = w.fake.messages.find((m) => m.content.includes('花名册导入预览'));
      if (!preview) {
        expect(await count('households')).toBe(0);
        stagedSeen.push(await count('roster_stage_members'));
      }
    }
    const stagedMs = performance.now() - t0;
    expect(preview).toBeDefined();
    expect(preview!.content).toContain(`10,000 户、${members.toLocaleString('en-US')} 人`);
    expect(await count('households')).toBe(0);
    expect(await count('roster_stage_households')).toBe(10_000);
    expect(await count('roster_stage_members')).toBe(members);
    // (the samples above wait for workerd, busy with the pieces: they show the live tables empty, not the stage's growth)
    expect(stagedSeen.length).toBeGreaterThan(0);
    const staging = pieces();
    expect(staging.length).toBeGreaterThan(2); // several invocations
    expect(staging.every((l) => Number(/"statements":(\d+)/.exec(l)?.[1]) <= 800 + 101)).toBe(true);

    const confirm = /"value":(\{"a":"import\.confirm","id":"[^"]+"\})/.exec(preview!.content)?.[1];
    const id = (JSON.parse(confirm!) as { id: string }).id;
    const t1 = performance.now();
    const res = await w.post(cardEnvelope({ openId: EX.office, chatId: p2p, value: JSON.parse(confirm!) }), '/feishu/card');
    expect(((await res.json()) as { toast?: { type: string } }).toast?.type).toBe('success');
    for (let i = 0; i < 1200 && (await getChatImport(w.d, id))?.state !== 'done'; i++) await sleep(50);
    const commitMs = performance.now() - t1;
    expect((await getChatImport(w.d, id))?.state).toBe('done');
    expect(await count('households')).toBe(10_000);
    expect(await count('members')).toBe(members);
    expect(await count('roster_stage_members')).toBe(0);
    expect(await count('chat_import_chunks')).toBe(0);
    await w.settle(20_000);
    expect(w.fake.messages.some((m) => m.content.includes('花名册已导入') && m.content.includes('新增 10,000 户'))).toBe(true);
    // a second press: a toast, nothing more
    const again = await w.post(cardEnvelope({ openId: EX.office, chatId: p2p, value: JSON.parse(confirm!) }), '/feishu/card');
    expect(((await again.json()) as { toast?: { content: string } }).toast?.content).toContain('已经导入过了');

    const all = pieces();
    // biome-ignore lint/suspicious/noConsole: the figures for docs/BENCHMARKS.md
    console.log(
      `chat import on workerd: ${roster.length} households / ${members} members, ${(bytes.length / 1024 / 1024).toFixed(1)} MiB CSV; ` +
        `download+validate+stage ${(stagedMs / 1000).toFixed(1)} s in ${staging.length} invocations (${statementsOf(staging)} statements); ` +
        `commit ${(commitMs / 1000).toFixed(1)} s in ${all.length - staging.length} invocation(s)`,
    );
  }, 180_000);
});

describe('a department list imported through the chat on Workers', () => {
  // DEPT_ROWS=200000 for the county-size measurement in docs/BENCHMARKS.md (default 30,000)
  const N = Number(process.env.DEPT_ROWS ?? 30_000);
  it('is staged in pieces and becomes the active list on 确认导入', async () => {
    const villages = exampleJson().villages.map((v) => ({ name: v.name, poor: false, identifiers: ['王磊'], households: Math.ceil(N / 7 / 2.9) }));
    const ids = generateRoster({ seed: 23, villages }).flatMap((h) => h.members.map((m) => m.idCard));
    const rows = ids.slice(0, N).map((id, i) => [id, `某${i}`, i % 3 ? '汽车' : '户籍', i % 3 ? '小型轿车' : '']);
    expect(rows).toHaveLength(N);
    const bytes = new TextEncoder().encode(csvText([['身份证号', '姓名', '记录类型', '详情'], ...rows]));
    const p2p = 'oc_p2p_office';
    w.fake.files.set('om_dept_file', { fileKey: 'file_dept', name: '公安.csv', bytes, chatId: p2p });
    const before = pieces().length;
    const t0 = performance.now();
    const file = { file_key: 'file_dept', file_name: '公安.csv' };
    await w.post(messageEnvelope({ text: '', openId: EX.office, chatId: p2p, chatType: 'p2p', messageType: 'file', content: JSON.stringify(file), messageId: 'om_dept_file' }));
    await w.post(messageEnvelope({ text: '导入 公安', openId: EX.office, chatId: p2p, chatType: 'p2p', parentId: 'om_dept_file', messageId: 'om_dept_cmd' }));
    let preview: (typeof w.fake.messages)[number] | undefined;
    for (let i = 0; i < 12_000 && !preview; i++) {
      await sleep(50);
      preview = w.fake.messages.find((m) => m.content.includes('公安名单导入预览'));
    }
    const stagedMs = performance.now() - t0;
    expect(preview).toBeDefined();
    expect(preview!.content).toContain(`有效记录 ${N.toLocaleString('en-US')} 行`);
    expect(await count('department_records')).toBe(0);
    expect(await count('department_stage_rows')).toBe(N);
    const staging = pieces().slice(before);
    expect(staging.length).toBeGreaterThan(1);
    const confirm = /"value":(\{"a":"import\.confirm","id":"[^"]+"\})/.exec(preview!.content)?.[1];
    const id = (JSON.parse(confirm!) as { id: string }).id;
    const t1 = performance.now();
    await w.post(cardEnvelope({ openId: EX.office, chatId: p2p, value: JSON.parse(confirm!) }), '/feishu/card');
    for (let i = 0; i < 1200 && (await getChatImport(w.d, id))?.state !== 'done'; i++) await sleep(50);
    const commitMs = performance.now() - t1;
    expect(await count('department_records')).toBe(N);
    expect(await count('department_stage_rows')).toBe(0);
    expect(await count("department_lists where department = '公安' and active = 1")).toBe(1);
    // biome-ignore lint/suspicious/noConsole: the figures for docs/BENCHMARKS.md
    console.log(
      `department list on workerd: ${N} rows, ${(bytes.length / 1024 / 1024).toFixed(1)} MiB CSV; stage ${(stagedMs / 1000).toFixed(1)} s in ${staging.length} invocations ` +
        `(${statementsOf(staging)} statements); commit ${(commitMs / 1000).toFixed(1)} s`,
    );
  }, 900_000);
});
