// The six-exclusions cross-check (比对) in SQL, and the office's decisions on its hits.
//
// Every member of every household still in play (not removed, not rejected) is matched by ID
// number against every ACTIVE department list, joined with the table of record kinds that
// prove an exclusion (src/core/exclusions.ts, inlined as VALUES); duplicates are found inside
// the roster (the same ID number in another household) and against the public-security
// population register (公安 户籍: the same ID number under another name). Set-based: one
// INSERT … SELECT … ON CONFLICT DO NOTHING over the union of those joins; the unique index on exclusion_hits
// (township, member, exclusion, department, evidence key) keeps a re-run from duplicating a
// hit. The evidence key describes the evidence row by content (kind|detail|date, the other
// name, the other household), so re-importing the same list raises nothing new.
//
// planCrosscheck() only reads and returns the statements to run: the CLI runs them with
// Database.atomic, the chat command queues them with ctx.write (one atomic write with the
// inbox row). Works on better-sqlite3 and D1 alike (statements are drizzle builders: D1 batches
// only those).
import { createHash } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { auditLog, exclusionHits, households, townships } from '../../db/schema/index';
import type { Database, Statement } from './database';
import type { TownshipRow } from './township';
import { hitFinding, recordAccountability } from './accountability';
import {
  DEPARTMENTS,
  EXCLUSIONS,
  EXCLUSION_NAMES,
  INCLUDED_STATUSES,
  REGISTER_KIND,
  ROSTER_SOURCE,
  campaignClosingDate,
  describeEvidence,
  exclusionKinds,
  type Exclusion,
  type HitEvidence,
} from '../core/exclusions';
import { maskIdCard, maskIdsInText } from '../core/idcard';
import { tooLong } from '../core/limits';
import { addDays, cstDateTime, cstMidnightUtc, formatCn } from '../core/dates';
import { move, type HouseholdStatus } from '../core/household-flow';

/** Household statuses the cross-check leaves alone. */
const OUT_OF_PLAY = ['removed', 'rejected'];

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const list = (xs: readonly string[]) => sql.raw(xs.map(lit).join(', '));

async function all<T>(d: Database, query: SQL): Promise<T[]> {
  return (await d.db.all(query)) as T[];
}

/**
 * WITH kinds(...), cand(township_id, household_id, member_id, exclusion, department,
 * evidence_key, evidence): every hit the data supports today, possibly already recorded.
 */
function candidatesCte(townshipId: string): SQL {
  const kinds = exclusionKinds()
    .map((k) => `(${lit(k.department)}, ${lit(k.kind)}, ${lit(k.exclusion)})`)
    .join(', ');
  const register = sql`(l.department = '公安' and r.kind = ${REGISTER_KIND})`;
  // Members are visited in ID-number order (their index) and, for each, the active lists (a
  // handful); the probes into the records' (list_id, id_card) index go forward through each
  // list's part of it: a few sequential pages instead of 100,000 random ones.
  return sql`with kinds(department, kind, exclusion) as (values ${sql.raw(kinds)}),
  cand as (
    select m.township_id as township_id, m.household_id as household_id, m.id as member_id,
           case when ${register} then 'duplicate_id' else k.exclusion end as exclusion,
           l.department as department,
           case when ${register} then ${REGISTER_KIND} || '|' || r.name
                else r.kind || '|' || substr(coalesce(r.detail, ''), 1, 200) || '|' || coalesce(r.date, '') end as evidence_key,
           json_object('source', case when ${register} then 'register' else 'list' end, 'listId', l.id, 'file', l.file_name,
                       'row', r.row_no, 'recordId', r.id, 'kind', r.kind, 'name', r.name, 'detail', r.detail, 'date', r.date) as evidence
      from members m indexed by members_id_card
      cross join households h on h.id = m.household_id
      cross join department_lists l
      cross join department_records r on r.list_id = l.id and r.id_card = m.id_card
      left join kinds k on k.department = l.department and k.kind = r.kind
     where m.township_id = ${townshipId} and h.status not in (${list(OUT_OF_PLAY)})
       and l.active = 1 and l.township_id = ${townshipId}
       and (k.exclusion is not null
            or (${register} and r.name is not null and r.name <> '' and r.name <> m.name))
    union all
    select m.township_id, m.household_id, m.id, 'duplicate_id', ${ROSTER_SOURCE},
           h2.township_id || '/' || h2.number,
           json_object('source', 'roster', 'township', h2.township_id, 'household', h2.number, 'head', h2.head_name,
                       'village', v2.name, 'name', m2.name, 'relation', m2.relation,
                       'otherTownship', case when h2.township_id <> m.township_id then t2.name end)
      from members m indexed by members_id_card
      cross join households h on h.id = m.household_id
      cross join members m2 on m2.id_card = m.id_card and m2.household_id <> m.household_id
      cross join households h2 on h2.id = m2.household_id
      left join villages v2 on v2.id = h2.village_id
      left join townships t2 on t2.id = h2.township_id
     where m.township_id = ${townshipId} and h.status not in (${list(OUT_OF_PLAY)})
       and h2.status not in (${list(OUT_OF_PLAY)})
  )`;
}

const NOT_RECORDED = sql`not exists (select 1 from exclusion_hits e
   where e.township_id = c.township_id and e.member_id = c.member_id and e.exclusion = c.exclusion
     and e.department = c.department and e.evidence_key = c.evidence_key)`;

export interface NewHitCount {
  exclusion: Exclusion;
  department: string;
  n: number;
}

export interface FlagItem {
  /** the finding recorded for the discipline committee (src/store/accountability.ts) */
  text: string;
}

export interface CrosscheckPlan {
  townshipId: string;
  now: number;
  /** hits this run adds, by exclusion and department */
  newHits: NewHitCount[];
  /** messages to the discipline committee (after the campaign) */
  flags: FlagItem[];
  /** the campaign's last day, after which new hits are flagged; null when unknown */
  closingDate: string | null;
  postCampaign: boolean;
  /** departments without an active list */
  missing: string[];
  warnings: string[];
  statements: Statement[];
}

/** Epoch ms of 00:00 CST on the day after `date`. */
const dayAfterCst = (date: string) => cstMidnightUtc(addDays(date, 1)).getTime();

interface FlagRow {
  household_id: number;
  village_id: number;
  member_id: number;
  exclusion: Exclusion;
  department: string;
  evidence_key: string;
  evidence: string;
  number: string;
  head_name: string;
  status: string;
  identification_owner: string | null;
  village: string | null;
  member_name: string | null;
  id_card: string | null;
}

export function flagText(t: { name: string }, closingDate: string, r: Omit<FlagRow, 'evidence_key'>): string {
  const ev = JSON.parse(r.evidence) as HitEvidence;
  return maskIdsInText(
    [
      '【届后比对发现 · 请乡纪委核查】',
      `${t.name} ${r.village ?? ''} ${r.number} 户（户主 ${r.head_name}，仍在册）`,
      `成员：${r.member_name ?? '（已不在花名册）'}（${maskIdCard(r.id_card ?? '')}）`,
      `线索：${EXCLUSION_NAMES[r.exclusion]}——${describeEvidence(r.department, ev)}`,
      `识别责任人：${r.identification_owner ?? '（花名册未填写）'}`,
      `复核工作已于 ${formatCn(closingDate)} 结束，此线索为结束后比对发现。乡扶贫办可发送“核查”确认或排除。`,
    ].join('\n'),
  );
}

/**
 * Reads what a cross-check of the township would add now, and the statements that add it.
 * `materialize` (better-sqlite3 only, e.g. the CLI): the candidates are computed once into a
 * TEMP table (scratch, not the database) instead of once per query; the caller runs the
 * statements and then dropCandidates().
 */
export async function planCrosscheck(d: Database, township: TownshipRow, now: Date, o: { materialize?: boolean } = {}): Promise<CrosscheckPlan> {
  const t = township.id;
  const at = now.getTime();
  const materialized = o.materialize === true && d.kind === 'sqlite';
  let cte = candidatesCte(t);
  let cand = sql.raw('cand');
  if (materialized) {
    d.db.run(sql.raw('drop table if exists temp.crosscheck_cand'));
    d.db.run(sql`create temp table crosscheck_cand as ${cte} select * from cand`);
    cte = sql``;
    cand = sql.raw('temp.crosscheck_cand');
  }
  const counts = await all<{ exclusion: Exclusion; department: string; n: number }>(
    d,
    sql`${cte} select exclusion, department, count(*) as n
          from (select distinct township_id, member_id, exclusion, department, evidence_key from ${cand}) c
         where ${NOT_RECORDED} group by exclusion, department`,
  );
  const lists = await all<{ department: string }>(d, sql`select distinct department from department_lists where township_id = ${t} and active = 1`);
  const have = new Set(lists.map((l) => l.department));
  const missing = DEPARTMENTS.filter((x) => !have.has(x));

  // the run itself is recorded: the township review needs a cross-check after the last import
  const statements: Statement[] = [d.db.update(townships).set({ crosscheckRunAt: at }).where(eq(townships.id, t))];
  const warnings: string[] = [];
  if (counts.length) {
    // a query builder (not raw SQL): drizzle batches only builders on D1. The select gives every
    // column of the table in order (id null: assigned); `where true` keeps ON CONFLICT unambiguous.
    statements.push(
      d.db
        .insert(exclusionHits)
        .select(
          sql`${cte} select null, township_id, household_id, member_id, exclusion, department, evidence_key, evidence,
                     'open', null, null, null, ${at}, null
                from ${cand} where true`,
        )
        .onConflictDoNothing(),
    );
  }

  const closingDate = campaignClosingDate((township.campaign ?? {}) as { endDate?: string; deadlines?: Record<string, string> });
  const cutoff = closingDate ? dayAfterCst(closingDate) : null;
  const postCampaign = cutoff !== null && at >= cutoff;
  const flags: FlagItem[] = [];
  if (postCampaign && closingDate) {
    const included = list(INCLUDED_STATUSES);
    const fresh = counts.length
      ? await all<FlagRow>(
          d,
          sql`${cte} select c.member_id, c.exclusion, c.department, c.evidence_key, min(c.evidence) as evidence,
                     h.id as household_id, h.village_id, h.number, h.head_name, h.status, h.identification_owner, v.name as village, m.name as member_name, m.id_card
                from ${cand} c
                join households h on h.id = c.household_id
                left join members m on m.id = c.member_id
                left join villages v on v.id = h.village_id
               where h.status in (${included}) and ${NOT_RECORDED}
               group by c.member_id, c.exclusion, c.department, c.evidence_key
               order by h.number, m.id`,
        )
      : [];
    // hits found after the close but never flagged (e.g. the committee's chat was not bound then)
    const older = await all<FlagRow>(
      d,
      sql`select h.id as household_id, h.village_id, e.member_id, e.exclusion, e.department, e.evidence_key, e.evidence,
                 h.number, h.head_name, h.status, h.identification_owner, v.name as village, m.name as member_name, m.id_card
            from exclusion_hits e
            join households h on h.id = e.household_id
            left join members m on m.id = e.member_id
            left join villages v on v.id = h.village_id
           where e.township_id = ${t} and e.flagged_at is null and e.status = 'open' and e.found_at >= ${cutoff}
             and h.status in (${included})
           order by e.id`,
    );
    const rows = [...older, ...fresh];
    if (rows.length && !township.inspectorsChatId) {
      warnings.push(`有 ${rows.length} 条届后发现的线索应报乡纪委，但纪委群尚未绑定：已记下，在纪委群里发送“绑定 纪委群”后自动补报。`);
    }
    if (rows.length) {
      // recorded for accountability; the committee's card goes out once the row exists (src/jobs/kinds/accountability.ts)
      for (const r of rows) {
        flags.push({ text: flagText(township, closingDate, r) });
        statements.push(
          recordAccountability(d, {
            townshipId: t,
            villageId: r.village_id,
            householdId: r.household_id,
            source: 'hit',
            sourceId: sql`(select id from exclusion_hits where township_id = ${t} and member_id = ${r.member_id} and exclusion = ${r.exclusion}
                              and department = ${r.department} and evidence_key = ${r.evidence_key})`,
            finding: hitFinding(r.exclusion, r.department, JSON.parse(r.evidence) as HitEvidence, r.member_name, r.id_card),
            identificationOwner: r.identification_owner,
            foundAt: at,
          }),
        );
      }
      statements.push(
        d.db
          .update(exclusionHits)
          .set({ flaggedAt: at })
          .where(
            sql`${exclusionHits.townshipId} = ${t} and ${exclusionHits.flaggedAt} is null and ${exclusionHits.status} = 'open'
                and ${exclusionHits.foundAt} >= ${cutoff}
                and ${exclusionHits.householdId} in (select id from households where township_id = ${t} and status in (${included}))`,
          ),
      );
    }
  }
  return {
    townshipId: t,
    now: at,
    newHits: counts.map((c) => ({ ...c, n: Number(c.n) })),
    flags,
    closingDate,
    postCampaign,
    missing,
    warnings,
    statements,
  };
}

/** Drops the scratch table of a materialised plan. */
export function dropCandidates(d: Database) {
  if (d.kind === 'sqlite') d.db.run(sql.raw('drop table if exists temp.crosscheck_cand'));
}

export interface HitTotals {
  exclusion: Exclusion;
  open: number;
  confirmed: number;
  dismissed: number;
}

/** Hits of the township by exclusion and status, every exclusion listed. */
export async function hitTotals(d: Database, townshipId: string): Promise<HitTotals[]> {
  const rows = await all<{ exclusion: Exclusion; status: string; n: number }>(
    d,
    sql`select exclusion, status, count(*) as n from exclusion_hits where township_id = ${townshipId} group by exclusion, status`,
  );
  return EXCLUSIONS.map((x) => {
    const of = (s: string) => Number(rows.find((r) => r.exclusion === x && r.status === s)?.n ?? 0);
    return { exclusion: x, open: of('open'), confirmed: of('confirmed'), dismissed: of('dismissed') };
  });
}

// ---------------------------------------------------------------------------
// Hits as the office sees them, and decisions

export interface HitView {
  id: number;
  status: 'open' | 'confirmed' | 'dismissed';
  exclusion: Exclusion;
  department: string;
  evidenceKey: string;
  evidence: HitEvidence;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  foundAt: number;
  flaggedAt: number | null;
  household: {
    id: number;
    number: string;
    headName: string;
    status: HouseholdStatus;
    applicant: boolean;
    villageId: number;
    identificationOwner: string | null;
    removalReason: string | null;
  };
  village: { name: string; chatId: string | null } | null;
  member: { id: number; name: string; idCard: string; relation: string };
}

interface HitRow {
  id: number;
  status: HitView['status'];
  exclusion: Exclusion;
  department: string;
  evidence_key: string;
  evidence: string | null;
  reason: string | null;
  decided_by: string | null;
  decided_at: number | null;
  found_at: number;
  flagged_at: number | null;
  household_id: number;
  number: string;
  head_name: string;
  household_status: HouseholdStatus;
  applicant: number;
  village_id: number;
  identification_owner: string | null;
  removal_reason: string | null;
  village_name: string | null;
  village_chat: string | null;
  member_id: number;
  /** null when the member has since left the roster (a roster re-import removed them) */
  member_name: string | null;
  id_card: string | null;
  relation: string | null;
}

const HIT_SELECT = sql`select e.id, e.status, e.exclusion, e.department, e.evidence_key, e.evidence, e.reason, e.decided_by,
       e.decided_at, e.found_at, e.flagged_at, h.id as household_id, h.number, h.head_name, h.status as household_status,
       h.applicant, h.village_id, h.identification_owner, h.removal_reason, v.name as village_name, v.chat_id as village_chat,
       e.member_id, m.name as member_name, m.id_card, m.relation
  from exclusion_hits e
  join households h on h.id = e.household_id
  left join members m on m.id = e.member_id
  left join villages v on v.id = h.village_id`;

function toView(r: HitRow): HitView {
  return {
    id: r.id,
    status: r.status,
    exclusion: r.exclusion,
    department: r.department,
    evidenceKey: r.evidence_key,
    evidence: (r.evidence ? JSON.parse(r.evidence) : { source: 'list' }) as HitEvidence,
    reason: r.reason,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    foundAt: r.found_at,
    flaggedAt: r.flagged_at,
    household: {
      id: r.household_id,
      number: r.number,
      headName: r.head_name,
      status: r.household_status,
      applicant: r.applicant === 1,
      villageId: r.village_id,
      identificationOwner: r.identification_owner,
      removalReason: r.removal_reason,
    },
    village: r.village_name === null ? null : { name: r.village_name, chatId: r.village_chat },
    member: { id: r.member_id, name: r.member_name ?? '（已不在花名册）', idCard: r.id_card ?? '', relation: r.relation ?? '' },
  };
}

export interface HitQuery {
  /** 'open' (default) or every status */
  status?: 'open' | 'all';
  limit?: number;
  offset?: number;
}

export async function listHits(d: Database, townshipId: string, q: HitQuery = {}): Promise<{ total: number; hits: HitView[] }> {
  const where = q.status === 'all' ? sql`e.township_id = ${townshipId}` : sql`e.township_id = ${townshipId} and e.status = 'open'`;
  const [count] = await all<{ n: number }>(d, sql`select count(*) as n from exclusion_hits e where ${where}`);
  const rows = await all<HitRow>(
    d,
    sql`${HIT_SELECT} where ${where} order by (h.status = 'removed'), v.id, h.number, m.id, e.id limit ${q.limit ?? 1000} offset ${q.offset ?? 0}`,
  );
  return { total: Number(count?.n ?? 0), hits: rows.map(toView) };
}

export async function getHit(d: Database, townshipId: string, id: number): Promise<HitView | null> {
  const [row] = await all<HitRow>(d, sql`${HIT_SELECT} where e.township_id = ${townshipId} and e.id = ${id}`);
  return row ? toView(row) : null;
}

export type Decision = 'confirm' | 'dismiss';

export interface DecisionEffects {
  writes: Statement[];
  /** audit entries (actor and source are added by the caller) */
  audits: { action: string; entity: string; entityId: string; villageId: number | null; before?: unknown; after?: unknown }[];
  /** the message to the household's village chat (null when the village has no chat) */
  notice: { chatId: string; text: string } | null;
  /** what to tell the office */
  summary: string;
}

/** A one-line description of a hit for lists and messages (ID number masked). */
export function hitLine(h: HitView): string {
  return (
    `#${h.id} ${h.village?.name ?? ''} ${h.household.number} ${h.household.headName}户 · 成员 ${h.member.name}（${maskIdCard(h.member.idCard)}）` +
    ` · ${EXCLUSION_NAMES[h.exclusion]}：${describeEvidence(h.department, h.evidence)}`
  );
}

/**
 * What confirming (清退) or dismissing (排除) a hit writes, or a Chinese refusal. Confirming
 * removes the household (status 'removed' with the reason) unless it already is.
 */
export function decideHit(
  d: Database,
  hit: HitView,
  decision: Decision,
  reasonText: string,
  o: { now: Date; decidedBy: string },
): DecisionEffects | string {
  const reason = reasonText.replace(/\s+/g, ' ').trim();
  if (hit.status !== 'open') {
    const what = hit.status === 'confirmed' ? '确认清退' : '排除';
    const when = hit.decidedAt ? `于 ${cstDateTime(hit.decidedAt)} ` : '';
    return `线索 #${hit.id} 已${when}由 ${hit.decidedBy ?? '他人'}${what}（理由：${hit.reason ?? ''}），不能重复处理。`;
  }
  if (reason === '') return decision === 'confirm' ? '请填写清退理由（如：经核实有小型汽车一辆）。' : '请填写排除理由（如：同名同号系登记错误，已由公安更正）。';
  const long = tooLong('reason', '理由', reason);
  if (long) return long;
  const at = o.now.getTime();
  const status = decision === 'confirm' ? 'confirmed' : 'dismissed';
  const writes: Statement[] = [
    d.db
      .update(exclusionHits)
      .set({ status, reason, decidedBy: o.decidedBy, decidedAt: at })
      .where(and(eq(exclusionHits.id, hit.id), eq(exclusionHits.status, 'open'))),
  ];
  const audits: DecisionEffects['audits'] = [
    {
      action: decision === 'confirm' ? 'confirm' : 'dismiss',
      entity: 'exclusion_hit',
      entityId: String(hit.id),
      villageId: hit.household.villageId,
      before: { status: hit.status },
      after: { status, reason, household: hit.household.number, exclusion: hit.exclusion, department: hit.department },
    },
  ];
  const label = EXCLUSION_NAMES[hit.exclusion];
  const why = `六个不纳入·${label}（${hit.department}比对，线索 #${hit.id}）：${reason}`;
  const h = hit.household;
  // an applicant not yet included is not newly included (不予纳入); an included household is removed (清退)
  // moves through the household table (src/core/household-flow.ts)
  const outcome: 'removed' | 'rejected' | 'already' =
    decision !== 'confirm' ? 'already' : move(h.status, 'remove') ? 'removed' : move(h.status, 'reject') ? 'rejected' : 'already';
  const sameStatus = and(eq(households.id, h.id), eq(households.status, h.status));
  if (decision === 'confirm' && outcome === 'removed') {
    writes.push(d.db.update(households).set({ status: 'removed', removalReason: why, updatedAt: at }).where(sameStatus));
    audits.push({
      action: 'remove',
      entity: 'household',
      entityId: h.number,
      villageId: h.villageId,
      before: { status: h.status, removalReason: h.removalReason },
      after: { status: 'removed', removalReason: why },
    });
  } else if (decision === 'confirm' && outcome === 'rejected') {
    writes.push(
      d.db
        .update(households)
        .set({ status: 'rejected', rejectedStep: 'crosscheck', qualification: 'fail', qualificationReason: why, updatedAt: at })
        .where(sameStatus),
    );
    audits.push({
      action: 'qualify',
      entity: 'household',
      entityId: h.number,
      villageId: h.villageId,
      before: { status: h.status },
      after: { status: 'rejected', qualification: 'fail', reason: why },
    });
  }
  const who = `${h.number} ${h.headName}户`;
  const member = `成员 ${hit.member.name}（${maskIdCard(hit.member.idCard)}）`;
  const verdict =
    decision === 'dismiss'
      ? '经乡扶贫办核实，线索不属实，已排除，本户不受影响。'
      : outcome === 'removed'
        ? '经乡扶贫办核实，线索属实，本户清退。'
        : outcome === 'rejected'
          ? '经乡扶贫办核实，线索属实，本户不予纳入。'
          : `经乡扶贫办核实，线索属实（本户此前已${h.status === 'rejected' ? '不予纳入' : '清退'}）。`;
  const text = maskIdsInText(
    `【六个不纳入比对 · 核查结果】\n${who}：${member}\n线索：${label}——${describeEvidence(hit.department, hit.evidence)}\n${verdict}\n理由：${reason}`,
  );
  const notice = hit.village?.chatId ? { chatId: hit.village.chatId, text } : null;
  const summary =
    decision === 'dismiss'
      ? `已排除线索 #${hit.id}（${who}）。`
      : outcome === 'removed'
        ? `已确认线索 #${hit.id}，${who}已清退。`
        : outcome === 'rejected'
          ? `已确认线索 #${hit.id}，申请户 ${who}不予纳入。`
          : `已确认线索 #${hit.id}（该户此前已${h.status === 'rejected' ? '不予纳入' : '清退'}）。`;
  return { writes, audits, notice, summary };
}

/** Audit rows for decisions taken outside a chat (the CLI). */
export function auditStatements(
  d: Database,
  townshipId: string,
  entries: DecisionEffects['audits'],
  o: { now: Date; actor: string; source: string },
): Statement[] {
  return entries.map((e) =>
    d.db.insert(auditLog).values({
      townshipId,
      villageId: e.villageId,
      at: o.now.getTime(),
      actor: o.actor,
      action: e.action,
      entity: e.entity,
      entityId: e.entityId,
      before: e.before ?? null,
      after: e.after ?? null,
      source: o.source,
    }),
  );
}

/** Outbox uuid of the village notice of a decision: one decision per hit, so stable. */
export const decisionUuid = (townshipId: string, hitId: number, decision: Decision) =>
  `xhit-${createHash('sha256').update(`${townshipId}|${hitId}|${decision}`).digest('hex').slice(0, 40)}`;
