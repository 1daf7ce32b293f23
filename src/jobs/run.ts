// The scheduled jobs' runner (DESIGN §7): for each township, read the planner's input from the
// store, plan what is due today, and queue every message not queued before. Called by node-cron
// (src/node.ts), by services.tick (Workers cron), and by `npm run cli -- jobs run`.
//
// Idempotency, in two database constraints:
//   - job_runs.key (primary key) = `${township}:${campaign year}:${planner key}`, and the planner
//     key is kind:village:stage:day — one row per message ever planned;
//   - outbox.uuid (unique) = sha256(run key), also Feishu's own idempotency key.
// A message's job_runs row and its outbox row(s) are written in ONE atomic write, and only for
// keys a pre-read found absent. The job_runs insert has no ON CONFLICT: if another instance
// wrote the key in between, the write fails as a whole and its outbox row is not queued.
//
// The planner plans *today* (CST) only. A run missed while the server was down is caught up by
// the next run of the same day (the start-up run, or the next cron tick): once, whatever the
// number of missed ticks. Reminders, overdue flags and digests of a day the server was down
// all day are not sent afterwards (they would be stale); escalations are, because the planner
// keeps planning them under their due day's key until sent.
import { createHash } from 'node:crypto';
import { alerts, jobRuns } from '../../db/schema/index';
import type { Database, Statement } from '../store/database';
import { enqueue, type NewMessage } from '../store/outbox';
import { listTownships, type TownshipRow } from '../store/township';
import { planSnapshots, townshipSnapshot } from '../store/progress';
import {
  acknowledgements,
  areaLeaders,
  dbVillageId,
  existingRunKeys,
  openExclusionHitsByVillage,
  personNames,
  responsiblePeople,
  villageChats,
} from '../store/jobs';
import { TOWNSHIP_ID, jobsDue, planJobs, type PlanInput, type PlannedMessage, type VillageProgress } from '../core/planner';
import { campaignProblems, type CampaignConfig } from '../core/campaign';
import { maskIdsInText } from '../core/idcard';
import { alertCardOf, overdueVillageCard, reminderCard } from '../bot/cards/alerts';
import { digestCards } from '../bot/cards/digest';
import type { Card } from '../feishu/card';
import type { Logger } from '../log';

export interface JobsResult {
  /** townships whose jobs were due and planned */
  townships: number;
  /** messages the planner found due */
  planned: number;
  /** messages queued by this run (new keys) */
  queued: number;
  /** planned messages already queued before (by an earlier run or another instance) */
  skipped: number;
  /** outbox rows written (a digest may take several cards) */
  outboxRows: number;
  /** run keys queued by this run */
  keys: string[];
  errors: string[];
}

export const runKey = (townshipId: string, year: number, plannerKey: string): string => `${townshipId}:${year}:${plannerKey}`;

/** The outbox uuid of a run key's message (`part` > 0 for the further cards of a digest). */
export const outboxUuid = (key: string, part = 0): string =>
  createHash('sha256').update(part === 0 ? key : `${key}#${part}`).digest('hex').slice(0, 40);

/** Everything the planner needs for one township, read from the store. `members: false` when no
 * digest can be planned: the members (the digest's counts by person) are the largest read. */
export async function readPlanInput(d: Database, t: TownshipRow, now: Date, opts: { members?: boolean } = {}): Promise<PlanInput> {
  const config = t.campaign as CampaignConfig;
  const [snapshots, township, villages, responsible, leaders, acknowledged, hits] = await Promise.all([
    planSnapshots(d, t, opts),
    townshipSnapshot(d, t),
    villageChats(d, t.id),
    responsiblePeople(d, t.id),
    areaLeaders(d, t.id),
    acknowledgements(d, t.id),
    openExclusionHitsByVillage(d, t.id),
  ]);
  const progress: VillageProgress[] = snapshots.map((s) => ({ ...s, openExclusionHits: hits.get(Number(s.village.id)) ?? 0 }));
  return {
    now,
    config,
    villages: progress,
    township,
    chats: { leaders: t.leadersChatId ?? undefined, inspectors: t.inspectorsChatId ?? undefined, villages },
    responsible,
    acknowledged,
    areaLeaders: leaders,
  };
}

/** The cards a planned message is sent as (several for a large digest). */
export function cardsOf(m: PlannedMessage, t: TownshipRow, helperNames: Record<string, string> = {}): Card[] {
  const config = t.campaign as CampaignConfig;
  switch (m.kind) {
    case 'reminder':
      return [reminderCard(m.data, m.date)];
    case 'overdue':
      return m.data.audience === 'village'
        ? [overdueVillageCard(m.data, m.date, t.inspectorsChatId !== null)]
        : [alertCardOf('overdue', m.date, m.data)];
    case 'escalation':
      return [alertCardOf('escalation', m.date, m.data)];
    case 'digest':
      return digestCards(m.data, { townshipName: t.name, helperMaxHouseholds: config.helperMaxHouseholds, helperNames });
  }
}

/** The writes of one planned message: its run key, its outbox row(s), and its alert row. */
function writesOf(d: Database, t: TownshipRow, m: PlannedMessage, key: string, cards: Card[], nowMs: number, sendAt: number): Statement[] {
  const w: Statement[] = [d.db.insert(jobRuns).values({ key, townshipId: t.id, ranAt: nowMs })];
  cards.forEach((c, part) => {
    const msg: NewMessage = {
      uuid: outboxUuid(key, part),
      townshipId: t.id,
      receiveIdType: m.receiveIdType ?? 'chat_id',
      receiveId: m.chatId,
      msgType: 'interactive',
      content: maskIdsInText(JSON.stringify(c)),
    };
    w.push(enqueue(d, msg, sendAt));
  });
  // The discipline committee's alerts are rows it acknowledges (已督办) from the card.
  if ((m.kind === 'overdue' && m.data.audience === 'inspectors') || m.kind === 'escalation') {
    w.push(
      d.db
        .insert(alerts)
        .values({ townshipId: t.id, villageId: dbVillageId(m.villageId), stage: m.stage, date: m.date })
        .onConflictDoNothing(),
    );
  }
  return w;
}

/** Whether today's digests (the leaders' chat's and every area leader's) were all queued. */
async function digestsSent(d: Database, t: TownshipRow, today: string): Promise<boolean> {
  const year = (t.campaign as CampaignConfig).year;
  const base = `digest:${TOWNSHIP_ID}::${today}`;
  const keys = [
    ...(t.leadersChatId !== null ? [runKey(t.id, year, base)] : []),
    ...(await areaLeaders(d, t.id)).map((a) => runKey(t.id, year, `${base}:leader:${a.person.openId}`)),
  ];
  return (await existingRunKeys(d, keys)).size === keys.length;
}

async function runTownship(d: Database, t: TownshipRow, now: Date, log: Logger, res: JobsResult): Promise<void> {
  const config = t.campaign as CampaignConfig;
  const problems = campaignProblems(config);
  if (problems.length > 0) {
    res.errors.push(`${t.name}：${problems.join('；')}`);
    log.warn('scheduled jobs skipped: campaign configuration is inconsistent', { township: t.id, problems });
    return;
  }
  const due = jobsDue(config, now);
  if (!due.alerts && !due.digest) return; // nothing can be due: skip the reads
  const input = await readPlanInput(d, t, now, { members: due.digest && !(await digestsSent(d, t, due.today)) });
  const planned = planJobs(input);
  res.townships++;
  res.planned += planned.length;
  if (planned.length === 0) return;

  const keyed = planned.map((m) => ({ m, key: runKey(t.id, config.year, m.key) }));
  const done = await existingRunKeys(d, keyed.map((x) => x.key));
  const fresh = keyed.filter((x) => !done.has(x.key));
  res.skipped += planned.length - fresh.length;
  if (fresh.length === 0) return;

  let helperNames: Record<string, string> = {};
  const over = fresh.flatMap((x) => (x.m.kind === 'digest' ? x.m.data.stats.helpersOverLimit.map((h) => Number(h.helperId)) : []));
  if (over.length > 0) helperNames = await personNames(d, [...new Set(over)]);

  const nowMs = Date.now();
  // A fake clock ahead of the real one (tests, `jobs run --at` a future time) must not delay sending.
  const sendAt = Math.min(now.getTime(), nowMs);
  const items = fresh.map((x) => {
    const cards = cardsOf(x.m, t, helperNames);
    return { ...x, cards, writes: writesOf(d, t, x.m, x.key, cards, nowMs, sendAt) };
  });
  const record = (x: (typeof items)[number]) => {
    res.queued++;
    res.outboxRows += x.cards.length;
    res.keys.push(x.key);
  };
  try {
    await d.atomic(items.flatMap((x) => x.writes));
    items.forEach(record);
    return;
  } catch {
    // Some key was written meanwhile (another instance): go one message at a time.
  }
  for (const x of items) {
    try {
      await d.atomic(x.writes);
      record(x);
    } catch (e) {
      const raced = (await existingRunKeys(d, [x.key])).has(x.key);
      if (raced) res.skipped++;
      else {
        res.errors.push(`${x.key}: ${(e as Error).message}`);
        log.error('job message not queued', { key: x.key, error: (e as Error).message });
      }
    }
  }
}

/** Plans and queues the jobs due at `now` for every township (or one). */
export async function runJobs(d: Database, now: Date, log: Logger, opts: { townshipId?: string } = {}): Promise<JobsResult> {
  const res: JobsResult = { townships: 0, planned: 0, queued: 0, skipped: 0, outboxRows: 0, keys: [], errors: [] };
  const all = await listTownships(d);
  for (const t of all) {
    if (opts.townshipId !== undefined && t.id !== opts.townshipId) continue;
    try {
      await runTownship(d, t, now, log, res);
    } catch (e) {
      res.errors.push(`${t.name}：${(e as Error).message}`);
      log.error('scheduled jobs failed', { township: t.id, error: (e as Error).message });
    }
  }
  if (res.queued > 0) log.info(`定时任务：新排队 ${res.queued} 条消息（${res.outboxRows} 张卡片），跳过已发送 ${res.skipped} 条`);
  return res;
}
