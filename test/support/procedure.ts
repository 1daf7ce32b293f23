// Plays the review procedure through the chat in the order the bot enforces (docs/PROCEDURE.md),
// for tests that need a village (or the township) at a later step: qualification decisions and
// 完成 资格复审, the three meetings (confirmed by the first secretary where the village has one),
// 资料 已填报, the village notice; then 完成 评议公示; then the township's lists, 比对, hits
// dismissed, 乡会议, the township notice and 完成 乡审核. Every answer is checked.
import { expect } from 'vitest';
import type { Harness } from './harness';
import { AT_BOT, cardEnvelope, postEnvelope } from './events';
import { EX, exampleJson } from './example';
import { chatDriver, textOf } from './chat';
import { DEPARTMENTS } from '../../src/core/exclusions';

const example = exampleJson();
const openIdOf = (name: string | undefined) => (name ? example.people.find((p) => p.name === name)?.openId : undefined);

export interface ProcedureClock {
  /** moves the harness clock (the test's `now`); absent: every step happens at the current time */
  at?: (iso: string) => void;
}

const say = (h: Harness, text: string, openId: string, chatId: string) => chatDriver(() => h, chatId).say(text, openId);

/** A post with a pasted photo and the command: how a photo comes with a command. */
export async function sayWithPhoto(h: Harness, text: string, openId: string, chatId: string, imageKey: string) {
  const before = h.fake.messages.length;
  const env = postEnvelope({ openId, chatId, paragraphs: [[AT_BOT, { tag: 'text', text: ` ${text}` }], [{ tag: 'img', image_key: imageKey }]] });
  expect((await h.post(env)).status).toBe(200);
  await h.settle();
  return h.fake.messages.slice(before);
}

async function sayOk(h: Harness, text: string, openId: string, chatId: string, expected: RegExp | string) {
  const out = (await say(h, text, openId, chatId)).map(textOf);
  const hit = out.some((t) => (typeof expected === 'string' ? t.includes(expected) : expected.test(t)));
  expect(hit, `${text} → ${out.join(' | ')}`).toBe(true);
  return out;
}

async function press(h: Harness, openId: string, chatId: string, value: Record<string, unknown>) {
  const res = await h.post(cardEnvelope({ openId, chatId, value }), '/feishu/card');
  expect(res.status).toBe(200);
  await h.settle();
  return (await res.json()) as { toast?: { type: string; content: string } };
}

/** Villages of the example, in order. */
export const VILLAGE_NAMES = example.villages.map((v) => v.name);

/**
 * A village's part up to (and including) the start of its notice, or only its qualification
 * review (`until: 'qualification'`), or up to the data filed (`until: 'meetings'`); all at the current time unless `clock.at`.
 */
export async function playVillageToNotice(h: Harness, name: string, clock: ProcedureClock = {}, until: 'qualification' | 'meetings' | 'notice' = 'notice') {
  const v = example.villages.find((x) => x.name === name)!;
  const chat = v.chatId!;
  const pc = openIdOf(v.packageCadre)!;
  const fs = openIdOf(v.firstSecretary);
  const sqlite = h.server.d.sqlite;
  const vid = (sqlite.prepare('select id from villages where name = ?').get(name) as { id: number }).id;
  clock.at?.('2026-12-08T02:00:00Z');
  const open = sqlite.prepare('select number from households where village_id = ? and applicant = 1 and qualification is null').all(vid) as { number: string }[];
  for (const x of open) await sayOk(h, `资格 ${x.number} 通过 符合条件`, pc, chat, '资格复审通过');
  const done = sqlite.prepare("select 1 from stage_progress where village_id = ? and stage = 'qualification_review'").get(vid);
  if (!done) await sayOk(h, '完成 资格复审', pc, chat, /^✅/);
  if (until === 'qualification') return { chat, pc, vid };
  clock.at?.('2026-12-09T02:00:00Z');
  const awaiting = (status: string) =>
    // by the head's name: a roster number such as 01-012 would read as a date
    (sqlite.prepare('select head_name from households where village_id = ? and applicant = 1 and status = ? order by number').all(vid, status) as { head_name: string }[])
      .map((x) => `${x.head_name} 同意40 反对5`)
      .join(' ') || '同意40 反对5'; // no applicant: one tally for the meeting
  for (const kind of ['villagers_assembly', 'representatives', 'two_committees'] as const) {
    // each applicant voted by name; the assembly with its absentees and the photo of the signed resolution
    const line =
      kind === 'villagers_assembly'
        ? `会议 村民大会 应到50 实到45 ${awaiting('qualified')} 无缺席`
        : kind === 'representatives'
          ? `会议 村民代表大会 应到20 实到18 ${awaiting('assembly_passed').replace(/同意40 反对5/g, '同意17 反对1')}`
          : '会议 两委会议 应到7 实到7';
    const [card] = kind === 'villagers_assembly' ? await sayWithPhoto(h, line, pc, chat, `img_resolution_${vid}`) : await say(h, line, pc, chat);
    expect(card?.msgType, `${name} ${line}: ${card ? textOf(card) : 'no answer'}`).toBe('interactive');
    if (fs) await press(h, fs, chat, { a: 'meeting.confirm', m: card!.uuid, as: 'first_secretary' });
    if (kind === 'two_committees') await press(h, EX.office, chat, { a: 'meeting.township_sign', m: card!.uuid });
    const valid = sqlite.prepare('select count(*) n from meetings where village_id = ? and kind = ? and valid = 1').get(vid, kind) as { n: number };
    expect(valid.n, `${name} ${kind} valid`).toBe(1);
  }
  if (until === 'meetings') return { chat, pc, vid };
  await sayOk(h, '资料 已填报', pc, chat, '已登记');
  clock.at?.('2026-12-10T02:00:00Z');
  await sayOk(h, '公示 开始', pc, chat, '村级公示从');
  return { chat, pc, vid };
}

/** Every village through 完成 评议公示 (notices from 12-10, completed on 12-16). */
export async function playVillagesDone(h: Harness, clock: Required<ProcedureClock>, names: readonly string[] = VILLAGE_NAMES) {
  for (const name of names) await playVillageToNotice(h, name, clock);
  clock.at('2026-12-16T02:00:00Z');
  for (const name of names) {
    const v = example.villages.find((x) => x.name === name)!;
    await sayOk(h, '完成 评议公示', openIdOf(v.packageCadre)!, v.chatId!, /^✅/);
  }
}

/** The nine department lists (empty) as imported at `at` (ms): the county's data, not a chat step. */
export function importEmptyLists(h: Harness, at: number) {
  const ins = h.server.d.sqlite.prepare(
    "insert into department_lists (township_id, department, file_name, rows, active, imported_by, imported_at) values ((select id from townships), ?, ?, 0, 1, 'test', ?)",
  );
  for (const d of DEPARTMENTS) ins.run(d, `${d}.csv`, at);
}

/**
 * The whole township to 乡审核 done: every village done (12-16), lists, 比对 and every hit
 * dismissed, 乡会议 and the township notice on 12-18, 完成 乡审核.
 */
export async function playTownshipReview(h: Harness, clock: Required<ProcedureClock>) {
  await playVillagesDone(h, clock);
  clock.at('2026-12-17T02:00:00Z');
  importEmptyLists(h, Date.parse('2026-12-17T01:00:00Z'));
  await say(h, '比对', EX.office, EX.leadersChat);
  for (const { id } of h.server.d.sqlite.prepare("select id from exclusion_hits where status = 'open'").all() as { id: number }[]) {
    await sayOk(h, `核查 排除 ${id} 经核实系登记错误`, EX.office, EX.leadersChat, `已排除线索 #${id}`);
  }
  clock.at('2026-12-18T01:30:00Z');
  await sayOk(h, '乡会议 12-18', EX.office, EX.leadersChat, '已登记乡政府办公会审核（12月18日）');
  await sayOk(h, '公示 开始', EX.office, EX.leadersChat, '乡级公示从 12月18日 开始');
  await sayOk(h, '完成 乡审核', EX.office, EX.leadersChat, /^✅ 清水乡已完成“乡政府办公会审核并公示”/);
}
