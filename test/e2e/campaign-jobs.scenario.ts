// A whole campaign of scheduled jobs (DESIGN §7) with a fake clock, 12-07 to 12-22, on the real
// Node server, SQLite file and Lark SDK against the fake Feishu. Three villages: 石门村 on time,
// 岩脚村 late on village_evaluation, 清水村 never reports. Run by two test files that set the
// process time zone first (UTC and America/New_York): nothing may depend on it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { resolve } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { loadConfig, type Config } from '../../src/config';
import { startNodeServer, type NodeServer } from '../../src/node';
import { memoryLogger } from '../../src/log';
import { countInbox } from '../../src/store/inbox';
import { outboxCounts } from '../../src/store/outbox';
import { loadTownship } from '../../src/township/load';
import { importRoster } from '../../src/township/roster-store';
import { readRoster } from '../../src/import/roster';
import { EXAMPLES_DIR } from '../../src/township/seed';
import { addDays, cstMidnightUtc, formatCn, type CalendarDate } from '../../src/core/dates';
import { runJobs } from '../../src/jobs/run';
import { SendPacer } from '../../src/core/ratelimit';
import { openSqlite } from '../../src/store/sqlite';
import { runCli } from '../../src/cli/main';
import { alerts, inspections, jobRuns, stageProgress, villages } from '../../db/schema/index';
import { startFakeFeishu, type FakeFeishu, type SentMessage } from '../support/fake-feishu';
import { BOT_OPEN_ID, ENCRYPT_KEY, VERIFICATION_TOKEN, cardEnvelope, messageEnvelope, signedRequest } from '../support/events';
import { tempDbPath } from '../support/harness';
import { EX, exampleJson } from '../support/example';

/** The instant of a CST wall-clock time, built without the process time zone. */
export const at = (date: CalendarDate, hhmm: string): Date => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return new Date(cstMidnightUtc(date).getTime() + (h * 60 + m) * 60_000);
};

const QR = '资格复审';
const VE = '评议公示';
const [SM, YJ, QS] = ['石门村', '岩脚村', '清水村'];
const YANG = '杨国平';
const LUO = '罗文军';

// What each day's jobs send (09:10 and 18:10 CST), as `<to> <card title>`.
const remind = (chat: string, v: string, stage: string, left: number) =>
  left === 0 ? `${chat} 今天截止：${v}「${stage}」` : `${chat} 复核提醒：${v}「${stage}」还剩 ${left} 天`;
const overdue = (chat: string, v: string, stage: string, late: number) => [
  `纪委群 逾期通报：${v}「${stage}」逾期 ${late} 天`,
  `${chat} 逾期：${v}「${stage}」已逾期 ${late} 天`,
];
const esc = (v: string, stage: string, late: number) => `纪委群 再次督办：${v}「${stage}」逾期 ${late} 天`;
const digests = (day: CalendarDate) => [
  `领导群 清水乡 每日复核进度（${formatCn(day)}）`,
  `私信${YANG} ${YANG} 包片村每日进度（${formatCn(day)}）`,
  `私信${LUO} ${LUO} 包片村每日进度（${formatCn(day)}）`,
];

// The ongoing duties (helpers, classification, help cards, visits, exit plans; all due with the
// village stage, 12-17) stay open in all three villages: reminded D-2..D, flagged daily after.
const dutyReminders = () => [SM, YJ, QS].map((v) => `${v} 帮扶工作提醒：${v}`);
const dutyOverdue = () => [SM, YJ, QS].flatMap((v) => [`${v} 帮扶工作逾期：${v}`, `纪委群 帮扶工作逾期通报：${v}`]);

export const EXPECTED: Record<CalendarDate, string[]> = {
  '2026-12-07': [],
  '2026-12-08': [remind(SM, SM, QR, 2), remind(YJ, YJ, QR, 2), remind(QS, QS, QR, 2), ...digests('2026-12-08')],
  '2026-12-09': [remind(YJ, YJ, QR, 1), remind(QS, QS, QR, 1), ...digests('2026-12-09')],
  '2026-12-10': [remind(QS, QS, QR, 0), ...digests('2026-12-10')],
  '2026-12-11': [...overdue(QS, QS, QR, 1), ...digests('2026-12-11')],
  '2026-12-12': [...overdue(QS, QS, QR, 2), ...digests('2026-12-12')],
  '2026-12-13': [...overdue(QS, QS, QR, 3), ...digests('2026-12-13')],
  // acknowledged 12-11 (card) → escalated on 12-11 + 3
  '2026-12-14': [...overdue(QS, QS, QR, 4), esc(QS, QR, 4), ...digests('2026-12-14')],
  '2026-12-15': [remind(SM, SM, VE, 2), remind(YJ, YJ, VE, 2), remind(QS, QS, VE, 2), ...overdue(QS, QS, QR, 5), ...digests('2026-12-15'), ...dutyReminders()],
  // the server is down all day until 20:00: the start-up run sends the whole day once
  '2026-12-16': [remind(YJ, YJ, VE, 1), remind(QS, QS, VE, 1), ...overdue(QS, QS, QR, 6), ...digests('2026-12-16'), ...dutyReminders()],
  '2026-12-17': [remind(YJ, YJ, VE, 0), remind(QS, QS, VE, 0), ...overdue(QS, QS, QR, 7), ...digests('2026-12-17'), ...dutyReminders()],
  // acknowledged again 12-15 (督办 by text) → escalated on 12-18
  '2026-12-18': [...overdue(YJ, YJ, VE, 1), ...overdue(QS, QS, VE, 1), ...overdue(QS, QS, QR, 8), esc(QS, QR, 8), ...digests('2026-12-18'), ...dutyOverdue()],
  '2026-12-19': [...overdue(YJ, YJ, VE, 2), ...overdue(QS, QS, VE, 2), ...overdue(QS, QS, QR, 9), ...digests('2026-12-19'), ...dutyOverdue()],
  '2026-12-20': [...overdue(QS, QS, VE, 3), ...overdue(QS, QS, QR, 10), ...digests('2026-12-20'), ...dutyOverdue()],
  // after the campaign: no digest; 清水村's evaluation was acknowledged 12-18 → escalated 12-21;
  // the township never submitted its report (county_report, due 12-20)
  '2026-12-21': [...overdue(QS, QS, VE, 4), ...overdue(QS, QS, QR, 11), esc(QS, VE, 4), '纪委群 逾期通报：乡级「上报存档」逾期 1 天', ...dutyOverdue()],
  '2026-12-22': [...overdue(QS, QS, VE, 5), ...overdue(QS, QS, QR, 12), '纪委群 逾期通报：乡级「上报存档」逾期 2 天', ...dutyOverdue()],
};

/** The three-village township: the example's 石门村, 岩脚村, 清水村; 清水村 under 罗文军. */
async function loadThreeVillages(s: NodeServer) {
  const t = exampleJson();
  const keep = new Set([SM, YJ, QS]);
  t.villages = t.villages.filter((v) => keep.has(v.name)).map((v) => (v.name === QS ? { ...v, areaLeader: LUO } : v));
  t.people = t.people
    .map((p) => ({ ...p, roles: p.roles.filter((r) => !r.village || keep.has(r.village)) }))
    .filter((p) => p.roles.length > 0);
  await loadTownship(s.d, t, { api: null, actor: 'test', source: 'test' });
  const roster = await readRoster(resolve(EXAMPLES_DIR, 'roster.csv'), {});
  if (!roster.ok) throw new Error('roster');
  await importRoster(s.d, 'qingshui', roster.households.filter((h) => keep.has(h.village)), { actor: 'test', source: 'test' });
}

export function campaignSuite(tz: string, offsetMinutesInDecember: number) {
  describe(`a whole campaign of scheduled jobs, process TZ=${tz}`, () => {
    let fake: FakeFeishu;
    let server: NodeServer;
    let config: Config;
    let clock = at('2026-12-07', '08:00');
    const log = memoryLogger();
    const dbPath = tempDbPath();
    const ids: Record<string, number> = {};
    const labels = new Map<string, string>();

    const start = async () => {
      // Feishu's limits are the sender's business (tested there); here they would only slow the days down.
      server = await startNodeServer(config, log, { now: () => clock, cron: false, pacer: new SendPacer([{ limit: 1000, ms: 1000 }], [{ limit: 1000, ms: 1000 }]) });
    };
    const post = (payload: unknown, path = '/feishu/events') => fetch(`http://127.0.0.1:${server.port}${path}`, signedRequest(payload));
    const settle = async () => {
      for (let i = 0; i < 200; i++) {
        await server.sweep();
        await server.sender.drainAll();
        if ((await countInbox(server.d)).pending === 0 && (await outboxCounts(server.d)).pending === 0) return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('did not settle');
    };
    const count = (sql: string) => (server.d.sqlite.prepare(sql).get() as { n: number }).n;
    const describeMsg = (m: SentMessage) => {
      const c = JSON.parse(m.content) as { header?: { title: { content: string } }; text?: string };
      return `${labels.get(m.receiveId) ?? m.receiveId} ${c.header?.title.content ?? c.text}`;
    };
    const sendCalls = () => fake.calls.filter((c) => /^\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(c.path)).length;

    /** Runs the cron tick at a CST time, twice: the second run must change nothing. */
    async function tickAt(day: CalendarDate, hhmm: string): Promise<string[]> {
      clock = at(day, hhmm);
      const before = fake.messages.length;
      await server.tick(clock);
      await settle();
      const sent = fake.messages.slice(before);
      const rows = count('select count(*) n from outbox');
      const runs = count('select count(*) n from job_runs');
      await server.tick(clock);
      await settle();
      expect(fake.messages.length).toBe(before + sent.length);
      expect([count('select count(*) n from outbox'), count('select count(*) n from job_runs')]).toEqual([rows, runs]);
      return sent.map(describeMsg);
    }

    const findCard = (title: string) => {
      const m = fake.messages.find((x) => x.content.includes(`"content":"${title}"`));
      if (!m) throw new Error(`no card titled ${title}`);
      return { m, card: JSON.parse(m.content) as Record<string, unknown> };
    };
    const buttonValue = (card: Record<string, unknown>, action: string): Record<string, unknown> => {
      const found = JSON.stringify(card).match(new RegExp(`\\{"a":"${action.replace('.', '\\.')}"[^}]*\\}`));
      if (!found) throw new Error(`no ${action} button`);
      return JSON.parse(found[0]) as Record<string, unknown>;
    };
    const press = async (openId: string, messageId: string, value: Record<string, unknown>, form?: Record<string, unknown>) => {
      const res = await post(cardEnvelope({ openId, chatId: EX.inspectorsChat, value, form, messageId }), '/feishu/card');
      expect(res.status).toBe(200);
      return (await res.json()) as { toast?: { type: string; content: string }; card?: { data: Record<string, unknown> } };
    };
    const say = async (text: string, openId: string, chatId: string) => {
      const before = fake.messages.length;
      expect((await post(messageEnvelope({ text, openId, chatId }))).status).toBe(200);
      await settle();
      return fake.messages.slice(before).map((m) => JSON.parse(m.content).text as string);
    };
    const markDone = async (village: string | null, stage: string, day: CalendarDate) => {
      clock = at(day, '20:00');
      await server.d.db.insert(stageProgress).values({
        townshipId: 'qingshui',
        villageId: village === null ? 0 : ids[village]!,
        stage,
        doneAt: clock.getTime(),
        doneBy: 'ou_test',
        source: 'test',
      });
    };

    // What people do during the campaign, after the day's 09:10 tick (morning) or 18:10 (evening).
    const morning: Record<CalendarDate, () => Promise<void>> = {
      '2026-12-11': async () => {
        clock = at('2026-12-11', '10:00');
        const { m, card } = findCard(`逾期通报：${QS}「${QR}」逾期 1 天`);
        // Only the discipline committee may acknowledge.
        const refused = await press(EX.leader, m.messageId, buttonValue(card, 'alert.ack'));
        expect(refused.toast?.type).toBe('error');
        expect(refused.toast?.content).toContain('只有乡纪委');
        const ack = await press(EX.inspector, m.messageId, buttonValue(card, 'alert.ack'));
        expect(ack.toast).toEqual({ type: 'success', content: '已督办。3 天后仍未完成的，将再次督办。' });
        const updated = JSON.stringify(ack.card!.data);
        expect(updated).toContain('已督办**　陈静，12月11日 10:00');
        expect(updated).not.toContain('"a":"alert.ack"');
        expect(updated).toContain('"a":"alert.inspect_form"');
        const row = await server.d.db.select().from(alerts).where(and(eq(alerts.villageId, ids[QS]!), eq(alerts.date, '2026-12-11')));
        expect(row).toMatchObject([{ stage: 'qualification_review', ackBy: EX.inspector, ackAt: clock.getTime(), ackDate: '2026-12-11' }]);
        // A second press says who did it, and changes nothing.
        const again = await press(EX.inspector, m.messageId, buttonValue(card, 'alert.ack'));
        expect(again.toast).toEqual({ type: 'info', content: '已由 陈静 于 12月11日 10:00 督办。' });
        // 记录督查: the form, then its submission.
        const formCard = await press(EX.inspector, m.messageId, buttonValue(card, 'alert.inspect_form'));
        const formJson = JSON.stringify(formCard.card!.data);
        expect(formJson).toContain('"tag":"form"');
        expect(formJson).toContain('"name":"finding"');
        expect(formJson).toContain('"name":"action"');
        const empty = await press(EX.inspector, m.messageId, buttonValue(formCard.card!.data, 'alert.inspect'), { finding: ' ' });
        expect(empty.toast).toEqual({ type: 'error', content: '请填写督查发现。' });
        const saved = await press(EX.inspector, m.messageId, buttonValue(formCard.card!.data, 'alert.inspect'), {
          finding: '暗访：3 户申请未入户核实',
          action: '约谈村支书，限 12月12日 前完成',
        });
        expect(saved.toast).toEqual({ type: 'success', content: '已记录督查。' });
        expect(JSON.stringify(saved.card!.data)).toContain('督查记录**（陈静，12月11日 10:00）：暗访：3 户申请未入户核实；措施：约谈村支书，限 12月12日 前完成');
        const rows = await server.d.db.select().from(inspections);
        expect(rows).toMatchObject([{ villageId: ids[QS], finding: '暗访：3 户申请未入户核实', action: '约谈村支书，限 12月12日 前完成', recordedBy: EX.inspector }]);
        expect(count("select count(*) n from audit_log where action in ('acknowledge', 'inspect') and source like 'card:%'")).toBe(2);
      },
      '2026-12-15': async () => {
        clock = at('2026-12-15', '10:00');
        const [reply] = await say(`督办 ${QS} 资格复审仍未完成，已约谈村支书`, EX.inspector, EX.inspectorsChat);
        expect(reply).toBe(
          `已记录对 ${QS} 的督查：资格复审仍未完成，已约谈村支书\n已督办 ${QS}「${QR}」逾期通报 4 条（12月15日）。3 天后仍未完成的，将再次督办。`,
        );
        expect(count(`select count(*) n from alerts where village_id = ${ids[QS]} and ack_date = '2026-12-15'`)).toBe(4);
        expect(count('select count(*) n from inspections')).toBe(2);
        const [refused] = await say(`督办 ${QS} 看看`, EX.shimen.cadre, EX.shimen.chat);
        expect(refused).toContain('只有乡纪委');
        const [usage] = await say('督办 不存在村', EX.inspector, EX.inspectorsChat);
        expect(usage).toContain('本乡没有“不存在村”');
      },
      '2026-12-18': async () => {
        clock = at('2026-12-18', '10:00');
        const { m, card } = findCard(`逾期通报：${QS}「${VE}」逾期 1 天`);
        expect((await press(EX.inspector, m.messageId, buttonValue(card, 'alert.ack'))).toast?.type).toBe('success');
      },
    };
    const evening: Record<CalendarDate, () => Promise<void>> = {
      '2026-12-08': () => markDone(SM, 'qualification_review', '2026-12-08'),
      '2026-12-09': () => markDone(YJ, 'qualification_review', '2026-12-09'),
      '2026-12-15': () => markDone(SM, 'village_evaluation', '2026-12-15'),
      '2026-12-18': async () => {
        // The leaders' digest lists the late villages first; each area leader sees his own.
        const leaders = findCard(`清水乡 每日复核进度（12月18日）`).card;
        const text = JSON.stringify(leaders);
        expect(text.indexOf(`🔴 **${QS}**`)).toBeGreaterThan(0);
        expect(text.indexOf(`🔴 **${QS}**`)).toBeLessThan(text.indexOf(`🔴 **${YJ}**`));
        expect(text.indexOf(`🔴 **${YJ}**`)).toBeLessThan(text.indexOf(`✅ **${SM}**`));
        expect(text).toContain('"tag":"chart"');
        expect(text).toContain('**农户**　已复审');
        const yang = JSON.stringify(findCard(`${YANG} 包片村每日进度（12月18日）`).card);
        expect(yang).toContain(`**${SM}**`);
        expect(yang).toContain(`**${YJ}**`);
        expect(yang).not.toContain(`**${QS}**`);
        const luo = JSON.stringify(findCard(`${LUO} 包片村每日进度（12月18日）`).card);
        expect(luo).toContain(`**${QS}**`);
        expect(luo).not.toContain(`**${SM}**`);
      },
      '2026-12-19': async () => {
        await markDone(YJ, 'village_evaluation', '2026-12-19');
        await markDone(null, 'township_review', '2026-12-19');
      },
    };

    beforeAll(async () => {
      fake = await startFakeFeishu();
      config = loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_PATH: dbPath,
        FEISHU_DOMAIN: fake.url,
        FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
        FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
        FEISHU_BOT_OPEN_ID: BOT_OPEN_ID,
        SEED_EXAMPLE: 'never',
        FEISHU_APP_ID: 'cli_test',
        FEISHU_APP_SECRET: 'secret',
      });
      await start();
      await loadThreeVillages(server);
      for (const v of await server.d.db.select().from(villages)) ids[v.name] = v.id;
      for (const [name, chat] of [
        [SM, EX.shimen.chat],
        [YJ, EX.yanjiao.chat],
        [QS, EX.qingshuiCun.chat],
        ['领导群', EX.leadersChat],
        ['纪委群', EX.inspectorsChat],
        [`私信${YANG}`, EX.leader],
      ] as const)
        labels.set(chat, name);
      const luo = exampleJson().people.find((p) => p.name === LUO)!.openId!;
      labels.set(luo, `私信${LUO}`);
    });
    afterAll(async () => {
      await server?.close();
      await fake?.close();
    });

    it(`really runs in ${tz}`, () => {
      expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(tz);
      expect(new Date('2026-12-08T12:00:00Z').getTimezoneOffset()).toBe(offsetMinutesInDecember);
    });

    for (let day = '2026-12-07'; day <= '2026-12-22'; day = addDays(day, 1)) {
      const want = EXPECTED[day]!;
      it(`${day}: ${want.length} messages, each to the right chat, sent once`, async () => {
        let got: string[];
        if (day === '2026-12-16') {
          // Down from 08:00 to 20:00: both of the day's runs are missed; the start-up run
          // catches up once, later runs and a second restart send nothing more.
          clock = at(day, '08:00');
          await server.close();
          clock = at(day, '20:00');
          const before = fake.messages.length;
          await start();
          await settle();
          got = fake.messages.slice(before).map(describeMsg);
          expect(await tickAt(day, '20:05')).toEqual([]);
          await server.close();
          clock = at(day, '20:30');
          await start();
          await settle();
          expect(fake.messages.length).toBe(before + got.length);
        } else {
          got = await tickAt(day, '09:10');
          await morning[day]?.();
          got.push(...(await tickAt(day, '18:10')));
        }
        expect([...got].sort()).toEqual([...want].sort());
        // Once more, late in the day: nothing new.
        expect((await runJobs(server.d, at(day, '23:59'), log)).queued).toBe(0);
        await evening[day]?.();
      });
    }

    it('sent each message exactly once and recorded one run key per message', async () => {
      const jobMessages = Object.values(EXPECTED).flat().length;
      // every job message, plus the one text reply to each 督办 typed
      expect(count('select count(*) n from job_runs')).toBe(jobMessages);
      expect(count('select count(*) n from outbox')).toBe(fake.messages.length);
      expect(sendCalls()).toBe(fake.messages.length);
      expect(new Set(fake.messages.map((m) => m.uuid)).size).toBe(fake.messages.length);
      // each alert to the inspectors is a row they can acknowledge
      expect(count("select count(*) n from alerts where township_id = 'qingshui'")).toBe(
        Object.values(EXPECTED).flat().filter((x) => x.startsWith('纪委群 逾期通报')).length,
      );
      expect(log.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
    });

    it('two instances running the same jobs at once queue each message once', async () => {
      clock = at('2026-12-23', '09:10');
      const other = openSqlite(dbPath);
      try {
        const [a, b] = await Promise.all([runJobs(server.d, clock, log), runJobs(other, clock, log)]);
        // 5 new stage messages and 6 duty messages; the two escalations still open were sent before (12-18, 12-21)
        expect([a.planned, b.planned]).toEqual([13, 13]);
        expect(a.queued + b.queued).toBe(11);
        expect(a.skipped + b.skipped).toBe(2 + 2 + 11);
        const keys = await server.d.db.select().from(jobRuns).where(eq(jobRuns.key, 'qingshui:2026:overdue:township:county_report:2026-12-23'));
        expect(keys).toHaveLength(1);
        expect(count("select count(*) n from outbox where status = 'pending'")).toBe(11);
      } finally {
        other.close?.();
      }
      await settle();
    });

    it('`jobs run --at` runs the same jobs from the CLI, idempotently', async () => {
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) };
      const env = { DATABASE_PATH: dbPath, FEISHU_APP_ID: 'cli_test', FEISHU_APP_SECRET: 'secret', FEISHU_DOMAIN: fake.url };
      const before = fake.messages.length;
      expect(await runCli(['jobs', 'run', '--at', '2026-12-23T09:30'], env, io)).toBe(0);
      expect(out).toContain('到期消息 13 条：新排队 0 条（0 张卡片），此前已发送 13 条。');
      out.length = 0;
      expect(await runCli(['jobs', 'run', '--at', '2026-12-24T09:10:00+08:00'], env, io)).toBe(0);
      expect(out[0]).toBe('按北京时间 12月24日 09:10 运行定时任务…');
      expect(out).toContain('到期消息 13 条：新排队 11 条（11 张卡片），此前已发送 2 条。');
      expect(out).toContain('  • qingshui:2026:overdue:township:county_report:2026-12-24');
      expect(fake.messages.slice(before).map(describeMsg).sort()).toEqual(
        [...overdue(QS, QS, VE, 7), ...overdue(QS, QS, QR, 14), '纪委群 逾期通报：乡级「上报存档」逾期 4 天', ...dutyOverdue()].sort(),
      );
      expect(await runCli(['jobs', 'run', '--at', 'tomorrow'], env, io)).toBe(2);
      expect(err.at(-1)).toContain('--at 须为时间');
      expect(err.filter((l) => !l.includes('--at'))).toEqual([]);
    });
  });
}

