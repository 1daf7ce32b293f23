// inbox [--errors] [--limit N]: what the bot received. Counts by status; with --errors, the events
// that failed (not understood, or a handler that kept failing) and those waiting for a retry after
// an error, with the reason — never their content.
import { countInbox, listInboxErrors, UNREADABLE } from '../../store/inbox';
import { cstTime } from '../../core/dates';
import { CliError, type CliContext } from '../context';

const pad = (n: number) => String(n).padStart(2, '0');
const cstStamp = (ms: number) => {
  const t = cstTime(new Date(ms));
  return `${t.date} ${pad(t.hour)}:${pad(t.minute)}`;
};

export async function inboxCommand(cli: CliContext, opts: { errors?: boolean; limit?: string }) {
  const limit = opts.limit === undefined ? 50 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit 须为正整数；收到：${opts.limit}`, 2);
  const c = await countInbox(cli.d);
  cli.out(`收到的事件：待处理 ${c.pending} 条，已处理 ${c.done} 条，失败 ${c.failed} 条。`);
  if (!opts.errors) {
    if (c.failed > 0) cli.out('查看失败的事件及原因：npm run cli -- inbox --errors');
    return;
  }
  const rows = await listInboxErrors(cli.d, limit);
  if (rows.length === 0) {
    cli.out('没有失败或出错的事件。');
    return;
  }
  cli.out('时间（北京时间）  编号  事件类型  事件 ID  状态：原因');
  for (const r of rows) {
    const error = r.error ?? '';
    const state = error.startsWith(UNREADABLE) ? '无法识别' : r.status === 'failed' ? `处理失败（已试 ${r.attempts} 次）` : `出错，稍后重试（已试 ${r.attempts} 次）`;
    const reason = error.startsWith(UNREADABLE) ? error.slice(UNREADABLE.length) : error;
    cli.out(`${cstStamp(r.receivedAt)}  #${r.id}  ${r.eventType}  ${r.eventId}  ${state}：${reason}`);
  }
  if (rows.length === limit) cli.out(`只列出最近 ${limit} 条；用 --limit N 看更多。`);
}
