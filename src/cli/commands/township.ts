// init, import households, export households, audit
import { desc, eq, and } from 'drizzle-orm';
import { loadTownshipFile } from '../../township/schema';
import { loadTownship } from '../../township/load';
import { importRosterFile, rosterOf } from '../../township/roster-store';
import { writeRejects, writeRosterXlsx } from '../../import/roster';
import { findVillageByName } from '../../store/township';
import { auditLog } from '../../../db/schema/index';
import { CliError, type CliContext } from '../context';

export async function initCommand(cli: CliContext, file: string | undefined) {
  if (!file) throw new CliError('用法：init <township.json>', 2);
  const parsed = await loadTownshipFile(file);
  if (!parsed.ok) throw new CliError(`${file} 有 ${parsed.errors.length} 处错误，未写入任何数据：\n${parsed.errors.map((e) => `  • ${e}`).join('\n')}`);
  for (const w of parsed.warnings) cli.out(`提示：${w}`);
  const r = await loadTownship(cli.d, parsed.value, { api: cli.api, actor: cli.actor, source: `cli:init ${file}` });
  const t = parsed.value.township;
  if (!r.changed) cli.out(`${t.name}（${r.townshipId}）：与数据库一致，无变化。`);
  else
    cli.out(
      `${t.name}（${r.townshipId}）已载入：新增村 ${r.created.villages}、人员 ${r.created.people}、角色 ${r.created.roles}、群绑定 ${r.created.chats}；` +
        `更新村 ${r.updated.villages}、人员 ${r.updated.people}；撤销角色 ${r.removedRoles}。`,
    );
  if (r.unresolved.length) {
    cli.err(
      cli.api
        ? `以下 ${r.unresolved.length} 人在飞书中找不到（不在应用可用范围或号码有误），已登记但暂不能使用机器人：`
        : `未配置飞书应用（FEISHU_APP_ID），以下 ${r.unresolved.length} 人只有手机号或邮箱，暂查不到 open_id；配置后重新运行 init：`,
    );
    for (const u of r.unresolved) cli.err(`  • ${u.name}（${u.by}）`);
  }
  return r;
}

export async function importHouseholdsCommand(
  cli: CliContext,
  file: string | undefined,
  opts: { skipInvalid?: boolean; rejects?: string; township?: string },
) {
  if (!file) throw new CliError('用法：import households <花名册.xlsx|csv> [--skip-invalid] [--rejects 文件]', 2);
  const tid = await cli.townshipId(opts.township);
  const r = await importRosterFile(cli.d, tid, file, { skipInvalid: opts.skipInvalid, actor: cli.actor, source: `cli:import households ${file}` });
  const res = r.validation;
  if (!r.ok) {
    const shown = res.errors.slice(0, 50).map((e) => `  • ${e.row ? `第 ${e.row} 行` : '文件'}${e.column ? `「${e.column}」` : ''}：${e.reason}`);
    const more = res.errors.length > 50 ? `\n  …另有 ${res.errors.length - 50} 处` : '';
    throw new CliError(
      `花名册有 ${res.errors.length} 处错误，未导入任何数据（改正后重新导入，或加 --skip-invalid 只导入无误的户）：\n${shown.join('\n')}${more}`,
    );
  }
  const w = r.result;
  cli.out(
    `已导入 ${res.counts.households} 户（读入 ${res.counts.rows} 行）：新增 ${w.households.created} 户、更新 ${w.households.updated} 户、无变化 ${w.households.unchanged} 户；` +
      `成员新增 ${w.members.created}、更新 ${w.members.updated}、移除 ${w.members.removed}。`,
  );
  if (res.errors.length) {
    const out = opts.rejects ?? `${file}.rejects.csv`;
    await writeRejects(out, res.errors);
    cli.err(`有 ${res.counts.rejectedHouseholds} 户因错误未导入，明细见 ${out}`);
  }
  return w;
}

export async function exportHouseholdsCommand(cli: CliContext, out: string | undefined, opts: { township?: string }) {
  if (!out) throw new CliError('用法：export households <输出.xlsx>', 2);
  const tid = await cli.townshipId(opts.township);
  const roster = await rosterOf(cli.d, tid);
  await writeRosterXlsx(out, roster);
  cli.out(`已导出 ${roster.length} 户、${roster.reduce((n, h) => n + h.members.length, 0)} 人到 ${out}（含完整身份证号，仅供乡扶贫办使用）。`);
}

export async function auditCommand(cli: CliContext, opts: { village?: string; township?: string; limit?: string }) {
  const tid = await cli.townshipId(opts.township);
  let villageId: number | undefined;
  if (opts.village) {
    const v = await findVillageByName(cli.d, tid, opts.village);
    if (!v) throw new CliError(`没有叫“${opts.village}”的村。`);
    villageId = v.id;
  }
  const rows = await cli.d.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.townshipId, tid), villageId === undefined ? undefined : eq(auditLog.villageId, villageId)))
    .orderBy(desc(auditLog.id))
    .limit(Number(opts.limit ?? 200));
  for (const r of rows.reverse()) {
    const when = new Date(r.at + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
    const change = `${r.before ? JSON.stringify(r.before) : '∅'} → ${r.after ? JSON.stringify(r.after) : '∅'}`;
    cli.out(`${when} ${r.actor} ${r.action} ${r.entity} ${r.entityId} ${change} [${r.source}]`);
  }
  if (rows.length === 0) cli.out('没有记录。');
}
