// Imports from the chat (DESIGN §6 Files, issue 17.3): the office sends a roster or a department
// list, the bot downloads it through the real Lark SDK from the fake Feishu, validates it with
// the CLI's readers, answers a preview card, and writes nothing until 确认导入 — then all of it,
// audited. Through the real Node server, a real SQLite file.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startHarness, type Harness } from '../support/harness';
import { chatDriver, textOf } from '../support/chat';
import { nextId } from '../support/events';
import { EX, exampleJson } from '../support/example';
import { loadTownship } from '../../src/township/load';
import { EXAMPLES_DIR } from '../../src/township/seed';
import { csvText } from '../../src/sheet/csv-write';

let h: Harness;
const P2P = 'oc_p2p_office';
const chat = chatDriver(() => h, P2P);
const ROSTER_CSV = readFileSync(resolve(EXAMPLES_DIR, 'roster.csv'));
const ROSTER_XLSX = readFileSync(resolve(EXAMPLES_DIR, 'roster.xlsx'));
const rosterRows = ROSTER_CSV.toString('utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
const HOUSEHOLDS = new Set(rosterRows.slice(1).map((r) => r.split(',')[0])).size;
const MEMBERS = rosterRows.length - 1;

beforeAll(async () => {
  h = await startHarness();
  await loadTownship(h.server.d, exampleJson(), { api: null, actor: 'test', source: 'test' });
});
afterAll(async () => h?.close());
beforeEach(() => {
  h.fake.denyResources = false;
});

/** The office (or someone) sends a file message; the fake Feishu will serve its bytes. */
async function sendFile(name: string, bytes: Uint8Array, o: { openId?: string; chatId?: string; parentId?: string; chatType?: 'p2p' | 'group' } = {}) {
  const messageId = nextId('om_file');
  const fileKey = `file_v3_${messageId}`;
  const chatId = o.chatId ?? P2P;
  h.fake.files.set(messageId, { fileKey, name, bytes, chatId });
  const out = await chat.say('', o.openId ?? EX.office, chatId, {
    messageType: 'file',
    content: JSON.stringify({ file_key: fileKey, file_name: name }),
    messageId,
    chatType: o.chatType ?? 'p2p',
    atBot: false,
    ...(o.parentId ? { parentId: o.parentId } : {}),
  });
  return { messageId, out };
}

const command = (text: string, parentId: string | undefined, o: { openId?: string; chatId?: string; chatType?: 'p2p' | 'group'; messageId?: string } = {}) =>
  chat.say(text, o.openId ?? EX.office, o.chatId ?? P2P, {
    chatType: o.chatType ?? 'p2p',
    ...(parentId ? { parentId } : {}),
    ...(o.messageId ? { messageId: o.messageId } : {}),
  });

const cardOf = (m: { msgType: string; content: string }) => JSON.parse(m.content) as Record<string, unknown>;
const cardText = (m: { msgType: string; content: string }) => m.content;
function buttonValue(c: Record<string, unknown>, label: string): Record<string, unknown> {
  const found: Record<string, unknown>[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.tag === 'button' && (o.text as { content: string }).content === label) found.push((o.behaviors as { value: Record<string, unknown> }[])[0]!.value);
      Object.values(o).forEach(walk);
    }
  };
  walk(c);
  expect(found).toHaveLength(1);
  return found[0]!;
}
const live = () => chat.n('select count(*) n from households') + chat.n('select count(*) n from members');
const staged = () =>
  chat.n('select count(*) n from roster_stage_households') + chat.n('select count(*) n from roster_stage_members') + chat.n('select count(*) n from department_stage_rows');

/** A roster CSV from the example's rows, with some cells replaced. */
function rosterCsv(edit: (cells: string[], i: number) => string[] = (c) => c): Uint8Array {
  const [head, ...rows] = rosterRows;
  return new TextEncoder().encode(csvText([head!.split(','), ...rows.map((r, i) => edit(r.split(','), i))]));
}

describe('导入 花名册 from the chat', () => {
  it('file first, the command as a reply: a preview card, nothing written; 确认导入 writes it all, audited; a second press changes nothing', async () => {
    const file = await sendFile('花名册.xlsx', ROSTER_XLSX);
    expect(textOf(file.out[0]!)).toContain('导入 花名册');
    const out = await command('导入 花名册', file.messageId);
    expect(out).toHaveLength(2);
    expect(textOf(out[0]!)).toContain('已收到花名册文件“花名册.xlsx”');
    expect(h.fake.downloads.map((x) => x.messageId)).toContain(file.messageId);
    const preview = out[1]!;
    expect(preview.msgType).toBe('interactive');
    expect(preview.replyTo).toBe(out[0]!.replyTo);
    const text = cardText(preview);
    expect(text).toContain('花名册导入预览');
    expect(text).toContain(`${HOUSEHOLDS} 户、${MEMBERS} 人`);
    expect(text).toContain(`读入 ${MEMBERS} 行`);
    expect(text).toContain('石门村');
    expect(live()).toBe(0);
    expect(staged()).toBeGreaterThan(0); // staged, invisible to the bot

    const value = buttonValue(cardOf(preview), '确认导入');
    const before = h.fake.messages.length;
    const first = await chat.press(EX.office, value);
    expect(first.toast?.type).toBe('success');
    expect(JSON.stringify(first.card)).toContain('正在导入');
    const done = h.fake.messages.slice(before);
    expect(done).toHaveLength(1);
    expect(textOf(done[0]!)).toContain(`花名册已导入（花名册.xlsx）：${HOUSEHOLDS} 户、${MEMBERS} 人。新增 ${HOUSEHOLDS} 户`);
    expect(chat.n('select count(*) n from households')).toBe(HOUSEHOLDS);
    expect(chat.n('select count(*) n from members')).toBe(MEMBERS);
    expect(staged()).toBe(0);
    expect(chat.n('select count(*) n from chat_import_chunks')).toBe(0);
    const audit = chat.one<{ actor: string; after: string; source: string }>("select actor, after, source from audit_log where entity = 'roster' and action = 'import'");
    expect(audit.actor).toContain(EX.office);
    expect(audit.source).toBe(`message:${out[0]!.replyTo}`);
    const after = JSON.parse(audit.after) as Record<string, unknown>;
    expect(after).toMatchObject({ via: '飞书聊天', file: '花名册.xlsx', fileMessage: file.messageId, households: HOUSEHOLDS, members: MEMBERS });
    expect(chat.n("select count(*) n from audit_log where entity = 'household' and action = 'create'")).toBe(HOUSEHOLDS);

    // pressed again (or the same press delivered twice): a toast, nothing else
    const again = await chat.press(EX.office, value);
    expect(again.toast?.content).toContain('已经导入过了');
    expect(h.fake.messages.length).toBe(before + 1);
    const cancelLate = await chat.press(EX.office, buttonValue(cardOf(preview), '取消'));
    expect(cancelLate.toast?.content).toContain('导入过了');
    expect(chat.n('select count(*) n from households')).toBe(HOUSEHOLDS);

    // the same file again: previewed, and confirming changes nothing
    const file2 = await sendFile('花名册.csv', ROSTER_CSV);
    const out2 = await command('导入 花名册', file2.messageId);
    await chat.press(EX.office, buttonValue(cardOf(out2[1]!), '确认导入'));
    expect(textOf(h.fake.messages.at(-1)!)).toContain(`无变化 ${HOUSEHOLDS} 户`);
  });

  it('command first, the file as a reply; 取消 drops the stage and writes nothing', async () => {
    const base = live();
    const causes = () => chat.n("select count(*) n from households where poverty_cause = '因学'");
    const causesBefore = causes();
    const cmdId = nextId('om_cmd');
    const ask = await command('导入 花名册', undefined, { messageId: cmdId });
    expect(ask).toHaveLength(1);
    expect(textOf(ask[0]!)).toContain('“回复”本条消息');
    const changed = rosterCsv((c) => (c[12] === '因病' ? [...c.slice(0, 12), '因学', ...c.slice(13)] : c));
    const file = await sendFile('新花名册.csv', changed, { parentId: cmdId });
    expect(file.out).toHaveLength(2);
    expect(textOf(file.out[0]!)).toContain('已收到花名册文件“新花名册.csv”');
    const preview = file.out[1]!;
    expect(cardText(preview)).toContain('花名册导入预览');
    expect(staged()).toBeGreaterThan(0);
    const r = await chat.press(EX.office, buttonValue(cardOf(preview), '取消'));
    expect(r.toast?.content).toContain('已取消');
    expect(JSON.stringify(r.card)).toContain('已取消');
    expect(staged()).toBe(0);
    expect(live()).toBe(base);
    expect(causes()).toBe(causesBefore);
    expect(chat.n("select count(*) n from audit_log where entity = 'roster' and action = 'cancel'")).toBe(1);
    // confirming the cancelled card: a toast, nothing written
    const late = await chat.press(EX.office, buttonValue(cardOf(preview), '确认导入'));
    expect(late.toast?.content).toContain('已取消');
    expect(causes()).toBe(causesBefore);
  });

  it('the file replying to the bot’s answer works too, in a group the bot was never sent the file in (GET message)', async () => {
    // a group: the file is not @-addressed, Feishu does not deliver it; the command replies to it
    const messageId = nextId('om_file');
    h.fake.files.set(messageId, { fileKey: `fk_${messageId}`, name: '石门.xlsx', bytes: ROSTER_XLSX, chatId: EX.shimen.chat });
    const out = await command('导入 花名册', messageId, { chatId: EX.shimen.chat, chatType: 'group' });
    expect(textOf(out[0]!)).toContain('已收到花名册文件“石门.xlsx”');
    expect(cardText(out[1]!)).toContain('花名册导入预览');
    expect(h.fake.calls.some((c) => c.method === 'GET' && c.path === `/open-apis/im/v1/messages/${messageId}`)).toBe(true);
    await chat.press(EX.office, buttonValue(cardOf(out[1]!), '取消'), undefined, EX.shimen.chat);

    // the command first; the file as a reply to the bot's answer
    const ask = await command('导入 花名册', undefined);
    const answerId = ask[0]!.messageId;
    const file = await sendFile('花名册.csv', ROSTER_CSV, { parentId: answerId });
    expect(cardText(file.out[1]!)).toContain('花名册导入预览');
    await chat.press(EX.office, buttonValue(cardOf(file.out[1]!), '取消'));
  });

  it('a file with errors: the first errors by row and column, IDs masked, text escaped, 还有 N 处错误; nothing staged, no button', async () => {
    const base = live();
    // every second member's ID with a wrong check digit, one name with markup
    const bad = rosterCsv((c, i) => {
      if (i % 2 === 1) c[5] = `${c[5]!.slice(0, 17)}${c[5]![17] === '0' ? '1' : '0'}`;
      if (i === 2) c[3] = '**粗体**<at id=all></at>';
      return c;
    });
    const file = await sendFile('错误.csv', bad);
    const out = await command('导入 花名册', file.messageId);
    const c = cardText(out[1]!);
    expect(c).toContain('未导入');
    expect(c).toMatch(/第 3 行「身份证号」/);
    expect(c).toMatch(/还有 \d+ 处错误/);
    expect(c).not.toContain('确认导入');
    expect(c).not.toMatch(/\d{17}[\dX]/);
    expect(c).not.toContain('<at id=all>');
    expect(staged()).toBe(0);
    expect(live()).toBe(base);
    expect(chat.n("select count(*) n from chat_imports where file_message_id = ? and state = 'invalid'", file.messageId)).toBe(1);
  });

  it('only the office may import; a wrong kind of file or message gets a hint; a download refused names im:resource', async () => {
    const cadre = await command('导入 花名册', undefined, { openId: EX.shimen.cadre, chatId: EX.shimen.chat, chatType: 'group' });
    expect(textOf(cadre[0]!)).toMatch(/只有乡扶贫办.*可以使用“导入”/);
    // someone else answering the office's command with a file
    const cmdId = nextId('om_cmd');
    await command('导入 花名册', undefined, { messageId: cmdId, chatId: EX.shimen.chat, chatType: 'group' });
    const other = await sendFile('花名册.csv', ROSTER_CSV, { parentId: cmdId, openId: EX.shimen.cadre, chatId: EX.shimen.chat, chatType: 'group' });
    expect(textOf(other.out[0]!)).toContain('只有乡扶贫办可以导入');
    // a press by someone who is not the office
    const file = await sendFile('花名册.csv', ROSTER_CSV);
    const out = await command('导入 花名册', file.messageId);
    const press = await chat.press(EX.shimen.cadre, buttonValue(cardOf(out[1]!), '确认导入'));
    expect(press.toast?.type).toBe('error');
    expect(chat.n("select count(*) n from chat_imports where file_message_id = ? and state = 'ready'", file.messageId)).toBe(1);
    await chat.press(EX.office, buttonValue(cardOf(out[1]!), '取消'));

    const doc = await sendFile('花名册.doc', new Uint8Array([1, 2, 3]));
    expect(textOf((await command('导入 花名册', doc.messageId))[0]!)).toContain('只能导入 .xlsx 或 .csv');
    const xls = await sendFile('花名册.xls', new Uint8Array([1, 2, 3]));
    expect(textOf((await command('导入 花名册', xls.messageId))[0]!)).toContain('另存为');
    const imageId = nextId('om_img');
    await chat.say('', EX.office, P2P, { messageType: 'image', content: JSON.stringify({ image_key: 'img_v3_x' }), messageId: imageId, chatType: 'p2p', atBot: false });
    expect(textOf((await command('导入 花名册', imageId))[0]!)).toContain('回复的是图片');
    expect(textOf((await command('导入 户口本', doc.messageId))[0]!)).toContain('没有“户口本”这种名单');

    h.fake.denyResources = true;
    const denied = await sendFile('花名册.csv', ROSTER_CSV);
    const d = await command('导入 花名册', denied.messageId);
    expect(textOf(d[1]!)).toContain('im:resource');
    expect(chat.n("select count(*) n from chat_imports where file_message_id = ? and state = 'failed'", denied.messageId)).toBe(1);
  });
});

describe('导入 <部门> from the chat', () => {
  const ids = () => rosterRows.slice(1, 41).map((r) => r.split(',')[5]!);
  const list = (rows: string[][]) => new TextEncoder().encode(csvText([['身份证号', '姓名', '记录类型', '详情'], ...rows]));

  it('previews the list by kind, 确认导入 makes it the active list, audited; a list with errors is refused whole', async () => {
    const good = list(ids().map((id, i) => [id, `某${i}`, i % 2 ? '汽车' : '户籍', '']));
    const file = await sendFile('公安.csv', good);
    const out = await command('导入 公安', file.messageId);
    const c = cardText(out[1]!);
    expect(c).toContain('公安名单导入预览');
    expect(c).toContain('有效记录 40 行');
    expect(chat.n('select count(*) n from department_lists')).toBe(0);
    await chat.press(EX.office, buttonValue(cardOf(out[1]!), '确认导入'));
    expect(textOf(h.fake.messages.at(-1)!)).toContain('公安名单已导入（公安.csv）：40 行');
    expect(chat.n("select count(*) n from department_lists where department = '公安' and active = 1")).toBe(1);
    expect(chat.n('select count(*) n from department_records')).toBe(40);
    expect(chat.n("select count(*) n from audit_log where entity = 'department_list' and action = 'import'")).toBe(2);
    expect(staged()).toBe(0);

    // the same file again: nothing to import
    const same = await sendFile('公安2.csv', good);
    expect(cardText((await command('导入 公安', same.messageId))[1]!)).toContain('内容完全相同');

    const bad = list([...ids().map((id) => [id, '', '汽车', '']), ['123', '', '汽车', ''], [ids()[0]!, '', '不知道', '']]);
    const badFile = await sendFile('公安3.csv', bad);
    const b = cardText((await command('导入 公安局', badFile.messageId))[1]!);
    expect(b).toContain('公安名单有 2 处错误，未导入');
    expect(b).toMatch(/第 42 行「身份证号」/);
    expect(staged()).toBe(0);
    expect(chat.n('select count(*) n from department_records')).toBe(40);
  });
});
