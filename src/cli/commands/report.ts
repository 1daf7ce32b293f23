// export report <out.xlsx>, archive <folder>, archive check <folder>, backup <file>
import { existsSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { auditLog } from '../../../db/schema/index';
import { getTownship } from '../../store/township';
import { countyReportFile } from '../../report/county';
import { checkArchive, writeArchive } from '../../report/archive';
import { markArchived, markReportExported, summaryText } from '../../report/service';
import { backupSqlite } from '../../store/backup';
import { CliError, type CliContext } from '../context';
import { cliInstant } from '../command';

function parentMustExist(path: string, what: string) {
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) throw new CliError(`${what}所在的目录不存在：${dir}`, 2);
}

/** Runs reads under one read transaction: one snapshot even while the server keeps writing (WAL). */
async function snapshot<T>(cli: CliContext, read: () => Promise<T>): Promise<T> {
  cli.d.sqlite.exec('BEGIN');
  try {
    return await read();
  } finally {
    cli.d.sqlite.exec('COMMIT');
  }
}

const REPORT_USAGE = '用法：export report <输出.xlsx> [--at <ISO 时间>]';

export async function exportReportCommand(cli: CliContext, out: string | undefined, opts: { township?: string; at?: string }) {
  if (!out) throw new CliError(REPORT_USAGE, 2);
  if (!/\.xlsx$/i.test(out)) throw new CliError(`输出文件须为 .xlsx：${out}\n${REPORT_USAGE}`, 2);
  parentMustExist(out, '输出文件');
  const now = cliInstant(opts.at);
  const tid = await cli.townshipId(opts.township);
  const t = (await getTownship(cli.d, tid))!;
  const f = await snapshot(cli, () => countyReportFile(cli.d, tid, now));
  await writeFile(out, f.bytes);
  await cli.d.atomic([
    markReportExported(cli.d, tid, now.getTime()),
    cli.d.db.insert(auditLog).values({
      townshipId: tid,
      at: now.getTime(),
      actor: cli.actor,
      action: 'export',
      entity: 'report',
      entityId: tid,
      after: { file: resolve(out), delivered: 'file', summary: f.summary },
      source: `cli:export report ${out}`,
    }),
  ]);
  cli.out(`已导出${t.name}复核报表到 ${out}：${summaryText(f.summary)}。`);
  cli.out('文件含完整身份证号，仅供上报县扶贫移民局。报县后请在群里发送“上报 已提交”，再运行 archive 存档。');
  return f;
}

const ARCHIVE_USAGE = '用法：archive <存档目录> [--at <ISO 时间>]；核对：archive check <存档目录>';

export async function archiveCommand(cli: CliContext, folder: string | undefined, opts: { township?: string; at?: string }) {
  if (!folder) throw new CliError(ARCHIVE_USAGE, 2);
  if (existsSync(folder)) {
    if (!statSync(folder).isDirectory()) throw new CliError(`${folder} 已存在且不是目录。${ARCHIVE_USAGE}`, 2);
    if (readdirSync(folder).length > 0) throw new CliError(`存档目录 ${folder} 不是空的：请换一个新目录（每次存档一个目录，旧存档保持不变）。`, 2);
  }
  const now = cliInstant(opts.at);
  const tid = await cli.townshipId(opts.township);
  const t = (await getTownship(cli.d, tid))!;
  const r = await snapshot(cli, () => writeArchive(cli.d, tid, folder, { now, actor: cli.actor }));
  await cli.d.atomic([
    markArchived(cli.d, tid, now.getTime()),
    cli.d.db.insert(auditLog).values({
      townshipId: tid,
      at: now.getTime(),
      actor: cli.actor,
      action: 'archive',
      entity: 'archive',
      entityId: tid,
      after: { folder: r.dir, files: r.manifest.files.map((f) => f.path), manifestSha256: r.manifestSha256 },
      source: `cli:archive ${folder}`,
    }),
  ]);
  cli.out(`已存档${t.name}到 ${r.dir}：`);
  for (const f of r.manifest.files) cli.out(`  ${f.path}  ${f.bytes} 字节  SHA-256 ${f.sha256}`);
  cli.out(`  manifest.json  SHA-256 ${r.manifestSha256}（已记入修改记录）`);
  cli.out(`修改记录 ${r.manifest.counts.auditEntries} 条，佐证引用 ${r.manifest.counts.evidenceReferences} 条。`);
  if (!t.reportExportedAt || !t.reportSubmittedAt) {
    cli.err(`提示：报表${t.reportExportedAt ? '' : '尚未导出、'}尚未标记为已上报。“上报存档”阶段要等导出、上报、存档都完成；上报后建议重新存档一次，使存档包含上报记录。`);
  } else cli.out('报表已导出并上报、已存档：现在可以在群里发送“完成 上报存档”。');
  return r;
}

export async function archiveCheckCommand(cli: CliContext, folder: string | undefined) {
  if (!folder) throw new CliError(ARCHIVE_USAGE, 2);
  if (!existsSync(folder)) throw new CliError(`没有这个目录：${folder}`, 2);
  const r = await checkArchive(folder);
  if (!r.ok) throw new CliError(`存档核对不通过（核对了 ${r.checked} 个文件）：\n${r.problems.map((p) => `  • ${p}`).join('\n')}`);
  cli.out(`存档核对通过：${r.checked} 个文件的 SHA-256 与 manifest.json 一致。`);
  return r;
}

export async function backupCommand(cli: CliContext, file: string | undefined) {
  if (!file) throw new CliError('用法：backup <备份文件.sqlite>', 2);
  if (existsSync(file)) throw new CliError(`${file} 已存在：请换一个文件名（备份不覆盖已有文件）。`, 2);
  parentMustExist(file, '备份文件');
  const r = await backupSqlite(cli.d.sqlite, file);
  if (r.integrity !== 'ok') throw new CliError(`备份完成但完整性检查未通过：${r.integrity}。请重试，或停止服务后复制数据库文件。`);
  const n = (name: string) => r.tables[name] ?? 0;
  cli.out(
    `已备份数据库 ${cli.config.DATABASE_PATH} 到 ${file}（${r.pages} 页，完整性检查 ok）：` +
      `户 ${n('households')}、成员 ${n('members')}、会议 ${n('meetings')}、修改记录 ${n('audit_log')} 条。`,
  );
  cli.out('恢复方法见 docs/OPERATIONS.md：停止服务，把备份文件复制为 DATABASE_PATH，删除同名的 -wal 和 -shm 文件，再启动。');
  return r;
}
