// The shapes live Feishu tenants really send, through the real server and the real SDK against
// the fake Feishu: IDs the app may not read as null / "" / absent, rich-text posts, thread
// replies, message kinds the bot cannot read, events that do not fit at all.
import { describe, it, expect, afterEach } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { playVillageToNotice } from '../support/procedure';
import { AT_BOT, BOT_OPEN_ID, VERIFICATION_TOKEN, atPerson, cardEnvelope, chatEventEnvelope, messageEnvelope, oldCardRequest, postEnvelope, type IdStyle } from '../support/events';
import { enqueue } from '../../src/store/outbox';
import { EX, exampleJson } from '../support/example';
import { loadExample } from '../../src/township/seed';

let h: Harness;
afterEach(async () => h?.close());

const S = EX.shimen;
const start = async (now?: () => Date) => {
  h = await startHarness({ now });
  await loadExample(h.server.d);
};
const textOf = (m: { msgType: string; content: string }) => (m.msgType === 'text' ? (JSON.parse(m.content).text as string) : m.content);
/** Posts one event and returns what the bot sent because of it. */
async function send(payload: unknown) {
  const before = h.fake.messages.length;
  expect((await h.post(payload)).status).toBe(200);
  await h.settle();
  return h.fake.messages.slice(before);
}
const count = (sql: string) => (h.server.d.sqlite.prepare(sql).get() as { n: number }).n;
const STYLES: IdStyle[] = ['null', 'empty', 'absent'];

describe('IDs the app may not read (null, "", absent)', () => {
  it('answers a sender whose user_id is null, "" or absent, in p2p and in a group', async () => {
    await start();
    for (const senderIds of STYLES) {
      const [p2p] = await send(messageEnvelope({ text: '帮助', openId: S.cadre, chatId: 'oc_p2p_cadre', chatType: 'p2p', senderIds }));
      expect(textOf(p2p!)).toContain('杨光明，你可以使用');
      const [group] = await send(messageEnvelope({ text: '进度', openId: S.cadre, chatId: S.chat, senderIds, mentionIds: senderIds }));
      expect(JSON.parse(group!.content).header.title.content).toBe('石门村 复核进度');
    }
  });

  it('takes the person from a mention whose user_id is "" or null (角色 @某人)', async () => {
    await start();
    for (const [i, mentionIds] of (['empty', 'null'] as const).entries()) {
      const person = { openId: `ou_newcomer00000000000000000000${i}`, name: `新来的${i}` };
      const [r] = await send(messageEnvelope({ text: '角色 @_user_2 村干部', openId: EX.office, chatId: S.chat, mention: [person], mentionIds }));
      expect(textOf(r!)).toBe(`已设置 ${person.name} 为村干部（石门村）。`);
    }
    expect(count("select count(*) n from roles r join people p on p.id = r.person_id where p.open_id like 'ou_newcomer%' and r.role = 'village_cadre'")).toBe(2);
  });

  it('runs a card button whose operator has user_id null or ""', async () => {
    await start();
    for (const operatorIds of STYLES) {
      const res = await h.post(cardEnvelope({ openId: EX.leader, chatId: EX.leadersChat, value: { a: 'progress.refresh' }, operatorIds }), '/feishu/card');
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.toast).toEqual({ type: 'info', content: '已刷新' });
      expect(body.card.data.header.title.content).toBe('清水乡 复核进度');
    }
  });
});

describe('rich-text posts', () => {
  it('answers @bot 帮助 written as a post exactly like the text message', async () => {
    await start();
    const [asText] = await send(messageEnvelope({ text: '帮助', openId: S.cadre, chatId: S.chat }));
    const [asPost] = await send(postEnvelope({ openId: S.cadre, chatId: S.chat, paragraphs: [[AT_BOT, { tag: 'text', text: ' 帮助' }]] }));
    expect(textOf(asPost!)).toBe(textOf(asText!));
    expect(asPost!.replyTo).not.toBeNull();
  });

  it('recognises the bot mentioned anywhere, not only at the start, and keeps other mentions', async () => {
    await start();
    const [r] = await send(
      postEnvelope({
        openId: EX.office,
        chatId: S.chat,
        mention: [{ openId: 'ou_newcomer0000000000000000000009', name: '小李' }],
        paragraphs: [[{ tag: 'text', text: '角色 ' }, atPerson(0, '小李'), { tag: 'text', text: '村干部 ' }, AT_BOT]],
      }),
    );
    expect(textOf(r!)).toBe('已设置 小李 为村干部（石门村）。');
  });

  it('records a meeting written as a post over several paragraphs, with a link and an emoji, like the text command', async () => {
    const clock = new Date('2026-12-09T02:00:00Z');
    await start(() => clock);
    await playVillageToNotice(h, '石门村', {}, 'qualification'); // the assembly follows the qualification review
    const [card] = await send(
      postEnvelope({
        openId: S.cadre,
        chatId: S.chat,
        title: '',
        paragraphs: [
          [AT_BOT, { tag: 'text', text: ' 会议 村民大会' }, { tag: 'emotion', emoji_type: 'THUMBSUP' }],
          [{ tag: 'text', text: '应到100 实到80', style: ['bold'] }],
          [{ tag: 'text', text: '龙学林 同意60 反对10 ' }, { tag: 'a', text: '缺席意见见附件', href: 'https://example.invalid/x' }],
        ],
      }),
    );
    const c = JSON.parse(card!.content);
    expect(c.header.title.content).toBe('村民大会记录（待确认）');
    expect(count("select count(*) n from meetings where kind = 'villagers_assembly' and eligible = 100 and present = 80")).toBe(1);
  });

  it('attaches the photos of a post replying to the meeting card, its text taken as a caption', async () => {
    const clock = new Date('2026-12-09T02:00:00Z');
    await start(() => clock);
    await playVillageToNotice(h, '石门村', {}, 'qualification'); // the assembly follows the qualification review
    const [card] = await send(messageEnvelope({ text: '会议 村民大会 应到100 实到80 龙学林 同意60 反对10', openId: S.cadre, chatId: S.chat }));
    const [reply] = await send(
      postEnvelope({
        openId: S.cadre,
        chatId: S.chat,
        parentId: card!.messageId,
        paragraphs: [[{ tag: 'text', text: '会场照片两张' }], [{ tag: 'img', image_key: 'img_v3_meeting_a' }], [{ tag: 'img', image_key: 'img_v3_meeting_b' }]],
      }),
    );
    expect(textOf(reply!)).toMatch(/^已将2 张照片附到村民大会（2026-12-09）记录，作为佐证（共 2 份）。\n尚未生效：/);
    const ev = JSON.parse((h.server.d.sqlite.prepare('select evidence from meetings').get() as { evidence: string }).evidence) as string[];
    expect(ev.map((e) => e.split('#')[0])).toEqual(['image:img_v3_meeting_a', 'image:img_v3_meeting_b']);
    expect(count("select count(*) n from audit_log where entity = 'meeting' and action = 'attach'")).toBe(2);
  });
});

describe('a visit written as a post with photos', () => {
  it('records 走访 with the pasted photos as its evidence at once', async () => {
    await start();
    const feng = exampleJson().people.find((p) => p.name === '冯志刚')!.openId!;
    await send(messageEnvelope({ text: '帮扶 01-001 @_user_2', openId: EX.office, chatId: S.chat, mention: [{ openId: feng, name: '冯志刚' }] }));
    expect(count("select count(*) n from households h join people p on p.id = h.helper_id where h.number = '01-001' and p.name = '冯志刚'")).toBe(1);
    const [r] = await send(
      postEnvelope({
        openId: feng,
        chatId: S.chat,
        messageId: 'om_visit_post_1',
        paragraphs: [[AT_BOT, { tag: 'text', text: ' 走访 01-001 入户了解生产情况' }], [{ tag: 'img', image_key: 'img_v3_visit_a' }]],
      }),
    );
    expect(textOf(r!)).toMatch(/^已记录 \d+月\d+日 对 01-001 胡学林（石门村） 的走访，附照片作为佐证。如还有照片或文件，请回复本消息发送。$/);
    const row = h.server.d.sqlite.prepare('select content, evidence from helper_visits').get() as { content: string; evidence: string };
    expect(row.content).toBe('入户了解生产情况');
    expect(JSON.parse(row.evidence)).toEqual(['image:img_v3_visit_a#om_visit_post_1']);
  });
});

describe('threads', () => {
  it('answers a command sent in a thread as a reply to that message, so it stays in the thread', async () => {
    await start();
    const thread = { rootId: 'om_root_of_thread', threadId: 'omt_1a2b3c' };
    const [r] = await send(messageEnvelope({ text: '帮助', openId: S.cadre, chatId: S.chat, messageId: 'om_in_thread_1', thread }));
    expect(r!.replyTo).toBe('om_in_thread_1');
    expect(textOf(r!)).toContain('你可以使用');
    const reply = h.fake.calls.find((c) => c.path === '/open-apis/im/v1/messages/om_in_thread_1/reply');
    expect(reply?.status).toBe(200);
  });
});

describe('message kinds the bot cannot read', () => {
  const kinds: [string, unknown][] = [
    ['sticker', { file_key: 'file_v3_sticker' }],
    ['audio', { file_key: 'file_v3_audio', duration: 2000 }],
    ['merge_forward', { content: 'Merged and Forwarded Message' }],
    ['interactive', { title: '', elements: [] }],
  ];

  it('answers each with a short Chinese hint in a private chat', async () => {
    await start();
    for (const [messageType, content] of kinds) {
      const [r] = await send(messageEnvelope({ text: '', openId: S.cadre, chatId: 'oc_p2p_cadre', chatType: 'p2p', messageType, content: JSON.stringify(content) }));
      expect(textOf(r!)).toMatch(/^我读不懂.+，请用文字发送命令，例如：进度。发送“帮助”查看可用命令。$/);
    }
    const [photo] = await send(messageEnvelope({ text: '', openId: S.cadre, chatId: 'oc_p2p_cadre', chatType: 'p2p', messageType: 'image', content: JSON.stringify({ image_key: 'img_v3_x' }) }));
    expect(textOf(photo!)).toContain('请在飞书里“回复”那条会议记录卡片或走访登记消息再发送');
  });

  it('in a group only when the bot is @-mentioned; never for system messages', async () => {
    await start();
    const sticker = { messageType: 'sticker', content: JSON.stringify({ file_key: 'file_v3_sticker' }) };
    expect(await send(messageEnvelope({ text: '', openId: S.cadre, chatId: S.chat, atBot: false, ...sticker }))).toHaveLength(0);
    const [atBot] = await send(messageEnvelope({ text: '', openId: S.cadre, chatId: S.chat, atBot: true, ...sticker }));
    expect(textOf(atBot!)).toBe('我读不懂表情，请用文字发送命令，例如：进度。发送“帮助”查看可用命令。');
    const system = { messageType: 'system', content: JSON.stringify({ template: '{from_user} invited {to_chatters} to this chat.' }) };
    expect(await send(messageEnvelope({ text: '', openId: S.cadre, chatId: 'oc_p2p_cadre', chatType: 'p2p', ...system }))).toHaveLength(0);
  });
});

describe('events that cannot be understood', () => {
  it('acknowledges a message event without a sender open_id, keeps it failed with the reason, logs id and type only', async () => {
    await start();
    const env = messageEnvelope({ text: '进度 522630197001011234', openId: S.cadre, chatId: S.chat });
    (env.event.sender.sender_id as { open_id: string | null }).open_id = null;
    expect(await send(env)).toHaveLength(0);
    const row = h.server.d.sqlite.prepare('select status, error from inbox where event_id = ?').get(env.header.event_id) as { status: string; error: string };
    expect(row.status).toBe('failed');
    expect(row.error).toBe('unreadable: event.sender.sender_id.open_id: invalid_type (expected string)');
    const line = h.log.lines.find((l) => l.startsWith('WARN event not understood'))!;
    expect(line).toContain(env.header.event_id);
    expect(line).toContain('im.message.receive_v1');
    for (const secret of ['进度', '522630', S.chat, S.cadre]) expect(line).not.toContain(secret);
  });
});

describe('the bot added to a group, removed from one, a group dissolved', () => {
  const lastTo = (receiveId: string) => h.fake.messages.filter((m) => m.receiveId === receiveId);

  it('greets a new group once, and tells the office who added it the exact 绑定 command from the group name', async () => {
    await start();
    const out = await send(chatEventEnvelope('added', { chatId: 'oc_new_gaopo', operatorOpenId: EX.office, name: '高坡村脱贫攻坚工作群' }));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ receiveIdType: 'chat_id', receiveId: 'oc_new_gaopo', replyTo: null });
    expect(textOf(out[0]!)).toBe('大家好，我是扶贫复核助手。@我 发送“帮助”查看可用命令。\n乡扶贫办：请在本群 @我 发送“绑定 高坡村”，把本群设为高坡村的村工作群。');
    const [leaders] = await send(chatEventEnvelope('added', { chatId: 'oc_new_leaders', operatorOpenId: EX.office, name: '清水乡领导工作群', operatorIds: 'empty' }));
    expect(textOf(leaders!)).toContain('发送“绑定 领导群”，把本群设为领导群');
    const [plain] = await send(chatEventEnvelope('added', { chatId: 'oc_new_plain', operatorOpenId: EX.office, name: '' }));
    expect(textOf(plain!)).toContain('“绑定 <村名>”（村名可选：石门村、岩脚村、高坡村、清水村、河坝村、新寨村、龙井村），或“绑定 领导群”“绑定 纪委群”');
  });

  it('when someone else adds it, greets and says the office should bind the group', async () => {
    await start();
    const [r] = await send(chatEventEnvelope('added', { chatId: 'oc_new_other', operatorOpenId: S.cadre, name: '石门村群' }));
    expect(textOf(r!)).toBe('大家好，我是扶贫复核助手。@我 发送“帮助”查看可用命令。\n本群还没有绑定，请乡扶贫办在本群 @我 发送“绑定 石门村”，把本群设为石门村的村工作群。');
    const [stranger] = await send(chatEventEnvelope('added', { chatId: 'oc_new_stranger', operatorOpenId: 'ou_stranger000000000000000000000', name: '随便群' }));
    expect(textOf(stranger!)).toContain('本群还没有绑定，请乡扶贫办在本群 @我 发送“绑定 <村名>”');
  });

  it('removed from a bound chat: the binding is marked gone, the office is told privately, sends there fail at once', async () => {
    await start();
    const out = await send(chatEventEnvelope('deleted', { chatId: S.chat, operatorOpenId: S.cadre, name: '石门村工作群' }));
    // each office person (the example has two), privately
    const office = (h.server.d.sqlite.prepare("select p.open_id from people p join roles r on r.person_id = p.id where r.role = 'office'").all() as { open_id: string }[]).map((r) => r.open_id);
    expect(office).toContain(EX.office);
    expect(out.map((m) => [m.receiveIdType, m.receiveId]).sort()).toEqual(office.map((o) => ['open_id', o]).sort());
    expect(textOf(out[0]!)).toBe(
      '机器人已被移出“石门村工作群”（石门村村工作群）（操作人：杨光明），该群收不到提醒和通知了。请把机器人重新拉进该群；如改用新群，请把机器人拉进新群后 @机器人 发送：绑定 石门村',
    );
    expect(h.server.d.sqlite.prepare('select reason, by from gone_chats where chat_id = ?').get(S.chat)).toEqual({ reason: 'removed', by: S.cadre });
    expect(count(`select count(*) n from audit_log where action = 'bot_removed' and entity_id = '${S.chat}'`)).toBe(1);

    // a message for that chat (a reminder, a card's follow-up) fails at once, without a call to Feishu
    const callsBefore = h.fake.calls.length;
    await h.server.d.atomic([enqueue(h.server.d, { uuid: 'u-gone-1', receiveIdType: 'chat_id', receiveId: S.chat, msgType: 'text', content: '{"text":"提醒"}' }, Date.now())]);
    await h.settle();
    expect(h.server.d.sqlite.prepare("select status, attempts, last_error from outbox where uuid = 'u-gone-1'").get()).toEqual({
      status: 'failed',
      attempts: 1,
      last_error: '机器人已被移出该群，不再发送（把机器人拉回群里后恢复）',
    });
    expect(h.fake.calls.slice(callsBefore).filter((c) => c.path.startsWith('/open-apis/im/'))).toHaveLength(0);

    // added back: deliveries resume, and the group is told it is still bound
    const [back] = await send(chatEventEnvelope('added', { chatId: S.chat, operatorOpenId: EX.office, name: '石门村工作群' }));
    expect(textOf(back!)).toBe('大家好，我是扶贫复核助手，本群已绑定为石门村村工作群，提醒和通知恢复发送。@我 发送“帮助”查看可用命令。');
    expect(count('select count(*) n from gone_chats')).toBe(0);
    const [progress] = await send(messageEnvelope({ text: '进度', openId: S.cadre, chatId: S.chat }));
    expect(JSON.parse(progress!.content).header.title.content).toBe('石门村 复核进度');
  });

  it('a bound chat dissolved with no office person known: the leaders chat is told; an unbound chat tells nobody', async () => {
    await start();
    h.server.d.sqlite.prepare("update people set open_id = null where id in (select person_id from roles where role = 'office')").run();
    const out = await send(chatEventEnvelope('disbanded', { chatId: EX.yanjiao.chat, operatorOpenId: EX.yanjiao.cadre, name: '岩脚村工作群' }));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ receiveIdType: 'chat_id', receiveId: EX.leadersChat });
    expect(textOf(out[0]!)).toBe('“岩脚村工作群”（岩脚村村工作群）已解散（操作人：龙德贵），该群收不到提醒和通知了。请建新群并拉入机器人，然后 @机器人 发送：绑定 岩脚村');
    expect(h.server.d.sqlite.prepare('select reason from gone_chats where chat_id = ?').get(EX.yanjiao.chat)).toEqual({ reason: 'disbanded' });
    expect(await send(chatEventEnvelope('deleted', { chatId: 'oc_never_bound', operatorOpenId: EX.leader }))).toHaveLength(0);
    expect(count("select count(*) n from gone_chats where chat_id = 'oc_never_bound'")).toBe(1);
    expect(lastTo('oc_never_bound')).toHaveLength(0);
  });
});

describe("the bot's own identity", () => {
  const learnt = (fakeBotOpenId: string | null) => startHarness({ env: { FEISHU_BOT_OPEN_ID: '' }, fakeBotOpenId });

  it('learns its open_id from GET /open-apis/bot/v3/info at start and then knows its mention anywhere', async () => {
    h = await learnt(BOT_OPEN_ID);
    await loadExample(h.server.d);
    expect(h.fake.calls.filter((c) => c.path === '/open-apis/bot/v3/info')).toHaveLength(1);
    expect(h.log.lines.some((l) => l.includes('机器人的 open_id 已从飞书获取（复核助手）'))).toBe(true);
    // the bot's mention at the end of the message
    const [r] = await send(messageEnvelope({ text: '', openId: S.cadre, chatId: S.chat, content: JSON.stringify({ text: '进度 @_user_1' }) }));
    expect(JSON.parse(r!.content).header.title.content).toBe('石门村 复核进度');
    // someone else mentioned first is not the bot: a message to a colleague is not answered
    const colleague = messageEnvelope({ text: '', openId: S.cadre, chatId: S.chat, atBot: false, mention: [{ openId: S.firstSecretary, name: '马超' }], content: JSON.stringify({ text: '@_user_2 帮助一下' }) });
    expect(await send(colleague)).toHaveLength(0);
    expect(h.fake.calls.filter((c) => c.path === '/open-apis/bot/v3/info')).toHaveLength(1);
  });

  it('when Feishu cannot say, starts anyway, logs a warning and takes a leading mention as the bot', async () => {
    h = await learnt(null);
    await loadExample(h.server.d);
    expect(h.log.lines.some((l) => l.startsWith('WARN could not learn the bot open_id'))).toBe(true);
    const [r] = await send(messageEnvelope({ text: '帮助', openId: S.cadre, chatId: S.chat }));
    expect(textOf(r!)).toContain('你可以使用');
  });
});

describe('old-style card callbacks (card.action.trigger_v1)', () => {
  it('runs a verified one like a new-style press and answers 200 with the toast; a repeat is answered as done', async () => {
    await start();
    const req = oldCardRequest({ openId: EX.leader, chatId: EX.leadersChat, value: { a: 'progress.refresh' } });
    const res = await fetch(`${h.url}/feishu/card`, req);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ toast: { type: 'info', content: '已刷新' } });
    expect(h.server.d.sqlite.prepare("select event_type, status from inbox where event_id like 'v1:%'").all()).toEqual([{ event_type: 'card.action.trigger', status: 'done' }]);
    const again = await fetch(`${h.url}/feishu/events`, req);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ toast: { type: 'info', content: '这次操作已经处理过了。' } });
  });

  it('acknowledges one it cannot verify with an empty 200 and a warning, processing nothing', async () => {
    await start();
    const now = Math.floor(Date.now() / 1000);
    const refused = [{ signature: 'f'.repeat(40) }, { token: 'another-token' }, { timestamp: now - 13 * 3600 }, { timestamp: now + 2 * 3600 }, { appId: 'cli_another_app' }];
    for (const opts of refused) {
      const res = await fetch(`${h.url}/feishu/card`, oldCardRequest({ openId: EX.leader, chatId: EX.leadersChat, value: { a: 'progress.refresh' } }, opts));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
    }
    expect(count('select count(*) n from inbox')).toBe(0);
    expect(h.log.lines.filter((l) => l.startsWith('WARN webhook request acknowledged but not processed'))).toHaveLength(refused.length);
    // the app's own id is fine
    const ours = await fetch(`${h.url}/feishu/card`, oldCardRequest({ openId: EX.leader, chatId: EX.leadersChat, value: { a: 'progress.refresh' } }, { appId: 'cli_test' }));
    expect(await ours.json()).toEqual({ toast: { type: 'info', content: '已刷新' } });
    expect(h.log.lines.join('\n')).not.toContain(VERIFICATION_TOKEN);
  });
});
