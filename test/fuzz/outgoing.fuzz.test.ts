// What the bot writes back, property-tested through the real handlers (issue 14 §7): every
// command that takes free text, and every card button and form the bot's own cards offer
// (harvested from the cards it sent, their form fields filled), get ID numbers in every spelling
// people type (spaces, dashes, dots, zero-width, full-width, glued to letters, after a line
// break), markup (<at user_id="all">, <at id=all>, links, **, <font>, headings, entities) and
// oversized text in every free-text field. Every message queued (text and cards, also the
// scheduled jobs' over the data those commands stored) and every card-callback answer (toast and
// card, through safeCardAnswer as the webhook and the long connection send it) is checked:
// - no planted ID can be read (11 or more of its characters in a row, after folding full-width,
//   decoding entities and dropping separators);
// - no markup: a text message has no tag, link, emphasis or entity; card markdown has no tag but
//   the bot's own <at id=ou_…>, no link or image, and no planted markup verbatim;
// - within Feishu's limits: text ≤ 150 KB, card ≤ 30 KB / 200 components / 5 charts, toast ≤ 300.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { createBot } from '../../src/bot/index';
import { runCardAction, runMessage, type BotDeps } from '../../src/bot/dispatch';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { memoryLogger } from '../../src/log';
import { loadExample } from '../../src/township/seed';
import { runJobs } from '../../src/jobs/run';
import { FEISHU_LIMITS, cardFits, safeCardAnswer } from '../../src/feishu/safe-out';
import { cardEnvelope, messageEnvelope } from '../support/events';
import { tempDbPath } from '../support/harness';
import { EX } from '../support/example';
import { anyId, idSpellings, MARKUP, readable } from '../support/ids';

let d: SqliteDatabase;
const bot = createBot();
const log = memoryLogger();
const NOW = new Date('2026-12-09T02:00:00Z');
const deps = (now = NOW): BotDeps => ({ d, bot, log, botOpenId: 'ou_bot000000000000000000000000000', now: () => now });

beforeAll(async () => {
  d = openSqlite(tempDbPath());
  await loadExample(d);
});

// ---- what is planted, and how a leak is found -------------------------------------------

/** Every 11-character window of every planted ID (a mask shows at most 6 + 4). */
const windows = new Set<string>();
const planted = new Set<string>();
const plant = (id: string) => {
  planted.add(id);
  for (let k = 0; k + 11 <= id.length; k++) windows.add(id.slice(k, k + 11).toUpperCase());
};
function leaked(text: string): string | null {
  const r = readable(text);
  for (const m of r.matchAll(/[0-9X]{11,}/g)) {
    for (let k = 0; k + 11 <= m[0].length; k++) if (windows.has(m[0].slice(k, k + 11))) return m[0];
  }
  return null;
}

/** A free-text value: an ID in some spelling, markup, noise, in some order; sometimes far too long. */
const freeText = fc
  .tuple(
    anyId.chain((id) => fc.constantFrom(...idSpellings(id)).map((spelled) => ({ id, spelled }))),
    fc.constantFrom(...MARKUP),
    fc.string({ maxLength: 12 }),
    fc.constantFrom(0, 0, 0, 0, 1, 2, 3),
    fc.boolean(),
  )
  .map(([{ id, spelled }, markup, noise, size, idFirst]) => {
    plant(id);
    const core = idFirst ? `${spelled} ${markup}${noise}` : `${noise}${markup}\n${spelled}`;
    // oversized: over a field's limit, over a message's, and 100 KB
    const text = size === 0 ? core : size === 1 ? `${core}${'很'.repeat(600)}${spelled}` : size === 2 ? `${core}${'长'.repeat(2500)}` : `${core}${'字'.repeat(100 * 1024)}${spelled}`;
    return { text, markup };
  });

// ---- checks -----------------------------------------------------------------------------

const bytes = (s: string) => new TextEncoder().encode(s).length;
const TAG = /<[\s/]*[A-Za-z!?]/;
const BOT_MENTION = /<at id="?ou_[0-9A-Za-z_]+"?><\/at>/g;
// (an entity spelling is what escaping produces from a typed tag: shown as text, so not listed)
const MD_SPECIAL_MARKUP = MARKUP.filter((m) => /[*#~`|]|<font|\]\(/.test(m) && !m.includes('&'));
const counts = { messages: 0, cards: 0, toasts: 0, commands: 0, actions: 0, jobMessages: 0 };

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}
function markdownOf(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) markdownOf(x, out);
  else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ((o.tag === 'markdown' || o.tag === 'lark_md') && typeof o.content === 'string') out.push(o.content);
    for (const x of Object.values(o)) markdownOf(x, out);
  }
  return out;
}

function checkCard(c: Record<string, unknown>, where: string) {
  counts.cards++;
  expect(cardFits(c), `${where}: card within Feishu's limits`).toBe(true);
  for (const s of strings(c)) expect(leaked(s), `${where}: ID readable in ${s.slice(0, 80)}`).toBeNull();
  for (const m of markdownOf(c)) {
    const rest = m.replace(BOT_MENTION, '');
    expect(rest, where).not.toMatch(TAG);
    expect(rest, where).not.toMatch(/\]\(|!\[|:\/\//);
    for (const k of MD_SPECIAL_MARKUP) expect(rest.includes(k), `${where}: markup ${k} verbatim in markdown`).toBe(false);
  }
}

function checkBody(msgType: string, content: string, where: string) {
  counts.messages++;
  if (msgType === 'text') {
    expect(bytes(content), where).toBeLessThanOrEqual(FEISHU_LIMITS.textBytes);
    const text = (JSON.parse(content) as { text: string }).text;
    expect(leaked(text), `${where}: ID readable`).toBeNull();
    expect(text, where).not.toMatch(TAG);
    // (eight asterisks are the mask of an ID number)
    expect(text.replace(/(?<!\*)\*{8}(?!\*)/g, ''), where).not.toMatch(/\]\(|:\/\/|\*\*|~~|&#?[0-9A-Za-z]{1,10};/);
  } else if (msgType === 'interactive') {
    expect(bytes(content), where).toBeLessThanOrEqual(FEISHU_LIMITS.cardBytes);
    checkCard(JSON.parse(content) as Record<string, unknown>, where);
  }
}

// ---- card callbacks offered by the bot's own cards ------------------------------------------

interface Offer {
  value: Record<string, unknown>;
  fields: string[];
}
const offers = new Map<string, Offer>();
function harvest(c: unknown, fields: string[] = []) {
  if (Array.isArray(c)) return c.forEach((x) => harvest(x, fields));
  if (!c || typeof c !== 'object') return;
  const o = c as Record<string, unknown>;
  if (o.tag === 'form' && Array.isArray(o.elements)) {
    const names = (o.elements as Record<string, unknown>[]).filter((e) => typeof e.name === 'string' && e.tag !== 'button').map((e) => e.name as string);
    return harvest(o.elements, names);
  }
  if (Array.isArray(o.behaviors)) {
    for (const b of o.behaviors as { type?: string; value?: Record<string, unknown> }[]) {
      if (b.type === 'callback' && b.value && typeof b.value.a === 'string') {
        const key = `${b.value.a}|${fields.join(',')}`;
        if (!offers.has(key) || offers.size < 200) offers.set(key, { value: b.value, fields });
      }
    }
  }
  for (const x of Object.values(o)) harvest(x, fields);
}

// ---- the commands that take free text ------------------------------------------------------

type Sender = { openId: string; chatId: string; chatType?: 'p2p' };
const OFFICE: Sender = { openId: EX.office, chatId: EX.shimen.chat };
const CADRE: Sender = { openId: EX.shimen.cadre, chatId: EX.shimen.chat };
const INSPECTOR: Sender = { openId: EX.inspector, chatId: EX.inspectorsChat };
const LEADER: Sender = { openId: EX.leader, chatId: EX.leadersChat };
const COMMANDS: { who: Sender; line: (t: string) => string }[] = [
  { who: CADRE, line: (t) => `公示 异议 01-001 ${t}` },
  { who: CADRE, line: (t) => `公示 异议 ${t}` },
  { who: CADRE, line: (t) => `公示 处理 1 ${t}` },
  { who: CADRE, line: (t) => `走访 01-001 ${t}` },
  { who: CADRE, line: (t) => `走访 ${t}` },
  { who: INSPECTOR, line: (t) => `督办 石门村 ${t}` },
  { who: INSPECTOR, line: (t) => `督办 ${t}` },
  { who: CADRE, line: (t) => `资格 01-001 不通过 ${t}` },
  { who: OFFICE, line: (t) => `清退 01-002 ${t}` },
  { who: OFFICE, line: (t) => `核查 确认 1 ${t}` },
  { who: CADRE, line: (t) => `申请 ${t}` },
  { who: CADRE, line: (t) => `申请 张三 ${t}` },
  { who: CADRE, line: (t) => `联系 01-001 电话 ${t}` },
  { who: OFFICE, line: (t) => `绑定 ${t}` },
  { who: OFFICE, line: (t) => `帮扶情况 ${t}` },
  { who: OFFICE, line: (t) => `帮扶 01-001 @_user_2 超限理由：${t}` },
  { who: CADRE, line: (t) => `会议 村民大会 应到100 实到80 同意60 反对10 缺席意见：${t}` },
  { who: CADRE, line: (t) => `会议 两委会议 应到7 实到7 同意7 反对0 ${t}` },
  { who: CADRE, line: (t) => `分类 01-001 ${t}` },
  { who: CADRE, line: (t) => `规划 ${t}` },
  { who: OFFICE, line: (t) => `角色 @_user_2 ${t}` },
  { who: CADRE, line: (t) => `完成 ${t}` },
  { who: LEADER, line: (t) => `进度 ${t}` },
  { who: OFFICE, line: (t) => t },
  { who: { openId: EX.office, chatId: 'oc_p2p_office', chatType: 'p2p' }, line: (t) => `帮助 ${t}` },
];

async function send(who: Sender, text: string, now = NOW) {
  const env = messageEnvelope({ text, openId: who.openId, chatId: who.chatId, chatType: who.chatType, mention: text.includes('@_user_2') ? [{ openId: EX.shimen.packageCadre, name: '王磊' }] : [] });
  const ctx = await runMessage(deps(now), env as never, null);
  expect(ctx).not.toBeNull();
  counts.commands++;
  for (const m of ctx!.outgoing) {
    checkBody(m.msgType, m.content, text.slice(0, 40));
    if (m.msgType === 'interactive') harvest(JSON.parse(m.content));
  }
}

describe('everything the bot writes back, with IDs, markup and oversized text in every free-text field', () => {
  it('the bot’s own cards, asked for plainly, offer their buttons and forms', async () => {
    for (const line of ['进度', '规划 01-001', '分类 01-001', '帮扶 01-001', '帮扶卡 01-001', '核查', '公示 开始', '帮扶情况', '绑定 岩脚村']) await send(line.startsWith('绑定') ? OFFICE : CADRE, line);
    await send(LEADER, '进度');
    await send(INSPECTOR, '进度');
    expect(offers.size).toBeGreaterThanOrEqual(5);
  });

  it('commands: every free-text place', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMANDS), freeText, async (c, { text }) => {
        await send(c.who, c.line(text));
      }),
      { numRuns: 500 },
    );
  });

  it('card callbacks: every button and form the cards offered, every field filled', async () => {
    for (const line of ['进度', '规划 01-001', '帮扶 01-003', '核查']) await send(CADRE, line);
    const all = [...offers.values()];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), freeText, fc.constantFrom(OFFICE, CADRE, INSPECTOR, LEADER), async (o, { text }, who) => {
        counts.actions++;
        const form = Object.fromEntries(o.fields.map((f) => [f, text]));
        const env = cardEnvelope({ openId: who.openId, chatId: who.chatId, value: o.value, ...(o.fields.length ? { form } : {}) });
        const answer = safeCardAnswer(await runCardAction(deps(), env as never, null));
        const where = `${String(o.value.a)} ${text.slice(0, 30)}`;
        if (answer.toast) {
          counts.toasts++;
          expect([...answer.toast.content].length, where).toBeLessThanOrEqual(FEISHU_LIMITS.toastChars);
          expect(leaked(answer.toast.content), where).toBeNull();
        }
        if (answer.card) checkCard(answer.card.data, where);
      }),
      { numRuns: 400 },
    );
  });

  it('scheduled jobs over what was stored, and every message queued so far', async () => {
    // reminders, overdue flags, escalations, digests over the data the commands left
    for (const at of ['2026-12-09T01:00:00Z', '2026-12-09T10:06:00Z', '2026-12-20T01:00:00Z', '2026-12-20T10:06:00Z', '2027-01-05T10:06:00Z']) {
      await runJobs(d, new Date(at), log);
    }
    const rows = d.sqlite.prepare("select msg_type as t, content as c from outbox where msg_type in ('text', 'interactive')").all() as { t: string; c: string }[];
    expect(rows.length).toBeGreaterThan(counts.commands);
    const before = counts.messages;
    for (const r of rows) checkBody(r.t, r.c, 'outbox');
    counts.jobMessages = counts.messages - before;
    // the log too
    for (const l of log.lines) expect(leaked(l), l.slice(0, 80)).toBeNull();
  });

  it('reports the number of cases', () => {
    const total = counts.commands + counts.actions + counts.jobMessages;
    // biome-ignore lint/suspicious/noConsole: the property test reports how many cases it ran
    console.log(`outgoing fuzz: ${total} cases (${counts.commands} commands, ${counts.actions} card callbacks, ${counts.jobMessages} queued messages re-checked); ${counts.messages} messages, ${counts.cards} cards, ${counts.toasts} toasts checked; ${planted.size} IDs planted`);
    expect(total).toBeGreaterThan(1000);
  });
});
