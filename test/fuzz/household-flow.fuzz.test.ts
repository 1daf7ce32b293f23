// Property test of the household state machine (src/core/household-flow.ts) through the real
// handlers: random sequences of the procedure's commands and card presses, in any order, on
// random days, from the village's people and the office, against a real SQLite file of the
// example township cut down to one village (石门村). Afterwards every household has a status of
// the table, none is left waiting for a step that has already been taken (stranded), and the
// recorded steps keep the procedure's order and dates.
import { describe, it, expect, beforeAll } from 'vitest';
import { copyFileSync } from 'node:fs';
import fc from 'fast-check';
import { createBot } from '../../src/bot/index';
import { runCardAction, runMessage } from '../../src/bot/dispatch';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { memoryLogger } from '../../src/log';
import { loadExample } from '../../src/township/seed';
import { AT_BOT, cardEnvelope, messageEnvelope, postEnvelope } from '../support/events';
import { tempDbPath } from '../support/harness';
import { EX } from '../support/example';
import { HOUSEHOLD_STATUSES, strandedBy, type StepsTaken } from '../../src/core/household-flow';
import { DEPARTMENTS } from '../../src/core/exclusions';

const bot = createBot();
const log = memoryLogger();
const S = EX.shimen;
let template = '';

beforeAll(async () => {
  template = tempDbPath();
  const d = openSqlite(template);
  await loadExample(d);
  // one village: the township's gates then depend on it alone
  d.sqlite.pragma('foreign_keys = OFF');
  const keep = "(select id from villages where name = '石门村')";
  d.sqlite.exec(`
    delete from members where household_id in (select id from households where village_id != ${keep});
    delete from households where village_id != ${keep};
    delete from roles where village_id != 0 and village_id != ${keep};
    delete from villages where id != ${keep};`);
  d.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  d.sqlite.close();
});

type Cmd =
  | { k: 'say'; who: 'cadre' | 'pc' | 'fs' | 'office'; where: 'village' | 'leaders'; text: string; pick?: number }
  | { k: 'confirm'; as: 'first_secretary' | 'package_cadre' | 'package_cadre_sign' | 'township_sign'; pick: number }
  | { k: 'lists' };

const dateWord = fc.option(fc.integer({ min: 5, max: 28 }).map((d) => `12-${String(d).padStart(2, '0')}`), { nil: undefined });
const meeting = fc
  .tuple(fc.constantFrom('村民大会', '村民代表大会', '两委会议'), fc.constantFrom('应到100 实到80 % 无缺席', '应到100 实到60 %', '应到100 实到80 % 缺席意见：外出', '应到7 实到7'), dateWord)
  .map(([k, n, d]) => `会议 ${k} ${n}${d ? ` ${d}` : ''}`);
const villageText = fc.oneof(
  fc.constantFrom('申请 王小二 家中困难', '申请 李大姐', '完成 资格复审', '完成 评议公示', '资料 已填报', '公示 异议 01-003 有车', '公示 处理 1 已核实'),
  fc.constantFrom('资格 # 通过 符合条件', '资格 # 不通过 有房'),
  meeting,
  dateWord.map((d) => `公示 开始${d ? ` ${d}` : ''}`),
);
const officeText = fc.oneof(
  fc.constantFrom('完成 乡审核', '比对', '县批准 #', '清退 # 核实有车', '核查 排除 1 登记错误', '核查 确认 1 属实'),
  dateWord.map((d) => `乡会议${d ? ` ${d}` : ''}`),
  dateWord.map((d) => `公示 开始${d ? ` ${d}` : ''}`),
);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('cadre', 'pc', 'fs') as fc.Arbitrary<'cadre' | 'pc' | 'fs'>, villageText, fc.nat(5)).map(([who, text, pick]) => ({ k: 'say' as const, who, where: 'village' as const, text, pick })) },
  { weight: 3, arbitrary: fc.tuple(officeText, fc.nat(5)).map(([text, pick]) => ({ k: 'say' as const, who: 'office' as const, where: 'leaders' as const, text, pick })) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('first_secretary', 'package_cadre', 'package_cadre_sign', 'township_sign') as fc.Arbitrary<'first_secretary' | 'package_cadre' | 'package_cadre_sign' | 'township_sign'>, fc.nat(3)).map(([as, pick]) => ({ k: 'confirm' as const, as, pick })) },
  { weight: 1, arbitrary: fc.constant({ k: 'lists' as const }) },
);
/** a command and the days the clock moves before it */
const step = fc.tuple(cmd, fc.constantFrom(0, 0, 0, 1, 1, 2, 3));

const people = { cadre: S.cadre, pc: S.packageCadre, fs: S.firstSecretary, office: EX.office };

async function run(d: SqliteDatabase, c: Cmd, now: Date) {
  const deps = { d, bot, log, botOpenId: 'ou_bot000000000000000000000000000', now: () => now };
  if (c.k === 'lists') {
    const ins = d.sqlite.prepare("insert into department_lists (township_id, department, file_name, rows, active, imported_by, imported_at) values ((select id from townships), ?, 'f.csv', 0, 1, 'fuzz', ?)");
    d.sqlite.prepare('update department_lists set active = 0').run();
    for (const dep of DEPARTMENTS) ins.run(dep, now.getTime());
    return;
  }
  if (c.k === 'confirm') {
    const ms = d.sqlite.prepare('select card_message_id m from meetings order by id desc').all() as { m: string }[];
    if (!ms.length) return;
    const m = ms[c.pick % ms.length]!.m;
    if (c.as === 'township_sign') {
      await runCardAction(deps, cardEnvelope({ openId: EX.office, chatId: S.chat, value: { a: 'meeting.township_sign', m } }) as never, null);
      return;
    }
    const who = c.as === 'first_secretary' ? S.firstSecretary : S.packageCadre;
    await runCardAction(deps, cardEnvelope({ openId: who, chatId: S.chat, value: { a: 'meeting.confirm', m, as: c.as } }) as never, null);
    return;
  }
  let text = c.text;
  if (text.includes('#')) {
    const hs = d.sqlite.prepare('select number from households where applicant = 1 order by id').all() as { number: string }[];
    text = text.replace('#', hs.length ? hs[(c.pick ?? 0) % hs.length]!.number : '无此户');
  }
  if (text.includes('%')) {
    // each applicant awaiting the vote, by name (村民代表大会: those through the assembly)
    const status = text.includes('村民代表大会') ? 'assembly_passed' : 'qualified';
    const tally = /实到(\d+)/.exec(text)?.[1] === '28' ? '同意20 反对5' : '同意50 反对5';
    const names = (d.sqlite.prepare('select head_name from households where applicant = 1 and status = ?').all(status) as { head_name: string }[]).map((x) => `${x.head_name} ${tally}`);
    text = text.replace('%', names.join(' ') || tally);
  }
  const chatId = c.where === 'village' ? S.chat : EX.leadersChat;
  // a meeting comes with the photo of its signed resolution in the same post
  const env = text.startsWith('会议 ')
    ? postEnvelope({ openId: people[c.who], chatId, paragraphs: [[AT_BOT, { tag: 'text', text: ` ${text}` }], [{ tag: 'img', image_key: 'img_fuzz' }]] })
    : messageEnvelope({ text, openId: people[c.who], chatId });
  const ctx = await runMessage(deps, env as never, null);
  expect(ctx!.outgoing.length).toBeGreaterThanOrEqual(1);
}

function check(d: SqliteDatabase) {
  const q = <T>(sql: string) => d.sqlite.prepare(sql).all() as T[];
  const stages = new Set(q<{ s: string; v: number }>('select stage s, village_id v from stage_progress').map((r) => `${r.v === 0 ? 't' : 'v'}:${r.s}`));
  const valid = new Set(q<{ kind: string }>('select kind from meetings where valid = 1').map((r) => r.kind));
  const villageNotice = q('select 1 from notices where village_id != 0').length > 0;
  const taken: StepsTaken = {
    qualification_review: stages.has('v:qualification_review'),
    villagers_assembly: valid.has('villagers_assembly'),
    representatives: valid.has('representatives'),
    two_committees: valid.has('two_committees'),
    village_notice: villageNotice,
    village_evaluation: stages.has('v:village_evaluation'),
    township_review: stages.has('t:township_review'),
  };
  for (const h of q<{ number: string; status: string; rejected_step: string | null; applicant: number }>('select number, status, rejected_step, applicant from households')) {
    expect(HOUSEHOLD_STATUSES, h.number).toContain(h.status);
    expect(strandedBy(h.status, taken), `${h.number} ${h.status} stranded`).toBeNull();
  }
  // the order: each step only after the one before it, never dated before it
  const order = ['villagers_assembly', 'representatives', 'two_committees'];
  const dates = q<{ kind: string; date: string }>('select kind, min(date) date from meetings where valid = 1 group by kind');
  const dateOf = (k: string) => dates.find((x) => x.kind === k)?.date;
  for (let i = 1; i < order.length; i++) {
    if (valid.has(order[i]!)) {
      expect(valid.has(order[i - 1]!), `${order[i]} without ${order[i - 1]}`).toBe(true);
      expect(dateOf(order[i]!)! >= dateOf(order[i - 1]!)!).toBe(true);
    }
  }
  if (q('select 1 from meetings').length) expect(taken.qualification_review).toBe(true);
  const notice = q<{ start_date: string }>('select start_date from notices where village_id != 0')[0];
  if (notice) {
    expect(valid.has('two_committees')).toBe(true);
    expect(notice.start_date >= dateOf('two_committees')!).toBe(true);
  }
  for (const m of q<{ date: string; created: string }>("select date, date(created_at / 1000 + 8 * 3600, 'unixepoch') created from meetings")) {
    expect(m.date >= '2026-12-08' && m.date <= m.created).toBe(true);
  }
  if (taken.village_evaluation) expect(taken.village_notice).toBe(true);
  if (taken.township_review) expect(taken.village_evaluation).toBe(true);
}

describe('household flow through random command sequences', () => {
  it('never leaves a household in a status outside the table or stranded, and keeps the order', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 40 }), async (steps) => {
        runs++;
        const path = tempDbPath();
        copyFileSync(template, path);
        const d = openSqlite(path);
        try {
          let day = 8;
          for (const [c, advance] of steps) {
            day = Math.min(28, day + advance);
            await run(d, c, new Date(`2026-12-${String(day).padStart(2, '0')}T02:00:00Z`));
          }
          check(d);
        } finally {
          d.sqlite.close();
        }
      }),
      { numRuns: 60 },
    );
    expect(runs).toBeGreaterThanOrEqual(60);
  }, 120_000);

  it('walks the procedure to the end when the commands come in order (the property can see every status)', async () => {
    const path = tempDbPath();
    copyFileSync(template, path);
    const d = openSqlite(path);
    const at = (day: number) => new Date(`2026-12-${String(day).padStart(2, '0')}T02:00:00Z`);
    const v = (who: 'cadre' | 'pc' | 'fs', text: string, pick = 0): Cmd => ({ k: 'say', who, where: 'village', text, pick });
    const o = (text: string, pick = 0): Cmd => ({ k: 'say', who: 'office', where: 'leaders', text, pick });
    const applicants = () => (d.sqlite.prepare('select number from households where applicant = 1 order by id').all() as { number: string }[]).length;
    const seen = new Set<string>();
    const note = () => {
      for (const r of d.sqlite.prepare('select status from households').all() as { status: string }[]) seen.add(r.status);
      check(d);
    };
    try {
      await run(d, v('cadre', '申请 王小二 家中困难'), at(8));
      for (let i = 0; i < applicants(); i++) await run(d, v('cadre', '资格 # 通过 符合条件', i), at(8));
      note();
      for (const c of [v('cadre', '完成 资格复审'), v('pc', '会议 村民大会 应到100 实到80 % 无缺席'), { k: 'confirm', as: 'first_secretary', pick: 0 } as Cmd]) await run(d, c, at(9));
      note();
      for (const c of [v('pc', '会议 村民代表大会 应到30 实到28 %'), { k: 'confirm', as: 'first_secretary', pick: 0 } as Cmd]) await run(d, c, at(9));
      note();
      for (const c of [v('pc', '会议 两委会议 应到7 实到7'), { k: 'confirm', as: 'first_secretary', pick: 0 } as Cmd, { k: 'confirm', as: 'township_sign', pick: 0 } as Cmd, v('pc', '资料 已填报')]) {
        await run(d, c, at(9));
      }
      note();
      await run(d, v('pc', '公示 开始'), at(10));
      note();
      await run(d, v('pc', '完成 评议公示'), at(16));
      note();
      for (const c of [{ k: 'lists' } as Cmd, o('比对')]) await run(d, c, at(17));
      for (const { id } of d.sqlite.prepare("select id from exclusion_hits where status = 'open'").all() as { id: number }[]) await run(d, o(`核查 排除 ${id} 登记错误`), at(17));
      for (const c of [o('乡会议'), o('公示 开始'), o('完成 乡审核')]) await run(d, c, at(17));
      note();
      for (let i = 0; i < applicants(); i++) await run(d, o('县批准 #', i), at(23));
      note();
      for (const s of ['qualified', 'assembly_passed', 'representatives_passed', 'evaluated', 'on_notice', 'passed_notice', 'township_approved', 'county_approved', 'included']) {
        expect(seen, s).toContain(s);
      }
    } finally {
      d.sqlite.close();
    }
  }, 60_000);
});
