// init, township remove, import households, export households, audit
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadTownshipFile } from '../../township/schema';
import { loadTownship } from '../../township/load';
import { importRosterFile, rosterOf } from '../../township/roster-store';
import { writeRejects, writeRosterXlsx } from '../../import/roster';
import { listTownships } from '../../store/township';
import { countTownshipRows, isSeededExample, removeTownshipRows } from '../../store/remove-township';
import { backupSqlite } from '../../store/backup';
import { EXAMPLES_DIR } from '../../township/seed';
import { cstStamp } from '../../core/dates';
import { CliError, type CliContext } from '../context';

export async function initCommand(cli: CliContext, file: string | undefined) {
  if (!file) throw new CliError('用法：init <township.json>', 2);
  const parsed = await loadTownshipFile(file);
  if (!parsed.ok) throw new CliError(`${file} 有 ${parsed.errors.length} 处错误，未写入任何数据：\n${parsed.errors.map((e) => `  • ${e}`).join('\n')}`);
  for (const w of parsed.warnings) cli.out(`提示：${w}`);
  await replaceExample(cli, file, parsed.value);
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

/**
 * Going live: when the database holds only the example the first offline start loaded, a real
 * township replaces it, keeping nothing of it (its chats would otherwise keep getting reminders).
 */
async function replaceExample(cli: CliContext, file: string, value: { township: { code: string } }) {
  const all = await listTownships(cli.d);
  if (all.length !== 1 || !isSeededExample(cli.d.sqlite, all[0]!.id)) return;
  const example = await loadTownshipFile(resolve(EXAMPLES_DIR, 'township.json'));
  if (resolve(file) === resolve(EXAMPLES_DIR, 'township.json') || (example.ok && JSON.stringify(example.value) === JSON.stringify(value))) return;
  const ex = all[0]!;
  const counts = removeTownshipRows(cli.d.sqlite, ex.id, {
    at: Date.now(),
    actor: cli.actor,
    source: `cli:init ${file}`,
    after: { reason: 'example replaced', by: value.township.code },
  });
  cli.out(
    `数据库里只有首次离线启动时自动载入的示例乡镇 ${ex.name}（${ex.id}）：已将它整体删除（村 ${counts.villages ?? 0}、人员 ${counts.people ?? 0}、户 ${counts.households ?? 0}，` +
      `以及它的全部记录和待发消息），不保留示例的任何数据，换成 ${value.township.code}。`,
  );
}

const REMOVE_USAGE = '用法：township remove <乡镇代码> [--yes] [--backup <备份文件.sqlite>]';

/** `township remove <code>`: removes one township and everything scoped to it, after a backup. */
export async function townshipRemoveCommand(
  cli: CliContext,
  code: string | undefined,
  opts: { yes?: boolean; backup?: string; now?: Date },
) {
  if (!code) throw new CliError(REMOVE_USAGE, 2);
  const all = await listTownships(cli.d);
  const t = all.find((x) => x.id === code);
  if (!t) throw new CliError(`没有代码为 ${code} 的乡镇，未删除任何数据。已有：${all.map((x) => x.id).join('、') || '（无）'}`, 2);
  const counts = countTownshipRows(cli.d.sqlite, code);
  const now = opts.now ?? new Date();
  const stamp = cstStamp(now);
  const backup = opts.backup ?? resolve(dirname(resolve(cli.config.DATABASE_PATH)), `删除前备份-${code}-${stamp}.sqlite`);
  if (existsSync(backup)) throw new CliError(`${backup} 已存在：请用 --backup 换一个文件名（备份不覆盖已有文件），未删除任何数据。`, 2);
  if (!existsSync(dirname(resolve(backup)))) throw new CliError(`备份文件所在的目录不存在：${dirname(resolve(backup))}，未删除任何数据。`, 2);
  cli.out(
    `将删除 ${t.name}（${code}）及其全部数据：村 ${counts.villages ?? 0}、人员 ${counts.people ?? 0}、户 ${counts.households ?? 0}、成员 ${counts.members ?? 0}、` +
      `修改记录 ${counts.audit_log ?? 0} 条、待发和已发消息 ${counts.outbox ?? 0} 条。删除前先备份到 ${backup}。`,
  );
  if (!opts.yes) {
    if (!cli.ask) throw new CliError(`需要确认：在终端里运行并按提示输入乡镇代码，或加 --yes。未删除任何数据。\n${REMOVE_USAGE}`, 2);
    for (const prompt of [`请输入乡镇代码 ${code} 确认删除：`, `再输入一次 ${code}：`]) {
      const typed = (await cli.ask(prompt)).trim();
      if (typed !== code) throw new CliError(`输入的“${typed}”与 ${code} 不符，已取消，未删除任何数据。`, 1);
    }
  }
  const r = await backupSqlite(cli.d.sqlite, backup);
  if (r.integrity !== 'ok') throw new CliError(`备份完整性检查未通过（${r.integrity}），未删除任何数据。请重试。`);
  removeTownshipRows(cli.d.sqlite, code, { at: now.getTime(), actor: cli.actor, source: `cli:township remove ${code}`, after: { backup } });
  cli.out(`已删除 ${t.name}（${code}）。删除前的备份：${backup}（恢复方法见 docs/OPERATIONS.md）。`);
  const left = all.filter((x) => x.id !== code).map((x) => x.id);
  cli.out(left.length ? `数据库里还有：${left.join('、')}。` : '数据库里已没有乡镇：运行 npm run cli -- init <township.json> 载入你的乡镇。');
  return { counts, backup };
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

