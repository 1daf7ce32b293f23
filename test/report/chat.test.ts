// The county report stage from the chat, end to end: the office's 报表 (and the progress card's
// 导出报表) uploads the workbook through the Feishu file API and sends it as a file message through
// the outbox; 上报 已提交; archive from the CLI beside the running server; then 完成 上报存档.
// Offline, the workbook stays on the server and the bot says where.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { startHarness, type Harness } from '../support/harness';
import { playTownshipReview } from '../support/procedure';
import { messageEnvelope, cardEnvelope } from '../support/events';
import { EX } from '../support/example';
import { loadExample } from '../../src/township/seed';
import { runCli } from '../../src/cli/main';
import { listOutbox } from '../../src/store/outbox';

let h: Harness;
let clock = new Date('2026-12-18T01:30:00Z'); // 09:30 CST
const at = (iso: string) => (clock = new Date(iso));
const L = EX.leadersChat;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
});
afterAll(async () => h?.close());

const one = <T = Record<string, unknown>>(sql: string, ...args: unknown[]) => h.server.d.sqlite.prepare(sql).get(...args) as T;
/** where a message went: a reply to the command, or a send to a chat / a person */
const dest = (m: { msgType: string; replyTo: string | null; receiveIdType: string | null; receiveId: string }) =>
  m.replyTo ? [m.msgType, 'reply'] : [m.msgType, m.receiveIdType, m.receiveId];
const uploadName = (i: number) => Buffer.from(h.fake.uploads[i]!.name, 'latin1').toString('utf8'); // the fake reads the multipart body as latin1
const textOf = (m: { msgType: string; content: string }) => (m.msgType === 'text' ? (JSON.parse(m.content).text as string) : m.content);

async function say(text: string, openId: string, chatId = L, extra: Partial<Parameters<typeof messageEnvelope>[0]> = {}) {
  const before = h.fake.messages.length;
  expect((await h.post(messageEnvelope({ text, openId, chatId, ...extra }))).status).toBe(200);
  await h.settle();
  return h.fake.messages.slice(before);
}
async function sayText(text: string, openId: string, chatId = L) {
  const out = await say(text, openId, chatId);
  expect(out.map((m) => m.msgType)).toEqual(['text']);
  return textOf(out[0]!);
}

describe('county report stage from the chat', () => {
  it('12-18 the township review is done first (every village, the cross-check, the meeting and the notice)', async () => {
    await playTownshipReview(h, { at });
    expect(one('select count(*) n from stage_progress where township_id = ?', one<{ id: string }>('select id from townships').id)).toEqual({ n: 7 * 2 + 1 });
  });

  it('12-20 completion lists what is missing; only the office may export', async () => {
    at('2026-12-20T01:30:00Z');
    const r = await sayText('完成 上报存档', EX.office);
    expect(r).toContain('报表尚未导出');
    expect(r).toContain('乡扶贫办尚未存档');
    expect(await sayText('报表', EX.leader)).toContain('只有乡扶贫办可以使用“报表”');
    expect(await sayText('报表 全部', EX.office)).toMatch(/^用法：报表 \[私发\]/);
    expect(h.fake.uploads).toHaveLength(0);
    expect(one('select report_exported_at t from townships')).toEqual({ t: null });
  });

  it('报表 in the leaders chat uploads the workbook and sends it there as a file, through the outbox', async () => {
    const out = await say('报表', EX.office);
    expect(h.fake.uploads).toHaveLength(1);
    expect(uploadName(0)).toBe('清水乡-复核上报表-2026-12-20.xlsx');
    expect(h.fake.uploads[0]!.size).toBeGreaterThan(10_000);
    expect(h.fake.calls.some((c) => c.path === '/open-apis/im/v1/files' && c.status === 200)).toBe(true);
    expect(out.map(dest)).toEqual([['text', 'reply'], ['file', 'reply']]);
    const text = textOf(out[0]!);
    // the five applicants went through the whole procedure (test/support/procedure.ts) and wait for the county
    expect(text).toMatch(/^清水乡复核报表已导出（12月20日）：保留 55 户 178 人，清退 0 户 0 人，新纳入待县审批 5 户 13 人、县已批准 0 户 0 人。/);
    expect(text).toContain('文件见下一条消息');
    expect(text).toContain('报县扶贫移民局后请发送“上报 已提交”');
    expect(text).not.toMatch(/\d{17}[\dX]/);
    const file = out[1]!;
    expect(file.replyTo).toBe(out[0]!.replyTo);
    expect(JSON.parse(file.content)).toEqual({ file_key: 'file_1' });
    // it went through the outbox like every message
    const row = (await listOutbox(h.server.d)).find((r) => r.msgType === 'file')!;
    expect(row).toMatchObject({ status: 'sent', receiveId: L, content: JSON.stringify({ file_key: 'file_1' }) });

    expect(one('select report_exported_at t from townships')).toEqual({ t: clock.getTime() });
    const audit = one<{ actor: string; after: string; source: string }>("select actor, after, source from audit_log where action = 'export' and entity = 'report'");
    expect(audit.actor).toBe(`周建华(${EX.office})`);
    expect(audit.source).toMatch(/^message:/);
    expect(JSON.parse(audit.after)).toMatchObject({ file: '清水乡-复核上报表-2026-12-20.xlsx', delivered: 'chat' });
  });

  it('报表 私发, and 报表 in a village chat, send the file privately, never into the group', async () => {
    // Messages to different destinations are paced independently: their order is not fixed.
    const byName = (a: unknown[], b: unknown[]) => String(a).localeCompare(String(b));
    const sorted = (ms: Parameters<typeof dest>[0][]) => ms.map(dest).sort(byName);
    const priv = await say('报表 私发', EX.office);
    expect(sorted(priv)).toEqual([['text', 'reply'], ['file', 'open_id', EX.office]].sort(byName));
    expect(textOf(priv.find((m) => m.msgType === 'text')!)).toContain('文件已私信发给你');
    const village = await say('报表', EX.office, EX.shimen.chat);
    expect(sorted(village)).toEqual([['text', 'reply'], ['file', 'open_id', EX.office]].sort(byName));
    const dm = await say('报表', EX.office, 'oc_p2p_office', { chatType: 'p2p' });
    expect(sorted(dm)).toEqual([['text', 'reply'], ['file', 'open_id', EX.office]].sort(byName));
    expect(h.fake.uploads).toHaveLength(4);
  });

  it('the township progress card has 导出报表, which does the same from a button', async () => {
    const [cardMsg] = await say('进度', EX.office);
    expect(JSON.stringify(JSON.parse(cardMsg!.content))).toContain('导出报表');
    const before = h.fake.messages.length;
    const res = await h.post(cardEnvelope({ openId: EX.office, chatId: L, value: { a: 'report.export' } }), '/feishu/card');
    const body = (await res.json()) as { toast?: { type: string; content: string } };
    await h.settle();
    expect(body.toast?.type === 'success' || body.toast?.content === '正在处理，结果稍后发到群里。').toBe(true);
    const sent = h.fake.messages.slice(before);
    expect(sent.map(dest)).toEqual([
      ['text', 'chat_id', L],
      ['file', 'chat_id', L],
    ]);
    const refused = await h.post(cardEnvelope({ openId: EX.leader, chatId: L, value: { a: 'report.export' } }), '/feishu/card');
    expect(((await refused.json()) as { toast: { type: string } }).toast.type).toBe('error');
    expect(h.fake.uploads).toHaveLength(5);
  });

  it('上报 已提交, then the archive from the CLI beside the running server, then 完成 上报存档', async () => {
    expect(await sayText('上报 已提交', EX.office)).toBe('已登记：复核结果已报县扶贫移民局。存档后即可完成“上报存档”阶段。');
    const r = await sayText('完成 上报存档', EX.office);
    expect(r).toContain('乡扶贫办尚未存档');
    expect(r).not.toContain('报表尚未导出');

    const folder = join(mkdtempSync(join(tmpdir(), 'fupin-chat-archive-')), '存档');
    const lines: string[] = [];
    const code = await runCli(['archive', folder, '--at', clock.toISOString()], { DATABASE_PATH: h.config.DATABASE_PATH, VITEST: '1' }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(code, lines.join('\n')).toBe(0);
    expect(lines.at(-1)).toBe('报表已导出并上报、已存档：现在可以在群里发送“完成 上报存档”。');
    expect(existsSync(join(folder, 'manifest.json'))).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(folder, 'county-report.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toContain('五个一批统计');

    expect(await sayText('完成 上报存档', EX.office)).toBe('✅ 清水乡已完成“上报县扶贫移民局，乡扶贫办存档”（周建华，12月20日）。');
    expect(one('select count(*) n from stage_progress where stage = ? and village_id = 0', 'county_report')).toEqual({ n: 1 });
    const actions = (h.server.d.sqlite.prepare("select action from audit_log where entity in ('report', 'archive', 'stage') order by id").pluck().all() as string[]);
    expect(actions.slice(-4)).toEqual(['export', 'submit', 'archive', 'complete']);
    // the card no longer offers the export
    const [cardMsg] = await say('进度', EX.office);
    expect(cardMsg!.content).not.toContain('导出报表');
  });
});

describe('报表 when the upload fails', () => {
  it('keeps the workbook on the server and says why; the answer is sent once Feishu is back', async () => {
    const exports = () => Number(h.server.d.sqlite.prepare("select count(*) from audit_log where action = 'export'").pluck().get());
    const before = exports();
    const sentBefore = h.fake.messages.length;
    await h.fake.down();
    try {
      expect((await h.post(messageEnvelope({ text: '报表', openId: EX.office, chatId: L }))).status).toBe(200);
      for (let i = 0; i < 250 && exports() === before; i++) await new Promise((r) => setTimeout(r, 20));
      expect(exports()).toBe(before + 1);
    } finally {
      await h.fake.up();
    }
    await h.settle();
    const after = one<{ after: string }>("select after from audit_log where action = 'export' order by id desc limit 1");
    const a = JSON.parse(after.after) as { delivered: string; file: string; uploadError: string };
    expect(a.delivered).toBe('server');
    expect(a.uploadError).toBeTruthy();
    expect(existsSync(a.file)).toBe(true);
    const out = h.fake.messages.slice(sentBefore);
    expect(out.map((m) => m.msgType)).toEqual(['text']);
    expect(textOf(out[0]!)).toContain(`上传到飞书失败（`);
    expect(textOf(out[0]!)).toContain(`报表已保存在服务器：${a.file}`);
  });
});

describe('报表 offline', () => {
  let off: Harness;
  beforeAll(async () => {
    off = await startHarness({ online: false, now: () => new Date('2026-12-20T01:30:00Z') });
    await loadExample(off.server.d);
  });
  afterAll(async () => off?.close());

  it('keeps the workbook on the server, says where, and still records the export', async () => {
    expect((await off.post(messageEnvelope({ text: '报表', openId: EX.office, chatId: L }))).status).toBe(200);
    await off.settle();
    expect(off.fake.uploads).toHaveLength(0);
    const rows = await listOutbox(off.server.d);
    expect(rows.map((r) => [r.msgType, r.status])).toEqual([['text', 'offline']]);
    const text = JSON.parse(rows[0]!.content).text as string;
    const path = /报表已保存在服务器：(.+\.xlsx)/.exec(text)?.[1];
    expect(text).toContain('未连接飞书（离线运行）');
    expect(path).toBe(join(off.config.DATABASE_PATH, '..', 'reports', '清水乡-复核上报表-2026-12-20.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path!);
    expect(wb.worksheets[0]!.name).toBe('汇总');
    expect(off.server.d.sqlite.prepare('select report_exported_at from townships').pluck().get()).toBe(Date.parse('2026-12-20T01:30:00Z'));
    expect(off.log.lines.some((l) => l.includes('[离线，未发送]') && l.includes('报表已保存在服务器'))).toBe(true);
  });
});
