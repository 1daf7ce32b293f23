// `crosscheck`, `hits`, `hit confirm|dismiss` from the admin CLI, against the example township:
// every exclusion from every department that can prove it, the roster's own duplicate ID, the
// public-security register, re-runs and re-imports that add nothing, and the decisions.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEPARTMENTS,
  EXCLUSION_NAMES,
  exclusionKinds,
  type Department,
} from '../../src/core/exclusions';
import type { RosterHousehold, RosterMember } from '../../src/import/roster';
import { cli, count, exampleDb, exampleRoster, exec, footprint, rows, writeCsv } from './support';

interface Planted {
  department: Department;
  kind: string;
  exclusion: string;
  household: RosterHousehold;
  member: RosterMember;
}

let db: string;
let roster: RosterHousehold[];
const planted: Planted[] = [];
const files = new Map<Department, string>();
let registerDup: { household: RosterHousehold; member: RosterMember };
const DUP_ID = '522630199305155368'; // in 01-002 and 01-010 on purpose (examples/roster.csv)

const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;

beforeAll(async () => {
  db = await exampleDb();
  roster = await exampleRoster();
  // members of included households, not the duplicated ID, one per planted row
  const pool = roster
    .filter((h) => h.status === 'included')
    .flatMap((h) => h.members.filter((m) => m.idCard !== DUP_ID).map((m) => ({ household: h, member: m })));
  const lines = new Map<Department, string[][]>(DEPARTMENTS.map((d) => [d, []]));
  let next = 0;
  for (const k of exclusionKinds()) {
    const { household, member } = pool[next++]!;
    planted.push({ department: k.department, kind: k.kind, exclusion: k.exclusion, household, member });
    lines.get(k.department)!.push([member.idCard, member.name, k.kind, `证据 ${k.department}-${k.kind}`, '2024-06-01']);
  }
  // an applicant household is checked too
  const applicant = roster.find((h) => h.status === 'applied')!;
  planted.push({ department: '房管', kind: '商品房', exclusion: 'commercial_housing', household: applicant, member: applicant.members[0]! });
  lines.get('房管')!.push([applicant.members[0]!.idCard, applicant.members[0]!.name, '商品住房', '申请户的房', '']);
  // the population register: everybody under the right name (no hit), one under another name (a hit)
  registerDup = pool[next++]!;
  for (const h of roster) for (const m of h.members) {
    lines.get('公安')!.push([m.idCard, m === registerDup.member ? `${m.name.slice(0, 1)}某某` : m.name, '户籍', '', '']);
  }
  // rows that prove nothing
  const quiet = pool[next++]!;
  lines.get('民政')!.push([quiet.member.idCard, quiet.member.name, '低保', '', '']);
  lines.get('交管')!.push([quiet.member.idCard, quiet.member.name, '摩托车', '贵J00001', '']);
  lines.get('住建')!.push([quiet.member.idCard, quiet.member.name, '危房改造', '', '']);
  lines.get('房管')!.push(['110105199001011234'.slice(0, 17) + '9', '外乡人', '商品房', '', '']);
  for (const d of DEPARTMENTS) {
    const f = writeCsv(lines.get(d)!.filter((r) => !r[0]!.startsWith('110105')));
    files.set(d, f);
    const r = await cli(db, 'import', 'department', d, f);
    if (r.code !== 0) throw new Error(`${d}: ${r.err}`);
  }
});

const hitsBy = () =>
  rows<{ exclusion: string; department: string; n: number }>(db, 'select exclusion, department, count(*) as n from exclusion_hits group by 1, 2 order by 1, 2');

describe('crosscheck', () => {
  it('finds every exclusion from every department that can prove it, the roster duplicate and the register duplicate', async () => {
    const r = await cli(db, 'crosscheck');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const expected = new Map<string, number>();
    const add = (k: string) => expected.set(k, (expected.get(k) ?? 0) + 1);
    for (const p of planted) add(`${p.exclusion}|${p.department}`);
    add('duplicate_id|公安');
    add('duplicate_id|花名册');
    add('duplicate_id|花名册');
    expect(new Map(hitsBy().map((h) => [`${h.exclusion}|${h.department}`, h.n]))).toEqual(expected);

    // each planted row is a hit on its member, with the evidence row
    for (const p of planted) {
      const [hit] = rows<{ evidence: string; status: string; household: string }>(
        db,
        `select e.evidence, e.status, h.number as household from exclusion_hits e join households h on h.id = e.household_id
          join members m on m.id = e.member_id where m.id_card = ? and e.department = ? and e.exclusion = ?`,
        p.member.idCard,
        p.department,
        p.exclusion,
      );
      expect(hit, `${p.department} ${p.kind}`).toBeDefined();
      expect(hit!.status).toBe('open');
      expect(hit!.household).toBe(p.household.householdNo);
      expect(JSON.parse(hit!.evidence)).toMatchObject({ source: 'list', kind: p.kind, file: expect.stringMatching(/\.csv$/), row: expect.any(Number) });
    }
    // the roster's own duplicate: one hit in each of the two households, naming the other
    const dup = rows<{ number: string; evidence: string }>(
      db,
      `select h.number, e.evidence from exclusion_hits e join households h on h.id = e.household_id where e.department = '花名册' order by h.number`,
    );
    expect(dup.map((d) => [d.number, JSON.parse(d.evidence).household])).toEqual([
      ['01-002', '01-010'],
      ['01-010', '01-002'],
    ]);
    // the register: the ID number registered under another name
    const [reg] = rows<{ evidence: string }>(db, `select evidence from exclusion_hits where department = '公安' and exclusion = 'duplicate_id'`);
    expect(JSON.parse(reg!.evidence)).toMatchObject({ source: 'register', name: `${registerDup.member.name.slice(0, 1)}某某` });

    // the summary, per exclusion
    const total = [...expected.values()].reduce((s, n) => s + n, 0);
    expect(r.out).toContain(`新发现线索 ${total} 条`);
    const cars = planted.filter((p) => p.exclusion === 'car');
    const per = (d: string) => cars.filter((p) => p.department === d).length;
    expect(r.out).toContain(`汽车：新增 ${cars.length}（交管 ${per('交管')}、公安 ${per('公安')}）；待处理 ${cars.length}`);
    expect(r.out).toMatch(/身份证重复：新增 3（公安 1、花名册 2）/);
    expect(count(db, `select count(*) as n from audit_log where action = 'crosscheck' and source = 'cli:crosscheck'`)).toBe(1);
  });

  it('adds nothing on a re-run', async () => {
    const before = footprint(db);
    const r = await cli(db, 'crosscheck');
    expect(r.code).toBe(0);
    expect(r.out).toContain('新发现线索 0 条');
    const after = footprint(db);
    expect(after.hits).toBe(before.hits);
    expect(after.outbox).toBe(before.outbox);
  });

  it('adds only the new evidence when a list is replaced by a changed one', async () => {
    const before = footprint(db);
    const car = planted.find((p) => p.department === '交管')!;
    const extra = roster.find((h) => h.householdNo === '03-001' || h.village === '高坡村')!.members[0]!;
    const f = writeCsv([
      [car.member.idCard, car.member.name, car.kind, `证据 交管-${car.kind}`, '2024-06-01'],
      ...planted.filter((p) => p.department === '交管' && p !== car).map((p) => [p.member.idCard, p.member.name, p.kind, `证据 交管-${p.kind}`, '2024-06-01']),
      [extra.idCard, extra.name, '货车', '贵A99999', '2025-01-01'],
    ]);
    expect((await cli(db, 'import', 'department', '交管', f)).code).toBe(0);
    const r = await cli(db, 'crosscheck');
    expect(r.out).toContain('新发现线索 1 条');
    expect(footprint(db).hits).toBe(before.hits + 1);
    const [hit] = rows<{ evidence: string }>(db, `select e.evidence from exclusion_hits e join members m on m.id = e.member_id where m.id_card = ? and e.department = '交管'`, extra.idCard);
    expect(JSON.parse(hit!.evidence)).toMatchObject({ kind: '汽车', detail: '贵A99999', row: expect.any(Number) });
  });

  it('leaves removed households alone', async () => {
    const h = roster.find((x) => x.village === '河坝村')!;
    exec(db, `update households set status = 'removed' where number = ?`, h.householdNo);
    const f = writeCsv([[h.members[0]!.idCard, h.members[0]!.name, '个体工商户', '小卖部', '']]);
    expect((await cli(db, 'import', 'department', '工商', f)).code).toBe(0);
    const before = footprint(db).hits;
    const r = await cli(db, 'crosscheck');
    expect(r.out).toContain('新发现线索 0 条');
    expect(footprint(db).hits).toBe(before);
  });
});

describe('hits and decisions from the CLI', () => {
  const hitOf = (department: string, exclusion: string) =>
    rows<{ id: number; number: string; household_id: number }>(
      db,
      `select e.id, h.number, e.household_id from exclusion_hits e join households h on h.id = e.household_id
        where e.department = ? and e.exclusion = ? and e.status = 'open' order by e.id limit 1`,
      department,
      exclusion,
    )[0]!;

  it('lists open hits with masked ID numbers', async () => {
    const r = await cli(db, 'hits');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[待处理] #');
    expect(r.out).toContain(masked(DUP_ID));
    expect(r.out).not.toMatch(/\d{17}[\dX]/);
    expect(r.out).toMatch(/共 \d+ 条。/);
  });

  it('confirms a hit: the household is removed, the village chat told, everything audited', async () => {
    const hit = hitOf('交管', 'car');
    const before = footprint(db);
    const r = await cli(db, 'hit', 'confirm', String(hit.id), '经核实有小型汽车一辆', '（村委会证明）');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`已确认线索 #${hit.id}`);
    expect(r.out).toContain('已清退');
    const [e] = rows<{ status: string; reason: string; decided_by: string }>(db, 'select status, reason, decided_by from exclusion_hits where id = ?', hit.id);
    expect(e).toMatchObject({ status: 'confirmed', reason: '经核实有小型汽车一辆 （村委会证明）', decided_by: expect.stringMatching(/^cli:/) });
    const [h] = rows<{ status: string; removal_reason: string }>(db, 'select status, removal_reason from households where id = ?', hit.household_id);
    expect(h!.status).toBe('removed');
    expect(h!.removal_reason).toContain('六个不纳入·汽车（交管比对');
    const audits = rows<{ action: string; entity: string; before: string; after: string }>(
      db,
      `select action, entity, before, after from audit_log where source = ? order by id`,
      `cli:hit confirm ${hit.id}`,
    );
    expect(audits.map((a) => [a.action, a.entity])).toEqual([
      ['confirm', 'exclusion_hit'],
      ['remove', 'household'],
    ]);
    expect(JSON.parse(audits[1]!.before)).toMatchObject({ status: 'included' });
    expect(JSON.parse(audits[1]!.after)).toMatchObject({ status: 'removed' });
    const after = footprint(db);
    expect(after.outbox).toBe(before.outbox + 1);
    const [msg] = rows<{ receive_id: string; content: string; uuid: string }>(db, 'select receive_id, content, uuid from outbox order by id desc limit 1');
    const text = JSON.parse(msg!.content).text as string;
    expect(text).toContain('核查结果');
    expect(text).toContain('本户清退');
    expect(text).not.toMatch(/\d{17}[\dX]/);
    expect(text).toMatch(/\d{6}\*{8}[\dX]{4}/);
    const village = rows<{ chat_id: string }>(db, 'select v.chat_id from villages v join households h on h.village_id = v.id where h.id = ?', hit.household_id)[0]!;
    expect(msg!.receive_id).toBe(village.chat_id);
  });

  it('dismisses a hit with its reason and leaves the household as it was', async () => {
    const hit = hitOf('花名册', 'duplicate_id');
    const r = await cli(db, 'hit', 'dismiss', `#${hit.id}`, '同名同号系录入错误，已更正');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`已排除线索 #${hit.id}`);
    expect(rows(db, 'select status, reason from exclusion_hits where id = ?', hit.id)).toEqual([{ status: 'dismissed', reason: '同名同号系录入错误，已更正' }]);
    expect(rows(db, 'select status from households where id = ?', hit.household_id)).toEqual([{ status: 'included' }]);
    const [msg] = rows<{ content: string }>(db, 'select content from outbox order by id desc limit 1');
    expect(JSON.parse(msg!.content).text).toContain('线索不属实，已排除');
  });

  it('confirms a hit on an applicant as 不予纳入 (rejected), not 清退', async () => {
    const applicant = roster.find((h) => h.status === 'applied')!;
    const [hit] = rows<{ id: number }>(
      db,
      `select e.id from exclusion_hits e join households h on h.id = e.household_id where h.number = ? and e.status = 'open'`,
      applicant.householdNo,
    );
    const r = await cli(db, 'hit', 'confirm', String(hit!.id), '县城有商品房一套');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`申请户 ${applicant.householdNo} ${applicant.headName}户不予纳入`);
    const [h] = rows<{ status: string; qualification: string; qualification_reason: string }>(
      db,
      'select status, qualification, qualification_reason from households where number = ?',
      applicant.householdNo,
    );
    expect(h).toEqual({ status: 'rejected', qualification: 'fail', qualification_reason: expect.stringContaining('县城有商品房一套') });
    expect(rows(db, `select action from audit_log where source = ? order by id`, `cli:hit confirm ${hit!.id}`)).toEqual([{ action: 'confirm' }, { action: 'qualify' }]);
  });

  it('refuses a second decision, a missing reason and an unknown hit, writing nothing', async () => {
    const decided = rows<{ id: number }>(db, `select id from exclusion_hits where status = 'dismissed' limit 1`)[0]!;
    const open = hitOf('残联', 'fake_disability');
    const before = footprint(db);
    const a = await cli(db, 'hit', 'confirm', String(decided.id), '再确认一次');
    expect(a.code).toBe(2);
    expect(a.err).toContain('不能重复处理');
    const b = await cli(db, 'hit', 'dismiss', String(open.id));
    expect(b.code).toBe(2);
    expect(b.err).toContain('请填写排除理由');
    const c = await cli(db, 'hit', 'confirm', '99999', '理由');
    expect(c.code).toBe(1);
    expect(c.err).toContain('没有编号为 99999 的线索');
    const d = await cli(db, 'hit', 'confirm', 'abc', '理由');
    expect(d.code).toBe(2);
    expect(footprint(db)).toEqual(before);
  });

  it('lists decided hits with --all', async () => {
    const r = await cli(db, 'hits', '--all');
    expect(r.out).toContain('[已确认]');
    expect(r.out).toContain('[已排除]');
    expect(r.out).toContain(EXCLUSION_NAMES.duplicate_id);
  });
});
