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
import { renderMessage, type RenderedButton } from '../feishu/render';
import { chats, people, roles, villages } from '../../db/schema/index';
import { ROLE_NAMES, type Role } from '../core/roles';
import type { Logger } from '../log';

const BOT = 'ou_chat_simulator_bot';

export async function runChat(input: Readable & { isTTY?: boolean } = stdin, output: Writable = stdout) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig({ ...process.env, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_ENCRYPT_KEY: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_BOT_OPEN_ID: BOT });
  const print = (s = '') => output.write(s + '\n');
  const quiet: Logger = { info() {}, warn() {}, error: (m, e) => print(`! ${m} ${e ? JSON.stringify(e) : ''}`) };
  const d = openSqlite(config.DATABASE_PATH);
  if (await seedIfEmpty(d, quiet)) print('（数据库为空，已载入示例乡镇和花名册）');
  // Deferred work is done by showOutbox right after each request, so replies print in order.
  const s = buildServices(config, d, quiet, () => undefined, { reports: nodeReportService(reportsDirFor(config.DATABASE_PATH)) });
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  // An iterator, not rl.question: piped input (tests, scripts) must not lose lines.
  const ask = async (prompt: string) => {
    output.write(prompt);
    const r = await lines.next();
    if (r.done) return '/退出';
    if (!input.isTTY) output.write(`${r.value}\n`);
    return r.value as string;
  };

  const chatRows = await d.db.select({ chatId: chats.chatId, kind: chats.kind, village: villages.name }).from(chats).leftJoin(villages, eq(villages.id, chats.villageId));
  const chatList = [...chatRows.map((c) => ({ id: c.chatId, label: c.kind === 'village' ? `${c.village} 工作群` : c.kind === 'leaders' ? '领导群' : '纪委群' })), { id: 'p2p', label: '与机器人私聊' }];
  const peopleRows = await d.db.select({ name: people.name, openId: people.openId, role: roles.role }).from(people).innerJoin(roles, eq(roles.personId, people.id));
  const personList = [...new Map(peopleRows.filter((p) => p.openId).map((p) => [p.openId!, p])).values()];

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

  let chat = await choose('选择群：', chatList);
  let person = await choose('选择你的身份：', personList.map((p) => ({ ...p, label: `${p.name}（${ROLE_NAMES[p.role as Role] ?? p.role}）` })));
  let buttons: RenderedButton[] = [];
  let seq = 0;
  print(`\n你是 ${person.name}，在「${chat.label}」。输入 @bot 帮助 开始；数字按卡片按钮；/群 /人 切换；/退出 结束。`);

  const showOutbox = async () => {
    await processPending(s.deps);
    for (;;) {
      const rows = await claimDue(d, Date.now(), 100, 60_000);
      if (!rows.length) break;
      for (const r of rows) {
        const m = renderMessage(r.msgType, r.content);
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
      person = await choose('选择你的身份：', personList.map((p) => ({ ...p, label: `${p.name}（${ROLE_NAMES[p.role as Role] ?? p.role}）` })));
      continue;
    }
    const chatId = chat.id === 'p2p' ? `oc_p2p_${person.openId}` : chat.id;
    const header = (type: string) => ({ event_id: `sim_${Date.now()}_${++seq}`, event_type: type, create_time: String(Date.now()) });
    if (/^\d+$/.test(line) && buttons[Number(line) - 1]) {
      const b = buttons[Number(line) - 1]!;
      const { __submit, ...value } = b.value;
      const form: Record<string, string> = {};
      if (__submit) {
        const fields = Object.keys(value).length ? ((value.fields as string[] | undefined) ?? []) : [];
        for (const f of fields) form[f] = (await ask(`  ${f}: `)).trim();
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
        const m = renderMessage('interactive', JSON.stringify(answer.card.data));
        print(`\n🤖 （卡片已更新）\n${m.text}`);
        buttons = m.buttons;
      }
      await showOutbox();
      continue;
    }
    // Mentions: "@bot" addresses the bot; "@名字" mentions that person.
    const mentions: { key: string; id: { open_id: string }; name: string }[] = [];
    let text = line.replace(/^@(bot|机器人|复核助手)\s*/i, () => {
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
