// `npm run chat`: a terminal stand-in for a Feishu group chat. Choose a chat and a person, type
// `@bot 进度`, press card buttons by number. Requests go through the same Hono app, inbox,
// handlers and outbox as the real server; only Feishu itself is replaced by this screen.
import { createInterface } from 'node:readline/promises';
import { stdin, stdout } from 'node:process';
import type { Readable, Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../config';
import { openSqlite } from '../store/sqlite';
import { buildServices } from '../server';
import { nodeReportService, reportsDirFor } from '../report/node';
import { seedIfEmpty } from '../township/seed';
import { processPending } from '../bot/dispatch';
import { claimDue, markOffline } from '../store/outbox';
import { renderMessage, type RenderedButton, type RenderedField } from '../feishu/render';
import { safePlain } from '../feishu/safe-out';
import { chats, people, roles, villages } from '../../db/schema/index';
import { ROLE_NAMES, type Role } from '../core/roles';
import type { Logger } from '../log';

const BOT = 'ou_chat_simulator_bot';
const BOT_MENTION = /^@(bot|机器人|复核助手)\s*/i;

interface SimChat {
  id: string;
  kind: 'village' | 'leaders' | 'inspectors' | 'p2p';
  villageId: number | null;
  label: string;
}

interface SimPerson {
  name: string;
  openId: string;
  grants: { role: Role; villageId: number; village: string | null }[];
  label: string;
}

/** One entry per person with an open_id, labelled with their roles and villages. */
function simPeople(rows: { name: string; openId: string | null; role: Role; villageId: number; village: string | null }[]): SimPerson[] {
  const byId = new Map<string, SimPerson>();
  for (const r of rows) {
    if (!r.openId) continue;
    const p = byId.get(r.openId) ?? { name: r.name, openId: r.openId, grants: [], label: '' };
    p.grants.push({ role: r.role, villageId: r.villageId, village: r.village });
    byId.set(r.openId, p);
  }
  for (const p of byId.values()) {
    // 杨光明（石门村 帮扶责任人、村干部）; 杨国平（包片领导：石门村、岩脚村）
    const byRole = new Map<string, string[]>();
    for (const g of p.grants) {
      const name = ROLE_NAMES[g.role] ?? g.role;
      byRole.set(name, [...(byRole.get(name) ?? []), ...(g.village ? [g.village] : [])]);
    }
    const villagesOf = new Set([...byRole.values()].flat());
    const oneVillage = villagesOf.size === 1 && [...byRole.values()].every((vs) => vs.length > 0);
    const text = oneVillage
      ? [`${[...villagesOf][0]} ${[...byRole.keys()].join('、')}`]
      : [...byRole].map(([r, vs]) => (vs.length ? `${r}：${[...new Set(vs)].join('、')}` : r));
    p.label = `${p.name}（${text.join('；')}）`;
  }
  return [...byId.values()];
}

/**
 * The people of this chat first — a village chat: that village's people, then the office; the
 * leaders' chat: the leaders; the inspectors' chat: the inspectors — then everyone else.
 */
export function peopleFor(list: SimPerson[], chat: SimChat): (SimPerson & { label: string })[] {
  const rank = (p: SimPerson) => {
    const has = (f: (g: SimPerson['grants'][number]) => boolean) => p.grants.some(f);
    if (chat.kind === 'village') return has((g) => g.villageId === chat.villageId && g.role !== 'leader') ? 0 : has((g) => g.role === 'office') ? 1 : has((g) => g.villageId === chat.villageId) ? 1 : 2;
    if (chat.kind === 'leaders') return has((g) => g.role === 'leader') ? 0 : has((g) => g.role === 'office') ? 1 : 2;
    if (chat.kind === 'inspectors') return has((g) => g.role === 'inspector') ? 0 : has((g) => g.role === 'office') ? 1 : 2;
    return 0;
  };
  const sorted = list.map((p, i) => ({ p, i, r: rank(p) })).sort((a, b) => a.r - b.r || a.i - b.i);
  const here = sorted.filter((x) => x.r < 2).length;
  return sorted.map((x, i) => ({ ...x.p, label: i === here && here > 0 ? `〔其他人〕${x.p.label}` : x.p.label }));
}

/** Asks one form field by its Chinese label; selects by number. Returns undefined for a blank optional field. */
async function askField(f: RenderedField, ask: (prompt: string) => Promise<string>, print: (s?: string) => void): Promise<unknown> {
  const initial = Array.isArray(f.initial) ? f.initial.join(',') : f.initial;
  const hint = initial ? `，回车保留“${f.kind === 'input' || f.kind === 'date' ? initial : f.options.filter((o) => f.initial!.includes(o.value)).map((o) => o.text).join('、')}”` : f.required ? '' : '，可回车跳过';
  if (f.kind === 'check') {
    for (;;) {
      const a = (await ask(`  ${f.label}（是/否，回车为否）：`)).trim();
      if (!a || a === '否') return false;
      if (a === '是') return true;
      print('  请输入“是”或“否”。');
    }
  }
  if (f.kind === 'select' || f.kind === 'multi') {
    print(`  ${f.label}${f.kind === 'multi' ? '（可多选，用空格或逗号分开）' : ''}：`);
    f.options.forEach((o, i) => print(`    ${i + 1}. ${o.text}`));
    for (;;) {
      const a = (await ask(`  请选择编号${hint}：`)).trim();
      if (!a) {
        if (f.initial !== undefined) return f.initial;
        if (!f.required) return f.kind === 'multi' ? [] : undefined;
        print('  这一项必填，请输入编号。');
        continue;
      }
      const picks = a.split(/[\s,，、]+/).map(Number);
      if (picks.every((n) => Number.isInteger(n) && n >= 1 && n <= f.options.length) && (f.kind === 'multi' || picks.length === 1)) {
        const values = picks.map((n) => f.options[n - 1]!.value);
        return f.kind === 'multi' ? values : values[0];
      }
      print(`  请输入 1 到 ${f.options.length} 之间的编号${f.kind === 'multi' ? '（可多个）' : ''}。`);
    }
  }
  for (;;) {
    const a = (await ask(`  ${f.label}${f.kind === 'date' ? '（YYYY-MM-DD）' : ''}${hint}：`)).trim();
    if (a) return a;
    if (initial !== undefined) return initial;
    if (!f.required) return undefined;
    print('  这一项必填。');
  }
}

export async function runChat(input: Readable & { isTTY?: boolean } = stdin, output: Writable = stdout) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig({ ...process.env, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_ENCRYPT_KEY: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_BOT_OPEN_ID: BOT });
  // the screen is a place a person sees: every line leaves through the exit's masking
  const print = (s = '') => output.write(safePlain(s) + '\n');
  const quiet: Logger = { info() {}, warn() {}, error: (m, e) => print(`! ${m} ${e ? JSON.stringify(e) : ''}`) };
  const d = openSqlite(config.DATABASE_PATH);
  if (config.SEED_EXAMPLE === 'auto' && (await seedIfEmpty(d, quiet))) print('（数据库为空，已载入示例乡镇和花名册）');
  // Deferred work is done by showOutbox right after each request, so replies print in order.
  const s = buildServices(config, d, quiet, () => undefined, { reports: nodeReportService(reportsDirFor(config.DATABASE_PATH)) });
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  // An iterator, not rl.question: piped input (tests, scripts) must not lose lines.
  const ask = async (prompt: string) => {
    output.write(prompt);
    const r = await lines.next();
    if (r.done) return '/退出';
    if (!input.isTTY) output.write(`${safePlain(String(r.value))}\n`);
    return r.value as string;
  };

  const chatRows = await d.db
    .select({ chatId: chats.chatId, kind: chats.kind, village: villages.name, villageId: chats.villageId })
    .from(chats)
    .leftJoin(villages, eq(villages.id, chats.villageId));
  const chatList: SimChat[] = [
    ...chatRows.map((c) => ({
      id: c.chatId,
      kind: c.kind,
      villageId: c.villageId,
      label: c.kind === 'village' ? `${c.village} 工作群` : c.kind === 'leaders' ? '领导群' : '纪委群',
    })),
    { id: 'p2p', kind: 'p2p' as const, villageId: null, label: '与机器人私聊' },
  ];
  const grantRows = await d.db
    .select({ name: people.name, openId: people.openId, role: roles.role, villageId: roles.villageId, village: villages.name })
    .from(people)
    .innerJoin(roles, eq(roles.personId, people.id))
    .leftJoin(villages, eq(villages.id, roles.villageId));
  const personList = simPeople(grantRows);
  const nameOf = (openId: string) => personList.find((p) => p.openId === openId)?.name;
  if (personList.length === 0) {
    print(`数据库 ${config.DATABASE_PATH} 里还没有人员。先运行 npm run cli -- init <township.json> 载入乡镇${config.SEED_EXAMPLE === 'never' ? '（SEED_EXAMPLE=never：不自动载入示例）' : ''}。`);
    rl.close();
    d.close?.();
    return;
  }

  const choose = async <T extends { label: string }>(title: string, list: T[]): Promise<T> => {
    print(title);
    for (const [i, x] of list.entries()) print(`  ${i + 1}. ${x.label}`);
    for (;;) {
      const a = (await ask('> ')).trim();
      if (a === '/退出') throw new Error('输入结束');
      const n = Number(a);
      if (n >= 1 && n <= list.length) return list[n - 1]!;
      print(`请输入 1 到 ${list.length} 之间的数字。`);
    }
  };

  const choosePerson = (c: SimChat) => choose(`选择你的身份（先列出「${c.label}」的人）：`, peopleFor(personList, c));
  let chat = await choose('选择群：', chatList);
  let person = await choosePerson(chat);
  let buttons: RenderedButton[] = [];
  let seq = 0;
  print(`\n你是 ${person.name}，在「${chat.label}」。输入 @bot 帮助 开始；数字按卡片按钮；/群 /人 切换；/退出 结束。`);

  const showOutbox = async () => {
    await processPending(s.deps);
    for (;;) {
      const rows = await claimDue(d, Date.now(), 100, 60_000);
      if (!rows.length) break;
      for (const r of rows) {
        const m = renderMessage(r.msgType, r.content, nameOf);
        const to = r.receiveIdType === 'open_id' ? `（私信给 ${personList.find((p) => p.openId === r.receiveId)?.name ?? r.receiveId}）` : r.receiveId === chat.id ? '' : `（发到 ${chatList.find((c) => c.id === r.receiveId)?.label ?? r.receiveId}）`;
        print(`\n🤖 复核助手${to}：\n${m.text}`);
        if (m.buttons.length) buttons = m.buttons;
        await markOffline(d, r.id, Date.now());
      }
    }
  };

  for (;;) {
    const line = (await ask(`${person.name}> `)).trim();
    if (!line) continue;
    if (line === '/退出' || line === '/quit') break;
    if (line === '/群') {
      chat = await choose('选择群：', chatList);
      continue;
    }
    if (line === '/人') {
      person = await choosePerson(chat);
      continue;
    }
    const chatId = chat.id === 'p2p' ? `oc_p2p_${person.openId}` : chat.id;
    const header = (type: string) => ({ event_id: `sim_${Date.now()}_${++seq}`, event_type: type, create_time: String(Date.now()) });
    if (/^\d+$/.test(line) && buttons[Number(line) - 1]) {
      const b = buttons[Number(line) - 1]!;
      const { __submit, ...value } = b.value;
      const form: Record<string, unknown> = {};
      if (__submit) {
        const fields = b.fields ?? ((value.fields as string[] | undefined) ?? []).map((name) => ({ name, label: name, kind: 'input' as const, required: false, options: [] }));
        for (const f of fields) {
          const v = await askField(f, ask, print);
          if (v !== undefined) form[f.name] = v;
        }
      }
      const res = await s.app.request('/feishu/card', {
        method: 'POST',
        body: JSON.stringify({
          schema: '2.0',
          header: header('card.action.trigger'),
          event: { operator: { open_id: person.openId }, action: { tag: 'button', value, ...(__submit ? { form_value: form } : {}) }, context: { open_chat_id: chatId, open_message_id: 'om_sim' } },
        }),
      });
      const answer = (await res.json()) as { toast?: { content: string }; card?: { data: unknown } };
      if (answer.toast) print(`  〔提示〕${answer.toast.content}`);
      if (answer.card) {
        const m = renderMessage('interactive', JSON.stringify(answer.card.data), nameOf);
        print(`\n🤖 （卡片已更新）\n${m.text}`);
        buttons = m.buttons;
      }
      await showOutbox();
      continue;
    }
    if (chat.id !== 'p2p' && !BOT_MENTION.test(line)) {
      print('  〔提示〕群里的消息要先 @bot 机器人才收得到，例如：@bot 进度（私聊不用 @）。');
      continue;
    }
    // Mentions: "@bot" addresses the bot; "@名字" mentions that person.
    const mentions: { key: string; id: { open_id: string }; name: string }[] = [];
    let text = line.replace(BOT_MENTION, () => {
      mentions.push({ key: '@_user_1', id: { open_id: BOT }, name: '复核助手' });
      return '@_user_1 ';
    });
    text = text.replace(/@(\S+)/g, (m, name: string) => {
      if (m.startsWith('@_user_')) return m;
      const p = personList.find((x) => x.name === name);
      if (!p) return m;
      const key = `@_user_${mentions.length + 2}`;
      mentions.push({ key, id: { open_id: p.openId! }, name: p.name });
      return key;
    });
    const res = await s.app.request('/feishu/events', {
      method: 'POST',
      body: JSON.stringify({
        schema: '2.0',
        header: header('im.message.receive_v1'),
        event: {
          sender: { sender_id: { open_id: person.openId }, sender_type: 'user' },
          message: { message_id: `om_sim_${Date.now()}_${seq}`, chat_id: chatId, chat_type: chat.id === 'p2p' ? 'p2p' : 'group', message_type: 'text', content: JSON.stringify({ text }), mentions },
        },
      }),
    });
    if (res.status !== 200) print(`  〔HTTP ${res.status}〕`);
    await showOutbox();
  }
  rl.close();
  d.close?.();
}

if (process.argv[1]?.replace(/\\/g, '/').endsWith('cli/chat.ts')) await runChat();
