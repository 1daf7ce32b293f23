// Daily digest (每日进度, DESIGN §7): after the digest time on every campaign day, to the leaders'
// chat, and privately to each area leader (包片领导) for his villages.
import { TOWNSHIP_STAGES, VILLAGE_STAGES, stageShortName } from '../../core/campaign';
import { formatCn, type CalendarDate } from '../../core/dates';
import { dutyCoverage } from '../../core/stages';
import {
  BATCH_NAMES,
  TOWNSHIP_ID,
  digestStats,
  jobsDue,
  outreachLine,
  outreachTotals,
  type OutreachTotals,
  stageState,
  type DigestData,
  type DigestStats,
  type MessageBase,
  type Person,
  type VillageDigestRow,
} from '../../core/planner';
import { digestCards } from '../../bot/cards/digest';
import { backfillLines } from '../../bot/cards/progress';
import { areaLeaders, existingRunKeys } from '../../store/jobs';
import { readOutreach } from '../../store/outreach';
import type { Database } from '../../store/database';
import type { TownshipRow } from '../../store/township';
import { runKey } from '../keys';
import { defineJob } from '../job';

export interface DigestMessage extends MessageBase {
  kind: 'digest';
  data: DigestData;
}

function digestText(
  today: CalendarDate,
  stats: DigestStats,
  rows: VillageDigestRow[],
  township: DigestData['township'],
  helperMax: number,
  leader?: Person,
  outreach?: OutreachTotals,
): string {
  const stageLine = VILLAGE_STAGES.map((k) => `${stageShortName(k)} 完成 ${stats.villageStagesDone[k]}/${stats.villages} 村`).join('；');
  const late: string[] = [];
  const lateDone: string[] = [];
  for (const r of rows) {
    for (const k of VILLAGE_STAGES) {
      const st = r.stages[k];
      if (st.state === 'overdue') late.push(`${r.name} ${stageShortName(k)} 逾期 ${st.daysLate} 天`);
      if (st.state === 'done' && st.daysLate) lateDone.push(`${r.name} ${stageShortName(k)} 逾期 ${st.daysLate} 天完成`);
    }
  }
  const townshipLine = TOWNSHIP_STAGES.map((k) => {
    const st = township[k];
    return `${stageShortName(k)} ${st.state === 'done' ? `已完成${st.daysLate ? `（逾期 ${st.daysLate} 天）` : ''}` : st.state === 'overdue' ? `逾期 ${st.daysLate} 天` : '未完成'}`;
  }).join('；');
  const batches = (rec: Record<string, number>, unit: string): string =>
    Object.entries(rec).map(([k, n]) => `${BATCH_NAMES[k] ?? k} ${n} ${unit}`).join('、') || '无';
  const lines = [
    `【每日进度】${formatCn(today)} ${leader ? `${leader.name} 包片村` : ''}复核进度（${stats.villages} 个村）`,
    `村级：${stageLine}`,
    `乡级：${townshipLine}`,
    `逾期：${late.length > 0 ? late.join('；') : '无'}`,
    ...(lateDone.length ? [`逾期完成：${lateDone.join('；')}`] : []),
    ...rows.filter((r) => r.backfilled?.length).map((r) => `后补登记：${r.name} ${r.backfilled!.join('；')}`),
    `农户：已复审 ${stats.reviewed} 户，保留 ${stats.kept} 户，清退 ${stats.removed} 户，新纳入 ${stats.newlyIncluded} 户；比对疑点待处理 ${stats.openExclusionHits} 条`,
    `帮扶：已落实 ${stats.withHelper}/${stats.included} 户，超过 ${helperMax} 户的帮扶人 ${stats.helpersOverLimit.length} 名；帮扶卡已回收 ${stats.helpCardsReturned}/${stats.included} 户`,
    `五个一批（户数）：${batches(stats.batchesByHousehold, '户')}`,
  ];
  if (outreach) lines.push(`宣讲：${outreachLine(outreach)}`);
  if (stats.personsCounted > 0) {
    lines.push(`五个一批（户内人口）：${batches(stats.batchesInHouseholds, '人')}`);
    lines.push(`五个一批（逐人分类）：${batches(stats.batchesIndividually, '人')}`);
  }
  const unbound = rows.filter((r) => !r.hasChat).map((r) => r.name);
  if (unbound.length > 0) lines.push(`未绑定工作群的村（收不到提醒）：${unbound.join('、')}`);
  return lines.join('\n');
}

/** Whether today's digests (the leaders' chat's and every area leader's) were all queued. */
async function digestsSent(d: Database, t: TownshipRow, today: string): Promise<boolean> {
  const year = t.campaign.year;
  const base = `digest:${TOWNSHIP_ID}::${today}`;
  const keys = [
    ...(t.leadersChatId !== null ? [runKey(t.id, year, base)] : []),
    ...(await areaLeaders(d, t.id)).map((a) => runKey(t.id, year, `${base}:leader:${a.person.openId}`)),
  ];
  return (await existingRunKeys(d, keys)).size === keys.length;
}

export const digestJob = defineJob<DigestMessage, Record<string, OutreachTotals>>({
  kind: 'digest',
  due: (due) => due.digest,
  read: (d, t) => readOutreach(d, t.id),
  // The members (the counts by person) are read only while some digest of the day is unsent.
  needsMembers: async (d, t, due) => due.digest && !(await digestsSent(d, t, due.today)),
  plan(input, extra) {
    const { now, config, villages, township, chats } = input;
    const due = jobsDue(config, now);
    const today = due.today;
    const areaLeaders = (input.areaLeaders ?? []).filter((a) => a.villageIds.length > 0);
    if (!due.digest || (chats.leaders === undefined && areaLeaders.length === 0)) return [];
    const out: DigestMessage[] = [];
    const rows: VillageDigestRow[] = villages.map((v) => ({
      villageId: v.village.id,
      name: v.village.name,
      stages: {
        qualification_review: stageState(v.stagesDone.qualification_review, today, config.deadlines.qualification_review),
        village_evaluation: stageState(v.stagesDone.village_evaluation, today, config.deadlines.village_evaluation),
      },
      coverage: dutyCoverage(v),
      hasChat: chats.villages[v.village.id] !== undefined,
      ...(backfillLines(v).length ? { backfilled: backfillLines(v) } : {}),
    }));
    const townshipStates = {
      township_review: stageState(township.stagesDone.township_review, today, config.deadlines.township_review),
      county_report: stageState(township.stagesDone.county_report, today, config.deadlines.county_report),
    };
    const stats = digestStats(villages, config.helperMaxHouseholds);
    const outreachOf = (vs: typeof villages) => outreachTotals(extra ?? {}, vs.map((v) => v.village.id));
    if (chats.leaders !== undefined) {
      out.push({
        key: `digest:${TOWNSHIP_ID}::${today}`,
        kind: 'digest',
        chatId: chats.leaders,
        date: today,
        text: digestText(today, stats, rows, townshipStates, config.helperMaxHouseholds, undefined, outreachOf(villages)),
        data: { date: today, stats, villages: rows, township: townshipStates, outreach: outreachOf(villages) },
      });
    }
    // Each area leader privately, for his villages. The helper limit is personal, so helpers
    // over it are judged township-wide and listed when they serve one of his villages.
    for (const a of areaLeaders) {
      const ids = new Set(a.villageIds);
      const mine = villages.filter((v) => ids.has(v.village.id));
      if (mine.length === 0) continue;
      const myStats = digestStats(mine, config.helperMaxHouseholds);
      const myHelpers = new Set(mine.flatMap((v) => v.households.map((h) => h.helperId)));
      myStats.helpersOverLimit = stats.helpersOverLimit.filter((x) => myHelpers.has(x.helperId));
      const myRows = rows.filter((r) => ids.has(r.villageId));
      out.push({
        key: `digest:${TOWNSHIP_ID}::${today}:leader:${a.person.openId}`,
        kind: 'digest',
        chatId: a.person.openId,
        receiveIdType: 'open_id',
        date: today,
        text: digestText(today, myStats, myRows, townshipStates, config.helperMaxHouseholds, a.person, outreachOf(mine)),
        data: { date: today, stats: myStats, villages: myRows, township: townshipStates, leader: a.person, outreach: outreachOf(mine) },
      });
    }
    return out;
  },
  names: (m) => m.data.stats.helpersOverLimit.map((h) => Number(h.helperId)),
  card: (m, ctx) =>
    digestCards(m.data, { townshipName: ctx.township.name, helperMaxHouseholds: ctx.config.helperMaxHouseholds, helperNames: ctx.names }),
});
