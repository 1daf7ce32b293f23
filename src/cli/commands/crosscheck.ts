// import department, crosscheck, hits, hit confirm / hit dismiss
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import {
  DEPARTMENTS,
  EXCLUSIONS,
  EXCLUSION_NAMES,
  parseDepartment,
} from '../../core/exclusions';
import { maskIdsInText } from '../../core/idcard';
import { queueAccountabilityCards } from '../../bot/accountability';
import { DepartmentFileError, formatError, inspectDepartmentFile, readDepartmentFile, type DepartmentError } from '../../import/department';
import { activeList, activeLists, importDepartmentList } from '../../store/departments';
import {
  auditStatements,
  decideHit,
  decisionUuid,
  dropCandidates,
  getHit,
  hitLine,
  hitTotals,
  listHits,
  planCrosscheck,
  type Decision,
} from '../../store/crosscheck';
import { enqueue } from '../../store/outbox';
import { getTownship } from '../../store/township';
import { CliError, type CliContext } from '../context';
import { cliInstant } from '../command';

const SHOWN = 50;

const n = (x: number) => x.toLocaleString('en-US');

export async function importDepartmentCommand(
  cli: CliContext,
  deptText: string | undefined,
  file: string | undefined,
  opts: { township?: string; skipInvalid?: boolean; rejects?: string },
) {
  const usage = `用法：import department <部门> <名单.xlsx|csv> [--skip-invalid] [--rejects 文件]。部门：${DEPARTMENTS.join('、')}`;
  if (!deptText || !file) throw new CliError(usage, 2);
  const department = parseDepartment(deptText);
  if (!department) throw new CliError(`没有“${deptText}”这个部门。${usage}`, 2);
  const tid = await cli.townshipId(opts.township);
  const now = new Date();

  let info: Awaited<ReturnType<typeof inspectDepartmentFile>>;
  try {
    info = await inspectDepartmentFile(file);
  } catch (e) {
    if (e instanceof DepartmentFileError) throw new CliError(`${department}名单 ${file} 无法导入，未写入任何数据：\n${e.errors.map((x) => `  • ${formatError(x)}`).join('\n')}`);
    throw e;
  }
  const current = await activeList(cli.d, tid, department);
  if (current && current.sha256 === info.sha256) {
    cli.out(`${department}名单 ${file} 与当前在用的名单（${current.fileName}，${n(current.rows)} 行）内容完全相同，未重复导入。`);
    return { unchanged: true as const };
  }

  const shown: DepartmentError[] = [];
  const rejectsPath = opts.rejects ?? (opts.skipInvalid ? `${file}.rejects.csv` : undefined);
  const rejects = rejectsPath ? new RejectsWriter(rejectsPath) : null;
  let result: Awaited<ReturnType<typeof importDepartmentList>>;
  try {
    result = await importDepartmentList(cli.d, readDepartmentFile(file, { department, format: info.format }), {
      townshipId: tid,
      department,
      fileName: info.name,
      sha256: info.sha256,
      actor: cli.actor,
      source: `cli:import department ${department} ${file}`,
      now,
      skipInvalid: opts.skipInvalid,
      onError(e) {
        if (shown.length < SHOWN) shown.push(e);
        rejects?.add(e);
      },
    });
  } catch (e) {
    rejects?.close(true);
    if (e instanceof DepartmentFileError) {
      throw new CliError(`${department}名单 ${file} 无法导入，未写入任何数据：\n${e.errors.map((x) => `  • ${formatError(x)}`).join('\n')}`);
    }
    throw e;
  }
  rejects?.close(result.rejected === 0);
  const list = shown.map((e) => `  • ${formatError(e)}`).join('\n');
  const more = result.rejected > shown.length ? `\n  …另有 ${n(result.rejected - shown.length)} 处` : '';
  if (!result.ok) {
    if (result.reason === 'invalid_rows') {
      throw new CliError(
        `${department}名单有 ${n(result.rejected)} 行错误，未导入任何数据（改正后重新导入，或加 --skip-invalid 只导入无误的行）：\n${list}${more}` +
          (rejectsPath ? `\n全部错误见 ${rejectsPath}` : ''),
      );
    }
    throw new CliError(`${department}名单没有一行有效数据，未导入任何数据：\n${list}${more}${rejectsPath ? `\n全部错误见 ${rejectsPath}` : ''}`);
  }
  const replaced = result.replaced ? `；原名单（${result.replaced.fileName}，${n(result.replaced.rows)} 行）已停用，留作历史` : '';
  cli.out(`已导入${department}名单 ${info.name}：${n(result.rows)} 行${replaced}。运行 npm run cli -- crosscheck 开始比对。`);
  if (result.rejected) {
    cli.err(`有 ${n(result.rejected)} 行因错误未导入${rejectsPath ? `，明细见 ${rejectsPath}` : ''}：\n${list}${more}`);
  }
  return result;
}

export async function crosscheckCommand(cli: CliContext, opts: { township?: string; at?: string }) {
  const now = cliInstant(opts.at);
  const tid = await cli.townshipId(opts.township);
  const t = (await getTownship(cli.d, tid))!;
  const plan = await planCrosscheck(cli.d, t, now, { materialize: true });
  const added = plan.newHits.reduce((s, x) => s + x.n, 0);
  const audit = auditStatements(
    cli.d,
    tid,
    [{ action: 'crosscheck', entity: 'township', entityId: tid, villageId: null, after: { newHits: added, byExclusion: plan.newHits, flagged: plan.flags.length, missing: plan.missing } }],
    { now, actor: cli.actor, source: 'cli:crosscheck' },
  );
  try {
    await cli.d.atomic([...plan.statements, ...audit]);
  } finally {
    dropCandidates(cli.d);
  }
  // the committee's 追责 cards of the hits just recorded (src/jobs/kinds/accountability.ts)
  if (plan.flags.length > 0) await queueAccountabilityCards(cli.d, tid, now);
  const totals = await hitTotals(cli.d, tid);
  const lists = await activeLists(cli.d, tid);
  const members = cli.d.sqlite
    .prepare(`select count(*) as n from members m join households h on h.id = m.household_id where m.township_id = ? and h.status not in ('removed', 'rejected')`)
    .get(tid) as { n: number };
  cli.out(`${t.name} 六个不纳入比对完成：花名册 ${n(members.n)} 人 × 在用名单 ${lists.length} 个（${lists.map((l) => `${l.department} ${n(l.rows)} 行`).join('、') || '无'}）。`);
  if (plan.missing.length) cli.out(`尚未导入名单的部门：${plan.missing.join('、')}。`);
  cli.out(`新发现线索 ${n(added)} 条。按六个不纳入：`);
  for (const x of EXCLUSIONS) {
    const fresh = plan.newHits.filter((h) => h.exclusion === x);
    const sum = fresh.reduce((s, h) => s + h.n, 0);
    const by = fresh.length ? `（${fresh.map((h) => `${h.department} ${n(h.n)}`).join('、')}）` : '';
    const tt = totals.find((y) => y.exclusion === x)!;
    cli.out(`  ${EXCLUSION_NAMES[x]}：新增 ${n(sum)}${by}；待处理 ${n(tt.open)}，已确认 ${n(tt.confirmed)}，已排除 ${n(tt.dismissed)}`);
  }
  if (plan.flags.length) cli.out(`复核工作已结束（${plan.closingDate}），${plan.flags.length} 条在册户的线索已报乡纪委。`);
  for (const w of plan.warnings) cli.err(`提示：${w}`);
  cli.out('查看线索：npm run cli -- hits；处理：npm run cli -- hit confirm <编号> <理由> / hit dismiss <编号> <理由>');
  return plan;
}

export async function hitsCommand(cli: CliContext, opts: { township?: string; all?: boolean; limit?: string }) {
  const tid = await cli.townshipId(opts.township);
  const limit = Number(opts.limit ?? 200);
  if (!Number.isInteger(limit) || limit <= 0) throw new CliError('--limit 应为正整数', 2);
  const { total, hits } = await listHits(cli.d, tid, { status: opts.all ? 'all' : 'open', limit });
  const STATUS = { open: '待处理', confirmed: '已确认', dismissed: '已排除' } as const;
  for (const h of hits) {
    const removed = h.household.status === 'removed' && h.status === 'open' ? '（本户已清退）' : '';
    const decided = h.status === 'open' ? '' : ` —— ${h.decidedBy ?? ''}：${h.reason ?? ''}`;
    cli.out(maskIdsInText(`[${STATUS[h.status]}] ${hitLine(h)}${removed}${decided}`));
  }
  if (total === 0) cli.out(opts.all ? '还没有比对线索。' : '没有待处理的线索。');
  else if (total > hits.length) cli.out(`…共 ${n(total)} 条，只显示前 ${hits.length} 条（--limit N 显示更多）。`);
  else cli.out(`共 ${n(total)} 条。`);
}

export async function hitDecisionCommand(cli: CliContext, decision: Decision, idText: string | undefined, reasonWords: string[], opts: { township?: string }) {
  const verb = decision === 'confirm' ? 'confirm' : 'dismiss';
  const usage = `用法：hit ${verb} <线索编号> <理由>`;
  const id = Number(String(idText ?? '').replace(/^#/, ''));
  if (!idText || !Number.isInteger(id) || id <= 0) throw new CliError(usage, 2);
  const tid = await cli.townshipId(opts.township);
  const hit = await getHit(cli.d, tid, id);
  if (!hit) throw new CliError(`没有编号为 ${id} 的线索（npm run cli -- hits --all 查看全部）。`);
  const now = new Date();
  const effects = decideHit(cli.d, hit, decision, reasonWords.join(' '), { now, decidedBy: cli.actor });
  if (typeof effects === 'string') throw new CliError(`${effects}\n${usage}`, 2);
  const source = `cli:hit ${verb} ${id}`;
  const statements = [...effects.writes, ...auditStatements(cli.d, tid, effects.audits, { now, actor: cli.actor, source })];
  if (effects.notice) {
    statements.push(
      enqueue(
        cli.d,
        {
          uuid: decisionUuid(tid, id, decision),
          townshipId: tid,
          receiveIdType: 'chat_id',
          receiveId: effects.notice.chatId,
          msgType: 'text',
          content: JSON.stringify({ text: effects.notice.text }),
        },
        now.getTime(),
      ),
    );
  }
  await cli.d.atomic(statements);
  cli.out(effects.summary + (effects.notice ? `已通知${hit.village?.name ?? '村'}工作群。` : '（该村未绑定工作群，未发通知）'));
}

/** Rejected rows as CSV (UTF-8 with BOM): 工作表, 行号, 列, 原因; written as they come. */
class RejectsWriter {
  private fd: number | null = null;
  private buf = '';
  constructor(readonly path: string) {}

  add(e: DepartmentError) {
    const esc = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    if (this.fd === null) {
      this.fd = openSync(this.path, 'w');
      this.buf = '\uFEFF工作表,行号,列,原因\r\n';
    }
    this.buf += `${esc(e.sheet ?? '')},${e.row || ''},${esc(e.column)},${esc(e.reason)}\r\n`;
    if (this.buf.length > 65536) this.flush();
  }

  private flush() {
    if (this.fd !== null && this.buf) writeSync(this.fd, this.buf);
    this.buf = '';
  }

  /** `discard`: nothing worth keeping (no row errors, or the file itself was refused) */
  close(discard: boolean) {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
    if (discard) unlinkSync(this.path);
  }
}
