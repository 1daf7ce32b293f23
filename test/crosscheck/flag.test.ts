// After the campaign's last deadline, a new hit on an included household is flagged to the
// discipline committee's chat with the household's 识别责任人, through the outbox, once: a 追责
// card (src/bot/cards/accountability.ts) for the accountability row it records.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { messageEnvelope } from '../support/events';
import { EX } from '../support/example';
import { loadExample } from '../../src/township/seed';
import type { RosterHousehold } from '../../src/import/roster';
import { cli, exampleDb, exampleRoster, exec, rows, writeCsv } from './support';

// the example campaign closes on 2026-12-20
const AFTER_CLOSE = '2026-12-21T09:00:00+08:00';
const flagsIn = (db: string) =>
  rows<{ uuid: string; receive_id: string; content: string }>(db, `select uuid, receive_id, content from outbox where msg_type = 'interactive' and content like '%追责：%' order by id`);
/** The card's text as sent (markdown inside the JSON). */
const cardText = (content: string) => JSON.stringify(JSON.parse(content));

describe('the post-campaign flag (CLI)', () => {
  let db: string;
  let roster: RosterHousehold[];
  let inspectors: string;
  beforeAll(async () => {
    db = await exampleDb();
    roster = await exampleRoster();
    inspectors = rows<{ c: string }>(db, `select inspectors_chat_id as c from townships`)[0]!.c;
  });

  const member = (no: string, i = 0) => roster.find((h) => h.householdNo === no)!.members[i]!;

  it('does not flag hits found while the campaign runs', async () => {
    const m = member('01-001');
    expect((await cli(db, 'import', 'department', '交管', writeCsv([[m.idCard, m.name, '汽车', '贵J1', '']]))).code).toBe(0);
    const r = await cli(db, 'crosscheck');
    expect(r.code).toBe(0);
    expect(flagsIn(db)).toEqual([]);
    expect(rows(db, 'select count(*) as n from exclusion_hits where flagged_at is not null')).toEqual([{ n: 0 }]);
  });

  it('flags a new hit on an included household after the close, once, with the person responsible', async () => {
    const m = member('01-004');
    const applicant = roster.find((h) => h.status === 'applied')!;
    const a = applicant.members[0]!;
    const f = writeCsv([
      [m.idCard, m.name, '个体工商户', '蒋记农资店', '2026-01-05'],
      [a.idCard, a.name, '个体工商户', '申请户的店', ''],
    ]);
    expect((await cli(db, 'import', 'department', '工商', f)).code).toBe(0);
    const r = await cli(db, 'crosscheck', '--at', AFTER_CLOSE);
    expect(r.code).toBe(0);
    expect(r.out).toContain('复核工作已结束（2026-12-20），1 条在册户的线索已报乡纪委');
    const flags = flagsIn(db);
    expect(flags).toHaveLength(1);
    expect(flags[0]!.receive_id).toBe(inspectors);
    expect(flags[0]!.uuid.length).toBeLessThanOrEqual(50);
    const text = cardText(flags[0]!.content);
    expect(text).toContain('追责：石门村 01-004 蒋应祥（新比对疑点）');
    expect(text).toContain('01-004 户主 蒋应祥');
    expect(text).toContain(`成员 ${m.name} ${m.idCard.slice(0, 6)}********${m.idCard.slice(-4)}`);
    expect(text).toContain('个体工商户——工商名单第 2 行：个体工商户 蒋记农资店（2026-01-05）');
    expect(text).toContain('**识别责任人**　王磊');
    expect(text).not.toContain(m.idCard);
    expect(rows(db, `select source, identification_owner as o from accountability`)).toEqual([{ source: 'hit', o: '王磊' }]);
    // only that hit is flagged: the one found during the campaign and the applicant's are not
    const flagged = rows<{ number: string; department: string }>(
      db,
      `select h.number, e.department from exclusion_hits e join households h on h.id = e.household_id where e.flagged_at is not null`,
    );
    expect(flagged).toEqual([{ number: '01-004', department: '工商' }]);
    // a re-run sends nothing again
    await cli(db, 'crosscheck', '--at', AFTER_CLOSE);
    expect(flagsIn(db)).toHaveLength(1);
  });

  it('records the finding when the committee’s chat is not bound, and sends its card once the chat is bound', async () => {
    exec(db, `update townships set inspectors_chat_id = null`);
    const m = member('01-005');
    expect((await cli(db, 'import', 'department', '财政', writeCsv([[m.idCard, m.name, '财政供养', '县林业局', '']]))).code).toBe(0);
    const r = await cli(db, 'crosscheck', '--at', AFTER_CLOSE);
    expect(r.err).toContain('有 1 条届后发现的线索应报乡纪委，但纪委群尚未绑定：已记下，在纪委群里发送“绑定 纪委群”后自动补报。');
    expect(flagsIn(db)).toHaveLength(1);
    expect(rows(db, `select count(*) as n from accountability`)).toEqual([{ n: 2 }]);
    exec(db, `update townships set inspectors_chat_id = ?`, inspectors);
    const again = await cli(db, 'jobs', 'run', '--at', AFTER_CLOSE);
    expect(again.code).toBe(0);
    const flags = flagsIn(db);
    expect(flags).toHaveLength(2);
    expect(cardText(flags[1]!.content)).toContain('01-005');
    // a re-run of the cross-check records and sends nothing again
    await cli(db, 'crosscheck', '--at', AFTER_CLOSE);
    await cli(db, 'jobs', 'run', '--at', AFTER_CLOSE);
    expect(flagsIn(db)).toHaveLength(2);
    expect(rows(db, `select count(*) as n from accountability`)).toEqual([{ n: 2 }]);
  });

  it('takes --at for the clock', async () => {
    const fresh = await exampleDb();
    const m = member('01-007');
    expect((await cli(fresh, 'import', 'department', '残联', writeCsv([[m.idCard, m.name, '残疾证注销', '', '']]))).code).toBe(0);
    const bad = await cli(fresh, 'crosscheck', '--at', 'tomorrow');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--at 须为时间，如 2026-12-11T09:10（不写时区按北京时间）或 2026-12-11T09:10+08:00；收到：tomorrow');
    const r = await cli(fresh, 'crosscheck', '--at', AFTER_CLOSE);
    expect(r.code).toBe(0);
    // the 残联 hit and, found for the first time too, the roster's duplicate ID in 01-002 and 01-010
    const texts = flagsIn(fresh).map((x) => cardText(x.content));
    expect(texts).toHaveLength(3);
    expect(texts.find((t) => t.includes('01-007'))).toContain('残疾证不真实——残联名单第 2 行：残疾证注销');
    expect(texts.filter((t) => t.includes('身份证重复'))).toHaveLength(2);
  });
});

describe('the post-campaign flag (chat)', () => {
  let h: Harness;
  let clock = new Date('2026-12-15T10:00:00+08:00');
  afterEach(async () => h?.close());

  it('reaches the committee’s chat when the office runs 比对 after the close', async () => {
    clock = new Date(AFTER_CLOSE);
    h = await startHarness({ now: () => clock });
    await loadExample(h.server.d);
    const m = (await exampleRoster()).find((x) => x.householdNo === '02-001')!;
    const f = writeCsv([[m.members[0]!.idCard, m.members[0]!.name, '商品房', '县城某小区', '2026-02-01']]);
    expect((await cli(h.config.DATABASE_PATH, 'import', 'department', '房管', f)).code).toBe(0);
    const res = await h.post(messageEnvelope({ text: '比对', openId: EX.office, chatId: EX.leadersChat }));
    expect(res.status).toBe(200);
    await h.settle();
    const toInspectors = h.fake.messages.filter((x) => x.receiveId === EX.inspectorsChat && x.content.includes('追责：')).map((x) => x.content);
    expect(toInspectors).toHaveLength(3); // and the roster's duplicate ID, in two households
    const text = toInspectors.find((t) => t.includes('02-001'))!;
    expect(text).toContain(`02-001 户主 ${m.headName}`);
    expect(text).toContain(`**识别责任人**　${m.identifiedBy}`);
    const card = h.fake.messages.find((x) => x.content.includes('六个不纳入比对结果'))!;
    expect(card.content).toContain('已连同识别责任人报乡纪委');
    expect(h.server.d.sqlite.prepare('select count(*) as n from exclusion_hits where flagged_at is not null and department = ?').get('房管')).toEqual({ n: 1 });
  });

  it('an included household removed by the office after the close goes to the committee with its 识别责任人, once; before the close it does not', async () => {
    clock = new Date('2026-12-15T10:00:00+08:00');
    h = await startHarness({ now: () => clock });
    await loadExample(h.server.d);
    const roster = await exampleRoster();
    // during the campaign: removed, nothing to the committee
    await h.post(messageEnvelope({ text: '清退 01-003 有汽车', openId: EX.office, chatId: EX.leadersChat }));
    await h.settle();
    clock = new Date(AFTER_CLOSE);
    const m = roster.find((x) => x.householdNo === '02-001')!;
    await h.post(messageEnvelope({ text: '清退 02-001 经暗访发现家有小汽车', openId: EX.office, chatId: EX.leadersChat }));
    await h.settle();
    const toInspectors = h.fake.messages.filter((x) => x.receiveId === EX.inspectorsChat && x.content.includes('追责：')).map((x) => x.content);
    expect(toInspectors).toHaveLength(1);
    expect(toInspectors[0]).toContain(`追责：岩脚村 02-001 ${m.headName}（乡扶贫办清退）`);
    expect(toInspectors[0]).toContain('**发现**　经暗访发现家有小汽车');
    expect(toInspectors[0]).toContain(`**识别责任人**　${m.identifiedBy}`);
    const reply = h.fake.messages.map((x) => JSON.parse(x.content).text as string).find((t) => t?.startsWith('02-001'));
    expect(reply).toContain('已连同识别责任人报乡纪委');
    const acc = h.server.d.sqlite.prepare('select source, finding, identification_owner from accountability').all();
    expect(acc).toEqual([{ source: 'removal', finding: '经暗访发现家有小汽车', identification_owner: m.identifiedBy }]);
  });
});
