// Township set-up in chat: binding, roles, progress, authorisation; two townships side by side.
import { describe, it, expect, afterEach } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { messageEnvelope, cardEnvelope } from '../support/events';
import { EX, exampleJson } from '../support/example';
import { loadExample } from '../../src/township/seed';
import { loadTownship } from '../../src/township/load';
import { importRoster } from '../../src/township/roster-store';
import { readRoster } from '../../src/import/roster';
import { EXAMPLES_DIR } from '../../src/township/seed';
import { resolve } from 'node:path';
import { decodeEntities } from '../../src/feishu/escape';

let h: Harness;
afterEach(async () => h?.close());

async function say(text: string, openId: string, chatId: string, extra: Partial<Parameters<typeof messageEnvelope>[0]> = {}) {
  const before = h.fake.messages.length;
  const res = await h.post(messageEnvelope({ text, openId, chatId, ...extra }));
  expect(res.status).toBe(200);
  await h.settle();
  return h.fake.messages.slice(before).map((m) => (m.msgType === 'text' ? JSON.parse(m.content).text as string : m.content));
}

const count = (sql: string) => (h.server.d.sqlite.prepare(sql).get() as { n: number }).n;

/** The example without chat ids: villages and the leaders' chat wait to be bound from the chat. */
async function loadUnbound() {
  const t = exampleJson();
  t.villages = t.villages.map(({ chatId: _c, ...v }) => v);
  t.chats = {};
  await loadTownship(h.server.d, t, { api: null, actor: 'test', source: 'test' });
}

const chatRows = () => h.server.d.sqlite.prepare('select chat_id, kind, village_id from chats order by chat_id').all();
const villageChat = (name: string) =>
  (h.server.d.sqlite.prepare('select chat_id c from villages where name = ?').get(name) as { c: string | null }).c;

async function press(openId: string, chatId: string, value: Record<string, unknown>) {
  const before = h.fake.messages.length;
  const res = await h.post(cardEnvelope({ openId, chatId, value }), '/feishu/card');
  expect(res.status).toBe(200);
  const body = (await res.json()) as { toast?: { type: string; content: string }; card?: { data: unknown } };
  await h.settle();
  return { ...body, sent: h.fake.messages.slice(before) };
}

const buttonValue = (cardJson: string, label: string) => {
  const c = JSON.parse(cardJson);
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
};

describe('绑定', () => {
  it('lets the office bind a new chat to a village that has none, at once, and audits it', async () => {
    h = await startHarness();
    await loadUnbound();
    const [reply] = await say('绑定 岩脚村', EX.office, 'oc_new_group');
    expect(reply).toBe('已将本群绑定为 岩脚村 村工作群。');
    const row = h.server.d.sqlite.prepare("select c.kind, v.name from chats c join villages v on v.id = c.village_id where c.chat_id = 'oc_new_group'").get();
    expect(row).toEqual({ kind: 'village', name: '岩脚村' });
    expect(villageChat('岩脚村')).toBe('oc_new_group');
    expect(count("select count(*) n from audit_log where action = 'bind' and entity_id = 'oc_new_group' and source like 'message:%'")).toBe(1);
  });

  it('binds the leaders chat, and refuses a non-office person and an unknown village without changing anything', async () => {
    h = await startHarness();
    await loadUnbound();
    expect(await say('绑定 领导群', EX.office, 'oc_leaders_2')).toEqual(['已将本群绑定为领导群。']);
    const chatsBefore = count('select count(*) n from chats');
    const [refused] = await say('绑定 石门村', EX.shimen.cadre, 'oc_other');
    expect(refused).toBe('只有乡扶贫办可以使用“绑定”。如需开通，请联系乡扶贫办。');
    const [unknown] = await say('绑定 不存在村', EX.office, 'oc_other');
    expect(unknown).toContain('本乡没有“不存在村”。可选：石门村、岩脚村');
    const [stranger] = await say('绑定 石门村', 'ou_nobody', 'oc_other');
    expect(stranger).toBe('你还不在本乡的人员名单里，请联系乡扶贫办登记后再用。');
    expect(count('select count(*) n from chats')).toBe(chatsBefore);
  });

  it('is refused in a private chat: nothing is bound and the office is told to bind in the group', async () => {
    h = await startHarness();
    await loadUnbound();
    for (const target of ['领导群', '纪委群', '石门村']) {
      const [r] = await say(`绑定 ${target}`, EX.office, 'oc_p2p_office', { chatType: 'p2p' });
      expect(r).toContain('绑定只能在群里进行');
    }
    expect(chatRows()).toEqual([]);
    expect(h.server.d.sqlite.prepare('select leaders_chat_id l, inspectors_chat_id i from townships').get()).toEqual({ l: null, i: null });
    expect(count("select count(*) n from audit_log where action = 'bind'")).toBe(0);
  });

  it('rebinding a village chat to another village shows what would change and waits for 确认', async () => {
    h = await startHarness();
    await loadExample(h.server.d);
    const before = chatRows();
    const auditBefore = count('select count(*) n from audit_log');
    const [c] = await say('绑定 岩脚村', EX.office, EX.shimen.chat);
    const shown = JSON.parse(c!);
    expect(shown.header.title.content).toBe('确认更改群绑定');
    const text = JSON.stringify(shown);
    expect(text).toContain('本群将绑定为 **岩脚村 村工作群**');
    expect(text).toContain('本群现在是 石门村 村工作群；改绑后石门村将没有村工作群');
    expect(decodeEntities(text)).toContain(`岩脚村 村工作群原来的群（${EX.yanjiao.chat}）将解除绑定`);
    // nothing changed yet
    expect(chatRows()).toEqual(before);
    expect(villageChat('石门村')).toBe(EX.shimen.chat);
    expect(count('select count(*) n from audit_log')).toBe(auditBefore);

    // only the office may confirm
    const confirm = buttonValue(c!, '确认');
    const denied = await press(EX.shimen.cadre, EX.shimen.chat, confirm);
    expect(denied.toast?.type).toBe('error');
    expect(chatRows()).toEqual(before);

    const ok = await press(EX.office, EX.shimen.chat, confirm);
    expect(ok.toast).toEqual({ type: 'success', content: '已将本群绑定为 岩脚村 村工作群。' });
    expect(villageChat('石门村')).toBeNull();
    expect(villageChat('岩脚村')).toBe(EX.shimen.chat);
    const yanjiaoId = (h.server.d.sqlite.prepare("select id from villages where name = '岩脚村'").get() as { id: number }).id;
    const village = h.server.d.sqlite.prepare("select chat_id from chats where kind = 'village' and village_id = ?").all(yanjiaoId);
    expect(village).toEqual([{ chat_id: EX.shimen.chat }]); // one chat per village
    expect(count(`select count(*) n from chats where chat_id = '${EX.yanjiao.chat}'`)).toBe(0);
    expect(count(`select count(*) n from audit_log where action = 'bind' and entity_id = '${EX.shimen.chat}' and source like 'card:%'`)).toBe(1);
    expect(count(`select count(*) n from audit_log where action = 'unbind' and entity_id = '${EX.yanjiao.chat}'`)).toBe(1);
    // progress in the chat is now 岩脚村's
    const [p] = await say('进度', EX.office, EX.shimen.chat);
    expect(JSON.parse(p!).header.title.content).toBe('岩脚村 复核进度');
    // pressing the old card again changes nothing more
    const again = await press(EX.office, EX.shimen.chat, confirm);
    expect(again.toast?.type).toBe('warning');
    expect(count("select count(*) n from audit_log where action = 'bind' and source like 'card:%'")).toBe(1);
  });

  it('binding a village that has a chat from a new group asks first; 取消 changes nothing', async () => {
    h = await startHarness();
    await loadExample(h.server.d);
    const before = chatRows();
    const [c] = await say('绑定 石门村', EX.office, 'oc_new_group');
    expect(c).toContain('确认更改群绑定');
    expect(decodeEntities(c!)).toContain(`石门村 村工作群原来的群（${EX.shimen.chat}）将解除绑定`);
    const cancel = await press(EX.office, 'oc_new_group', buttonValue(c!, '取消'));
    expect(cancel.toast).toEqual({ type: 'info', content: '已取消。' });
    expect(chatRows()).toEqual(before);
    expect(villageChat('石门村')).toBe(EX.shimen.chat);
    // a chat already serving this target is told so
    expect(await say('绑定 石门村', EX.office, EX.shimen.chat)).toEqual(['本群已经是石门村 村工作群，无需重新绑定。']);
  });

  it('moving the leaders chat asks first, then leaves exactly one leaders chat', async () => {
    h = await startHarness();
    await loadExample(h.server.d);
    const [c] = await say('绑定 领导群', EX.office, 'oc_new_leaders');
    expect(decodeEntities(c!)).toContain(`领导群原来的群（${EX.leadersChat}）将解除绑定`);
    expect(h.server.d.sqlite.prepare('select leaders_chat_id l from townships').get()).toEqual({ l: EX.leadersChat });
    await press(EX.office, 'oc_new_leaders', buttonValue(c!, '确认'));
    expect(h.server.d.sqlite.prepare('select leaders_chat_id l from townships').get()).toEqual({ l: 'oc_new_leaders' });
    expect(h.server.d.sqlite.prepare("select chat_id from chats where kind = 'leaders'").all()).toEqual([{ chat_id: 'oc_new_leaders' }]);
  });
});

describe('角色', () => {
  it('gives a role taken from the mention; the new person can then act in that role', async () => {
    h = await startHarness();
    await loadExample(h.server.d);
    const newcomer = { openId: 'ou_newcomer0000000000000000000001', name: '新来的' };
    const [r] = await say('角色 @_user_2 村干部', EX.office, EX.shimen.chat, { mention: [newcomer] });
    expect(r).toBe('已设置 新来的 为村干部（石门村）。');
    expect(count(`select count(*) n from roles r join people p on p.id = r.person_id where p.open_id = '${newcomer.openId}' and r.role = 'village_cadre' and r.source = 'chat'`)).toBe(1);
    const [help] = await say('帮助', newcomer.openId, EX.shimen.chat);
    expect(help).toContain('新来的，你可以使用');
  });

  it('refuses a bad role or a missing mention with the usage line', async () => {
    h = await startHarness();
    await loadExample(h.server.d);
    const [a] = await say('角色 @_user_2 村长', EX.office, EX.shimen.chat, { mention: [{ openId: 'ou_x', name: 'x' }] });
    expect(a).toContain('没有“村长”这个角色。用法：角色 @某人 <角色> [村名]');
    const [b] = await say('角色 村干部', EX.office, EX.shimen.chat);
    expect(b).toContain('请先 @ 要设置的人');
    const [c] = await say('角色 @_user_2 村干部', EX.shimen.cadre, EX.shimen.chat, { mention: [{ openId: 'ou_x', name: 'x' }] });
    expect(c).toContain('只有乡扶贫办');
    expect(count("select count(*) n from people where open_id = 'ou_x'")).toBe(0);
  });
});

describe('进度', () => {
  it('shows the village card in a village chat, with stages, deadlines and what is missing', async () => {
    h = await startHarness();
    await loadExample(h.server.d);
    const [card] = await say('进度', EX.shimen.cadre, EX.shimen.chat);
    const c = JSON.parse(card!);
    expect(c.schema).toBe('2.0');
    expect(c.header.title.content).toBe('石门村 复核进度');
    const text = JSON.stringify(c);
    expect(text).toContain('申请农户资格复审');
    expect(text).toContain('村“两委”评议');
    expect(text).toContain('缺少有效的会议记录');
    expect(text).toContain('"a":"stage.complete"');
    expect(text).not.toMatch(/\d{17}[\dX]/); // no full ID numbers
  });

  it('shows the township card in the leaders chat and refreshes it from its button', async () => {
    h = await startHarness();
    await loadExample(h.server.d);
    const [card] = await say('进度', EX.leader, EX.leadersChat);
    const c = JSON.parse(card!);
    expect(c.header.title.content).toBe('清水乡 复核进度');
    expect(JSON.stringify(c)).toContain('共 7 个村');
    const res = await h.post(cardEnvelope({ openId: EX.leader, chatId: EX.leadersChat, value: { a: 'progress.refresh' } }), '/feishu/card');
    const body = await res.json();
    expect(body.toast).toEqual({ type: 'info', content: '已刷新' });
    expect(body.card.type).toBe('raw');
    expect(body.card.data.header.title.content).toBe('清水乡 复核进度');
  });
});

describe('two townships in one deployment', () => {
  it('keeps chats, people, households and progress apart', async () => {
    h = await startHarness();
    const d = h.server.d;
    await loadExample(d);
    // A second township with the same village names and the same office person.
    const t2 = exampleJson();
    t2.township = { code: 'hongyan', name: '红岩乡', county: '某县' };
    t2.villages = t2.villages.slice(0, 2).map((v, i) => ({ ...v, chatId: `oc_hongyan_${i}` }));
    t2.chats = { leaders: 'oc_hongyan_leaders', inspectors: 'oc_hongyan_inspectors' };
    const keep = new Set(t2.villages.map((v) => v.name));
    t2.people = t2.people
      .map((p) => ({ ...p, roles: p.roles.filter((r) => !r.village || keep.has(r.village)) }))
      .filter((p) => p.roles.length > 0);
    await loadTownship(d, t2, { api: null, actor: 'test', source: 'test' });
    const roster = await readRoster(resolve(EXAMPLES_DIR, 'roster.csv'), {});
    if (!roster.ok) throw new Error('roster');
    const mine = roster.households.filter((x) => keep.has(x.village)).map((x) => ({ ...x, householdNo: `HY-${x.householdNo}` }));
    await importRoster(d, 'hongyan', mine, { actor: 'test', source: 'test' });

    expect(count("select count(*) n from villages where township_id = 'hongyan'")).toBe(2);
    expect(count("select count(*) n from villages where township_id = 'qingshui'")).toBe(7);
    expect(count("select count(*) n from households where township_id = 'hongyan'")).toBe(mine.length);

    const [a] = await say('进度', EX.leader, 'oc_hongyan_leaders');
    expect(JSON.parse(a!).header.title.content).toBe('红岩乡 复核进度');
    expect(a).toContain('共 2 个村');
    const [b] = await say('进度', EX.leader, EX.leadersChat);
    expect(b).toContain('共 7 个村');
    // The same office person binding a chat of township B touches only B.
    await say('绑定 石门村', EX.office, 'oc_hongyan_0');
    expect(count("select count(*) n from chats where chat_id = 'oc_hongyan_0' and township_id = 'hongyan'")).toBe(1);
    expect(count("select count(*) n from audit_log where township_id = 'qingshui' and entity_id = 'oc_hongyan_0'")).toBe(0);
  });
});
