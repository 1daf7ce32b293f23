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
import type { Database, Statement } from '../store/database';
import { jobRuns } from '../../db/schema/index';
import { enqueue, type NewMessage } from '../store/outbox';
import { listTownships, type TownshipRow } from '../store/township';
import { planSnapshots, townshipSnapshot } from '../store/progress';
import { acknowledgements, areaLeaders, existingRunKeys, openExclusionHitsByVillage, personNames, responsiblePeople, villageChats } from '../store/jobs';
import { jobsDue, type PlanInput, type VillageProgress } from '../core/planner';
import { campaignProblems } from '../core/campaign';
import { safeCards } from '../feishu/safe-out';
import type { Card } from '../feishu/card';
import type { Logger } from '../log';
import { JOBS, jobOf } from './kinds/index';
import { cardsOf, planJobs, type PlannedMessage } from './plan';
import { outboxUuid, runKey } from './keys';

export { outboxUuid, runKey } from './keys';
export { cardsOf, planJobs, type PlannedMessage } from './plan';

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
  /** atomic writes made, and the statements in them (D1 counts statements per invocation) */
  batches: number;
  statements: number;
  /** planned messages left unqueued because this run's statement budget was spent: the next run queues them */
  remaining: number;
}

export interface JobsOptions {
  townshipId?: string;
  /** statements in one atomic write (a D1 batch); messages are never split across writes */
  chunkStatements?: number;
  /**
   * Statements this run may write in all (Workers: within D1's and the runtime's per-invocation
   * limits). What is left is planned again and queued by the next run: the run keys make that
   * resume where this one stopped, and nothing is queued twice.
   */
  statementBudget?: number;
  /** only these kinds (e.g. the 追责 cards right after a finding is recorded); default all */
  kinds?: readonly string[];
}

/** Groups items into runs of at most `max` statements (an item larger than `max` stands alone). */
function chunkByStatements<T extends { writes: Statement[] }>(items: T[], max: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let n = 0;
  for (const x of items) {
    if (cur.length > 0 && n + x.writes.length > max) {
      out.push(cur);
      cur = [];
      n = 0;
    }
    cur.push(x);
    n += x.writes.length;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Everything the planner needs for one township, read from the store. `members: false` when no
 * digest can be planned: the members (the digest's counts by person) are the largest read. */
export async function readPlanInput(d: Database, t: TownshipRow, now: Date, opts: { members?: boolean } = {}): Promise<PlanInput> {
  const config = t.campaign;
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

/** The writes of one planned message: its run key, its outbox row(s), and the kind's own rows. */
function writesOf(d: Database, t: TownshipRow, m: PlannedMessage, key: string, cards: Card[], nowMs: number, sendAt: number): Statement[] {
  const w: Statement[] = [d.db.insert(jobRuns).values({ key, townshipId: t.id, ranAt: nowMs })];
  cards.forEach((c, part) => {
    const msg: NewMessage = {
      uuid: outboxUuid(key, part),
      townshipId: t.id,
      receiveIdType: m.receiveIdType ?? 'chat_id',
      receiveId: m.chatId,
      msgType: 'interactive',
      content: JSON.stringify(c),
    };
    w.push(enqueue(d, msg, sendAt));
  });
  w.push(...(jobOf(m).writes?.(d, t, m) ?? []));
  return w;
}

async function runTownship(d: Database, t: TownshipRow, now: Date, log: Logger, res: JobsResult, opts: JobsOptions): Promise<void> {
  const config = t.campaign;
  const problems = campaignProblems(config);
  if (problems.length > 0) {
    res.errors.push(`${t.name}：${problems.join('；')}`);
    log.warn('scheduled jobs skipped: campaign configuration is inconsistent', { township: t.id, problems });
    return;
  }
  const due = jobsDue(config, now);
  const kinds = JOBS.filter((j) => j.due(due) && (opts.kinds === undefined || opts.kinds.includes(j.kind)));
  if (kinds.length === 0) return; // nothing can be due: skip the reads
  let members = false;
  for (const j of kinds) if (!members && j.needsMembers) members = await j.needsMembers(d, t, due);
  const input = await readPlanInput(d, t, now, { members });
  const extras: Record<string, unknown> = {};
  // kinds sharing one read function (the duties) read once
  const reads = new Map<unknown, Promise<unknown>>();
  for (const j of kinds) {
    if (!j.read) continue;
    if (!reads.has(j.read)) reads.set(j.read, j.read(d, t, now));
    extras[j.kind] = await reads.get(j.read);
  }
  const planned = planJobs(input, extras, opts.kinds === undefined ? JOBS : kinds);
  res.townships++;
  res.planned += planned.length;
  if (planned.length === 0) return;

  const keyed = planned.map((m) => ({ m, key: runKey(t.id, config.year, m.key) }));
  const done = await existingRunKeys(d, keyed.map((x) => x.key));
  const fresh = keyed.filter((x) => !done.has(x.key));
  res.skipped += planned.length - fresh.length;
  if (fresh.length === 0) return;

  const ids = [...new Set(fresh.flatMap((x) => jobOf(x.m).names?.(x.m) ?? []))];
  const ctx = { township: t, config, names: ids.length > 0 ? await personNames(d, ids) : {} };

  const nowMs = Date.now();
  // A fake clock ahead of the real one (tests, `jobs run --at` a future time) must not delay sending.
  const sendAt = Math.min(now.getTime(), nowMs);
  const items = fresh.map((x) => {
    // through the exit (masked, escaped, within Feishu's limits) before the rows are counted
    const cards = cardsOf(x.m, ctx).flatMap(safeCards);
    return { ...x, cards, writes: writesOf(d, t, x.m, x.key, cards, nowMs, sendAt) };
  });
  const record = (x: (typeof items)[number]) => {
    res.queued++;
    res.outboxRows += x.cards.length;
    res.keys.push(x.key);
  };
  const chunks = chunkByStatements(items, Math.min(opts.chunkStatements ?? 100, opts.statementBudget ?? Number.POSITIVE_INFINITY));
  for (const [i, chunk] of chunks.entries()) {
    const size = chunk.reduce((n, x) => n + x.writes.length, 0);
    if (opts.statementBudget !== undefined && res.statements > 0 && res.statements + size > opts.statementBudget) {
      res.remaining += chunks.slice(i).reduce((n, c) => n + c.length, 0);
      return;
    }
    await writeChunk(d, chunk, res, log, record);
  }
}

async function writeChunk<T extends { key: string; writes: Statement[] }>(
  d: Database,
  chunk: T[],
  res: JobsResult,
  log: Logger,
  record: (x: T) => void,
): Promise<void> {
  try {
    await d.atomic(chunk.flatMap((x) => x.writes));
    res.batches++;
    res.statements += chunk.reduce((n, x) => n + x.writes.length, 0);
    chunk.forEach(record);
    return;
  } catch {
    // Some key was written meanwhile (another instance): go one message at a time.
  }
  for (const x of chunk) {
    try {
      await d.atomic(x.writes);
      res.batches++;
      res.statements += x.writes.length;
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
export async function runJobs(d: Database, now: Date, log: Logger, opts: JobsOptions = {}): Promise<JobsResult> {
  const res: JobsResult = { townships: 0, planned: 0, queued: 0, skipped: 0, outboxRows: 0, keys: [], errors: [], batches: 0, statements: 0, remaining: 0 };
  const all = await listTownships(d);
  for (const t of all) {
    if (opts.townshipId !== undefined && t.id !== opts.townshipId) continue;
    try {
      await runTownship(d, t, now, log, res, opts);
    } catch (e) {
      res.errors.push(`${t.name}：${(e as Error).message}`);
      log.error('scheduled jobs failed', { township: t.id, error: (e as Error).message });
    }
  }
  if (res.queued > 0) log.info(`定时任务：新排队 ${res.queued} 条消息（${res.outboxRows} 张卡片），跳过已发送 ${res.skipped} 条`);
  if (res.remaining > 0) log.info(`定时任务：本次写入已达上限（${res.statements} 条语句），还有 ${res.remaining} 条消息由下次运行继续排队`);
  return res;
}
