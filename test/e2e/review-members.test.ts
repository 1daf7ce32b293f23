// Applicants are whole households (DESIGN §3.4), through the chat: 申请 records the members from the
// progress card's form (each checked like a roster row: a bad ID refuses the lot and records
// nothing), 成员 adds one, the 识别责任人 defaults to the cadre who reports it and only the office
// changes it (责任人, audited); the cross-check finds a member of an applicant household.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { chatDriver, textOf } from '../support/chat';
import { EX } from '../support/example';
import { loadExample } from '../../src/township/seed';
import { makeIdCard, maskIdCard } from '../../src/core/idcard';
import { cli, writeCsv } from '../crosscheck/support';

let h: Harness;
const clock = new Date('2026-12-08T01:30:00Z');
const S = EX.shimen;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
});
afterAll(async () => h?.close());

const { say, sayText, press, one, n, sqlite } = chatDriver(() => h, S.chat);
const state = () => ({ households: n('select count(*) n from households'), members: n('select count(*) n from members'), audit: n('select count(*) n from audit_log') });


const HEAD = makeIdCard('522630', '19700101', '131');
const WIFE = makeIdCard('522630', '19720305', '142');
const SON = makeIdCard('522630', '19980707', '151');
const GRANNY = makeIdCard('522630', '19450909', '162');
const BAD = `${SON.slice(0, 17)}${SON.endsWith('0') ? '1' : '0'}`; // wrong check digit

describe('whole households: members and the 识别责任人', () => {
  it('the progress card offers the application form with member rows', async () => {
    const [card] = await say('进度', S.cadre);
    const c = JSON.stringify(JSON.parse(card!.content));
    expect(c).toContain('"name":"apply_form"');
    expect(c).toContain('成员 1 与户主关系');
    expect(c).toContain('之子');
  });

  it('a bad ID number in any member refuses the application with the member named, recording nothing', async () => {
    const before = state();
    const r = await press(S.cadre, { a: 'apply.form' }, { head: '张大山', head_id: HEAD, m0_name: '李小花', m0_relation: '配偶', m0_id: WIFE, m1_name: '张小明', m1_relation: '之子', m1_id: BAD });
    expect(r.toast?.type).toBe('error');
    expect(r.toast?.content).toMatch(/^申请未登记：\n• 成员 2（张小明）的身份证号有误：/);
    expect(r.toast?.content).not.toContain(BAD);
    expect(state()).toEqual(before);
    const rel = await press(S.cadre, { a: 'apply.form' }, { head: '张大山', head_id: HEAD, m0_name: '李小花', m0_relation: '表哥', m0_id: WIFE });
    expect(rel.toast?.content).toContain('成员 1（李小花）：“表哥”不是有效的与户主关系，应为 户主/配偶/之子');
    const dup = await press(S.cadre, { a: 'apply.form' }, { head: '张大山', head_id: HEAD, m0_name: '李小花', m0_relation: '配偶', m0_id: HEAD });
    expect(dup.toast?.content).toContain('成员 1（李小花）的身份证号与户主（张大山）相同，同一户内成员不能重复。');
    const half = await press(S.cadre, { a: 'apply.form' }, { head: '张大山', head_id: HEAD, m0_name: '李小花' });
    expect(half.toast?.content).toContain('成员 1（李小花）没有填写与户主关系');
    // someone already in a roster household
    const rosterId = one<{ id_card: string }>("select m.id_card from members m join households h on h.id = m.household_id where h.number = '01-001' limit 1").id_card;
    const taken = await press(S.cadre, { a: 'apply.form' }, { head: '张大山', head_id: HEAD, m0_name: '王某', m0_relation: '之女', m0_id: rosterId });
    expect(taken.toast?.content).toContain('王某的身份证号已登记在 01-001 户');
    expect(state()).toEqual(before);
  });

  it('records the household with every member and the reporting cadre as 识别责任人', async () => {
    const r = await press(S.cadre, { a: 'apply.form' }, { head: '张大山', head_id: HEAD, note: '家中无劳力', m0_name: '李小花', m0_relation: '配偶', m0_id: WIFE, m1_name: '张小明', m1_relation: '之子', m1_id: SON });
    expect(r.toast).toEqual({ type: 'success', content: '已登记申请。' });
    const reply = textOf(h.fake.messages.at(-1)!);
    expect(reply).toBe(
      `已登记 张大山 的申请，编号 石门村-申01（身份证 ${maskIdCard(HEAD)}），识别责任人 杨光明。\n家庭成员 2 人：李小花（配偶，身份证 ${maskIdCard(WIFE)}）、张小明（之子，身份证 ${maskIdCard(SON)}）\n下一步：资格 石门村-申01 通过|不通过 <理由>`,
    );
    expect(sqlite().prepare("select m.name, m.relation from members m join households h on h.id = m.household_id where h.number = '石门村-申01' order by m.id").all()).toEqual([
      { name: '张大山', relation: 'head' },
      { name: '李小花', relation: 'spouse' },
      { name: '张小明', relation: 'son' },
    ]);
    expect(one('select identification_owner from households where number = ?', '石门村-申01')).toEqual({ identification_owner: '杨光明' });
    const audit = one<{ after: string }>("select after from audit_log where action = 'apply' and entity_id = '石门村-申01'");
    expect(audit.after).not.toContain(WIFE);
  });

  it('成员 adds a member checked the same way; a bad ID or a roster household is refused', async () => {
    const before = state();
    expect(await sayText(`成员 张大山 王奶奶 之母 ${BAD}`, S.cadre)).toMatch(/^成员未登记：成员（王奶奶）的身份证号有误：/);
    expect(await sayText(`成员 张大山 李小花 配偶 ${WIFE}`, S.cadre)).toBe('成员未登记：李小花的身份证号已在本户成员中，同一户内成员不能重复。');
    expect(await sayText(`成员 01-001 王奶奶 之母 ${GRANNY}`, S.cadre)).toContain('是在册户，成员以花名册为准');
    expect(await sayText(`成员 张大山 王奶奶 户主 ${GRANNY}`, S.cadre)).toBe('成员未登记：本户已有户主，只能有一名户主。');
    expect(await sayText('成员 张大山 王奶奶', S.cadre)).toContain('用法：成员 <户> <姓名> <与户主关系> <身份证号>');
    expect(state()).toEqual(before);
    expect(await sayText(`成员 张大山 王奶奶 之母 ${GRANNY}`, S.cadre)).toBe(`已登记 石门村-申01 张大山 户成员：王奶奶（之母，身份证 ${maskIdCard(GRANNY)}）。本户共 4 人。`);
  });

  it('申请 by text also names the reporting cadre; every household has a 识别责任人', async () => {
    expect(await sayText('申请 李四 家里房子塌了', S.packageCadre)).toContain('识别责任人 王磊');
    expect(n("select count(*) n from households where identification_owner is null or identification_owner = ''")).toBe(0);
  });

  it('only the office changes the 识别责任人, and it is audited', async () => {
    const before = state();
    expect(await sayText('责任人 石门村-申01 王磊', S.cadre)).toContain('只有乡扶贫办');
    expect(state()).toEqual(before);
    expect(await sayText('责任人 石门村-申01 王磊', EX.office, EX.leadersChat)).toBe('石门村-申01 张大山 的识别责任人已由 杨光明 改为 王磊。');
    expect(one('select identification_owner from households where number = ?', '石门村-申01')).toEqual({ identification_owner: '王磊' });
    const a = one<{ before: string; after: string; actor: string }>("select before, after, actor from audit_log where action = 'set_owner'");
    expect(JSON.parse(a.before)).toEqual({ identificationOwner: '杨光明' });
    expect(JSON.parse(a.after)).toEqual({ identificationOwner: '王磊' });
    expect(a.actor).toContain('周建华');
    expect(await sayText('责任人 石门村-申01', EX.office, EX.leadersChat)).toContain('用法：责任人 <户> <姓名>');
  });

  it('the cross-check covers the applicants’ members', async () => {
    const f = writeCsv([[WIFE, '李小花', '商品房', '县城某小区', '2026-02-01']]);
    expect((await cli(h.config.DATABASE_PATH, 'import', 'department', '房管', f)).code).toBe(0);
    const [card] = await say('比对', EX.office, EX.leadersChat);
    expect(card!.content).toContain('| 商品房/政策性住房/城镇自建房 | 1（房管 1） | 1 |');
    const hit = one<{ name: string; number: string }>(
      "select m.name, h.number from exclusion_hits e join members m on m.id = e.member_id join households h on h.id = e.household_id where e.department = '房管'",
    );
    expect(hit).toEqual({ name: '李小花', number: '石门村-申01' });
  });
});
