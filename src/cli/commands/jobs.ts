// jobs run [--at <ISO time>]: runs the scheduled jobs (DESIGN §7) once, as the server's cron
// would at that time, then sends what they queued (to the log when offline). Idempotent: what
// was already queued for a day is not queued again.
import { runJobs } from '../../jobs/run';
import { OutboxSender } from '../../feishu/sender';
import { consoleLogger, type Logger } from '../../log';
import { formatCn, cstTime } from '../../core/dates';
import { CliError, type CliContext } from '../context';
import { cliInstant } from '../command';

export async function jobsRunCommand(cli: CliContext, opts: { at?: string; township?: string }, log: Logger = consoleLogger()) {
  const now = cliInstant(opts.at);
  const townshipId = opts.township === undefined ? undefined : await cli.townshipId(opts.township);
  const t = cstTime(now);
  cli.out(`按北京时间 ${formatCn(t.date)} ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')} 运行定时任务…`);
  const r = await runJobs(cli.d, now, log, { townshipId });
  for (const e of r.errors) cli.err(`出错：${e}`);
  cli.out(`到期消息 ${r.planned} 条：新排队 ${r.queued} 条（${r.outboxRows} 张卡片），此前已发送 ${r.skipped} 条。`);
  for (const k of r.keys) cli.out(`  • ${k}`);
  if (r.outboxRows > 0) {
    const sender = new OutboxSender({ d: cli.d, api: cli.api, log });
    const sent = await sender.drainAll();
    cli.out(cli.api ? `已发送 ${sent} 条（失败的会由服务器稍后重试）。` : `未配置飞书应用：${sent} 条消息已写入日志。`);
  }
  if (r.errors.length > 0) throw new CliError(`定时任务有 ${r.errors.length} 处错误。`);
  return r;
}
