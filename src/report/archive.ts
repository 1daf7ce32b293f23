/**
 * 存档备查: the township office's archive of the year's review, one folder:
 *   county-report.xlsx   the report to the county (src/report/county.ts)
 *   roster.xlsx          the roster as it stands (建档立卡花名册, full ID numbers)
 *   audit.csv            the whole audit trail: who, when, what before and after, from which message
 *   evidence.csv         evidence references: meeting photos/files, visit evidence, cross-check evidence
 *   README.txt           what the files are and how to check them
 *   manifest.json        the township, the time, and the SHA-256 and size of every other file
 * Node-only. The caller records townships.archivedAt (audited) once the folder is complete.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { auditLog, exclusionHits, helperVisits, households, meetings, members, people, stageProgress, townships, villages } from '../../db/schema/index';
import type { Database } from '../store/database';
import { csvText, writeRosterXlsx } from '../import/roster';
import { rosterOf } from '../township/roster-store';
import { MEETING_NAMES, type MeetingKind } from '../core/meetings';
import { STAGES, type StageKey } from '../core/campaign';
import { cstDate } from '../core/dates';
import { EXCLUSION_NAMES, describeEvidence, type Exclusion, type HitEvidence } from '../core/exclusions';
import { cstDateTime } from '../core/dates';
import { gatherCountyReport, writeCountyReport } from './county';
import type { CountyReportSummary } from './service';

export const MANIFEST = 'manifest.json';
export const ARCHIVE_FILES = {
  report: 'county-report.xlsx',
  roster: 'roster.xlsx',
  audit: 'audit.csv',
  evidence: 'evidence.csv',
  readme: 'README.txt',
} as const;

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
  description: string;
}

export interface Manifest {
  generator: '扶贫复核助手';
  format: 1;
  township: { id: string; name: string; county: string };
  createdAt: string;
  createdBy: string;
  reportExportedAt: string | null;
  reportSubmittedAt: string | null;
  counts: {
    auditEntries: number;
    evidenceReferences: number;
    households: number;
    members: number;
    /** 督查 records (明察, 暗访, 督办) */
    inspections: number;
    /** 追责: findings after the close, and those without an outcome yet */
    accountability: number;
    accountabilityOpen: number;
  } & { report: CountyReportSummary };
  files: ManifestFile[];
  /** every evidence reference (meeting resolution photos, visit photos, cross-check sources), as in evidence.csv */
  evidence: ManifestEvidence[];
  /** stages completed after their deadline, with the days late */
  lateStages: LateStage[];
}

/** A stage completed after its deadline, as the manifest lists it. */
export interface LateStage {
  village: string;
  stage: string;
  stageName: string;
  doneOn: string;
  daysLate: number;
}

async function lateStagesOf(d: Database, townshipId: string, townshipName: string): Promise<LateStage[]> {
  const [sp, vs] = await Promise.all([
    d.db.select().from(stageProgress).where(eq(stageProgress.townshipId, townshipId)),
    d.db.select({ id: villages.id, name: villages.name }).from(villages).where(eq(villages.townshipId, townshipId)),
  ]);
  const vName = new Map(vs.map((v) => [v.id, v.name]));
  return sp
    .filter((x) => x.daysLate > 0)
    .map((x) => ({
      village: x.villageId === 0 ? townshipName : (vName.get(x.villageId) ?? String(x.villageId)),
      stage: x.stage,
      stageName: STAGES[x.stage as StageKey]?.name ?? x.stage,
      doneOn: cstDate(new Date(x.doneAt)),
      daysLate: x.daysLate,
    }));
}

export interface ManifestEvidence {
  /** 会议 | 走访 | 比对线索… */
  kind: string;
  village: string;
  record: string;
  date: string;
  /** `image:<key>#<message_id>`, `file:<key>:<name>#<message_id>`, `<部门>:<key>` */
  ref: string;
}

export const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

/** The audit trail as CSV rows (header first). */
async function auditRows(d: Database, townshipId: string): Promise<string[][]> {
  const vs = await d.db.select().from(villages).where(eq(villages.townshipId, townshipId));
  const vName = new Map(vs.map((v) => [v.id, v.name]));
  const rows = await d.db.select().from(auditLog).where(eq(auditLog.townshipId, townshipId)).orderBy(asc(auditLog.id));
  return [
    ['编号', '时间（北京时间）', '村', '操作人', '操作', '对象', '对象编号', '修改前', '修改后', '来源'],
    ...rows.map((r) => [
      String(r.id),
      cstDateTime(r.at),
      r.villageId ? (vName.get(r.villageId) ?? String(r.villageId)) : '',
      r.actor,
      r.action,
      r.entity,
      r.entityId,
      json(r.before),
      json(r.after),
      r.source,
    ]),
  ];
}

/** Evidence references: what was attached to which record, and where it came from. */
async function evidenceRows(d: Database, townshipId: string): Promise<string[][]> {
  const vs = await d.db.select().from(villages).where(eq(villages.townshipId, townshipId));
  const vName = new Map(vs.map((v) => [v.id, v.name]));
  const out: string[][] = [['类别', '村', '对象', '日期', '佐证引用', '说明', '登记人']];
  const mts = await d.db.select().from(meetings).where(eq(meetings.townshipId, townshipId)).orderBy(meetings.villageId, meetings.date, meetings.id);
  for (const m of mts) {
    const what = `${MEETING_NAMES[m.kind as MeetingKind] ?? m.kind}（${m.date}，${m.valid ? '有效' : '未生效'}）`;
    for (const e of m.evidence) out.push(['会议', vName.get(m.villageId) ?? '', what, m.date, e, '决议或会议记录的照片/文件', m.recordedBy]);
  }
  const visits = await d.db
    .select({ v: helperVisits, number: households.number, head: households.headName, villageId: households.villageId, helper: people.name })
    .from(helperVisits)
    .innerJoin(households, eq(households.id, helperVisits.householdId))
    .leftJoin(people, eq(people.id, helperVisits.helperId))
    .where(eq(helperVisits.townshipId, townshipId))
    .orderBy(helperVisits.date, helperVisits.id);
  for (const r of visits) {
    const what = `${r.number} ${r.head}`;
    const note = r.v.content.length > 60 ? `${r.v.content.slice(0, 60)}…` : r.v.content;
    if (r.v.evidence.length === 0) out.push(['走访', vName.get(r.villageId) ?? '', what, r.v.date, '', `走访记录（无附件）：${note}`, r.helper ?? '']);
    for (const e of r.v.evidence) out.push(['走访', vName.get(r.villageId) ?? '', what, r.v.date, e, `走访记录：${note}`, r.helper ?? '']);
  }
  const hits = await d.db
    .select({ h: exclusionHits, number: households.number, head: households.headName, villageId: households.villageId })
    .from(exclusionHits)
    .innerJoin(households, eq(households.id, exclusionHits.householdId))
    .where(and(eq(exclusionHits.townshipId, townshipId), inArray(exclusionHits.status, ['confirmed', 'dismissed'])))
    .orderBy(exclusionHits.id);
  const memberIds = hits.map((r) => r.h.memberId);
  const ms = memberIds.length ? await d.db.select({ id: members.id, name: members.name }).from(members).where(inArray(members.id, memberIds)) : [];
  const mName = new Map(ms.map((m) => [m.id, m.name]));
  for (const r of hits) {
    const h = r.h;
    const ev = h.evidence ? describeEvidence(h.department, h.evidence as HitEvidence) : '';
    out.push([
      h.status === 'confirmed' ? '比对线索（已确认，清退）' : '比对线索（已排除）',
      vName.get(r.villageId) ?? '',
      `${r.number} ${r.head}${mName.get(h.memberId) ? ` / ${mName.get(h.memberId)}` : ''}`,
      h.decidedAt ? cstDateTime(h.decidedAt).slice(0, 10) : '',
      `${h.department}:${h.evidenceKey}`,
      `线索#${h.id} ${EXCLUSION_NAMES[h.exclusion as Exclusion] ?? h.exclusion}：${ev}；理由：${h.reason ?? ''}`,
      h.decidedBy ?? '',
    ]);
  }
  return out;
}

function readme(t: { name: string; county: string }, createdAt: Date): string {
  return [
    `${t.county}${t.name} 扶贫对象复核存档（存档备查）`,
    `生成时间：${cstDateTime(createdAt.getTime())}（北京时间），由 扶贫复核助手 生成。`,
    '',
    `${ARCHIVE_FILES.report}  上报县扶贫移民局的复核报表（含完整身份证号）`,
    `${ARCHIVE_FILES.roster}  建档立卡花名册（存档时的状态，含完整身份证号）`,
    `${ARCHIVE_FILES.audit}  全部修改记录：谁、何时、改了什么、来自哪条消息或卡片`,
    `${ARCHIVE_FILES.evidence}  佐证清单：会议决议照片、走访佐证、比对线索的依据（飞书中的文件标识）`,
    `${MANIFEST}  每个文件的 SHA-256 校验值和大小`,
    '',
    '核对文件是否被改动：npm run cli -- archive check <本目录>',
    '或逐个计算 SHA-256（Linux/macOS：sha256sum 文件名；Windows：certutil -hashfile 文件名 SHA256），与 manifest.json 中的值比较。',
    '本目录含完整身份证号，请按涉密资料保管，勿上传到群聊。',
    '',
  ].join('\r\n');
}

export interface ArchiveResult {
  dir: string;
  manifest: Manifest;
  manifestSha256: string;
}

/** Writes the archive folder (which must be empty or not exist). Records nothing in the database. */
export async function writeArchive(d: Database, townshipId: string, dir: string, o: { now: Date; actor: string }): Promise<ArchiveResult> {
  const [t] = await d.db.select().from(townships).where(eq(townships.id, townshipId));
  if (!t) throw new Error(`没有代码为 ${townshipId} 的乡镇。`);
  const out = resolve(dir);
  await mkdir(out, { recursive: true });

  const report = await gatherCountyReport(d, townshipId, o.now);
  const roster = await rosterOf(d, townshipId);
  const audit = await auditRows(d, townshipId);
  const evidence = await evidenceRows(d, townshipId);

  const files: { path: string; description: string; bytes: Uint8Array }[] = [];
  files.push({ path: ARCHIVE_FILES.report, description: '上报县扶贫移民局的复核报表', bytes: await writeCountyReport(report) });
  await writeRosterXlsx(join(out, ARCHIVE_FILES.roster), roster);
  files.push({ path: ARCHIVE_FILES.roster, description: '建档立卡花名册（存档时）', bytes: await readFile(join(out, ARCHIVE_FILES.roster)) });
  files.push({ path: ARCHIVE_FILES.audit, description: '修改记录（审计日志）', bytes: Buffer.from(csvText(audit), 'utf8') });
  files.push({ path: ARCHIVE_FILES.evidence, description: '佐证清单', bytes: Buffer.from(csvText(evidence), 'utf8') });
  files.push({ path: ARCHIVE_FILES.readme, description: '说明', bytes: Buffer.from(`\uFEFF${readme(t, o.now)}`, 'utf8') });
  for (const f of files) if (f.path !== ARCHIVE_FILES.roster) await writeFile(join(out, f.path), f.bytes);

  const manifest: Manifest = {
    generator: '扶贫复核助手',
    format: 1,
    township: { id: t.id, name: t.name, county: t.county },
    createdAt: o.now.toISOString(),
    createdBy: o.actor,
    reportExportedAt: iso(t.reportExportedAt),
    reportSubmittedAt: iso(t.reportSubmittedAt),
    counts: {
      auditEntries: audit.length - 1,
      evidenceReferences: evidence.length - 1,
      households: report.households.length,
      members: report.persons.length,
      inspections: report.inspections.length,
      accountability: report.accountability.length,
      accountabilityOpen: report.accountability.filter((a) => a.outcome === '未处理').length,
      report: report.summary,
    },
    files: files.map((f) => ({ path: f.path, bytes: f.bytes.length, sha256: sha256(f.bytes), description: f.description })),
    // stages completed after their deadline (DESIGN §3.4: lateness shows wherever the stage shows)
    lateStages: await lateStagesOf(d, townshipId, t.name),
    evidence: evidence
      .slice(1)
      .filter((r) => r[4])
      .map(([kind = '', village = '', record = '', date = '', ref = '']) => ({ kind, village, record, date, ref })),
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(join(out, MANIFEST), text, 'utf8');
  return { dir: out, manifest, manifestSha256: sha256(text) };
}

export interface ArchiveCheck {
  ok: boolean;
  problems: string[];
  checked: number;
}

/** Recomputes every checksum of manifest.json; reports changed, missing and unlisted files. */
export async function checkArchive(dir: string): Promise<ArchiveCheck> {
  const out = resolve(dir);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(out, MANIFEST), 'utf8')) as Manifest;
  } catch (e) {
    return { ok: false, checked: 0, problems: [`读不出 ${MANIFEST}：${(e as Error).message}`] };
  }
  const problems: string[] = [];
  let checked = 0;
  for (const f of manifest.files ?? []) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(out, f.path));
    } catch {
      problems.push(`缺少文件 ${f.path}`);
      continue;
    }
    checked++;
    if (bytes.length !== f.bytes || sha256(bytes) !== f.sha256) problems.push(`${f.path} 已被改动（SHA-256 与清单不符）`);
  }
  const listed = new Set([MANIFEST, ...(manifest.files ?? []).map((f) => f.path)]);
  for (const name of await readdir(out)) {
    if (!listed.has(name) && (await stat(join(out, name))).isFile()) problems.push(`清单中没有的文件：${name}`);
  }
  return { ok: problems.length === 0, problems, checked };
}
