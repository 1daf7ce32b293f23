// 报表 and the progress card's 导出报表 (office only): the county report (DESIGN §2 county_report)
// as an .xlsx file, uploaded to Feishu and sent through the outbox as a file message — to the
// leaders' chat, or privately anywhere else (the file holds full ID numbers: never into a village
// chat). Offline the file stays on the server and the bot says where. Exporting is recorded
// (townships.reportExportedAt) and audited. The workbook is built by the deployment's
// ReportService (Node); on Workers there is none and the bot says so.
import type { Bot } from '../bot';
import type { BotContext } from '../context';
import { cstDate, formatCn } from '../../core/dates';
import { markReportExported, summaryText } from '../../report/service';
import { reportExport } from '../actions/progress';

export const REPORT_UNAVAILABLE =
  '这个部署（Cloudflare Workers）不能生成 Excel 报表。请在安装了本程序的电脑或服务器上运行：npm run cli -- export report <文件.xlsx>';

export interface ExportOutcome {
  ok: boolean;
  /** a short line for a card's toast */
  toast: string;
}

/** Builds the report, hands it out, records the export. Replies in the chat either way. */
export async function exportReportInChat(ctx: BotContext, privately: boolean): Promise<ExportOutcome> {
  const t = ctx.township;
  if (!t) {
    ctx.reply('你还不在任何乡镇的名单里，请联系乡扶贫办。');
    return { ok: false, toast: '不在名单中' };
  }
  if (!ctx.reports) {
    ctx.reply(REPORT_UNAVAILABLE);
    return { ok: false, toast: '此部署不能生成报表' };
  }
  const file = await ctx.reports.countyReport(ctx.d, t.id, ctx.now);
  const toChat = !privately && ctx.chat?.kind === 'leaders' && ctx.chatId !== null;
  let fileKey: string | null = null;
  let savedAt: string | null = null;
  let uploadError: string | null = null;
  if (ctx.api) {
    try {
      fileKey = await ctx.api.uploadFile(file.fileName, file.bytes, 'xls');
      if (!fileKey) uploadError = '飞书未返回文件标识';
    } catch (e) {
      uploadError = (e as Error).message;
    }
  }
  if (!fileKey) savedAt = await ctx.reports.save(file.fileName, file.bytes);

  const delivered = fileKey ? (toChat ? 'chat' : 'private') : 'server';
  ctx.write(markReportExported(ctx.d, t.id, ctx.now.getTime()));
  ctx.audit({
    action: 'export',
    entity: 'report',
    entityId: t.id,
    villageId: null,
    after: { file: savedAt ?? file.fileName, delivered, ...(uploadError ? { uploadError } : {}), summary: file.summary },
  });

  const date = formatCn(cstDate(ctx.now));
  const head = `${t.name}复核报表已导出（${date}）：${summaryText(file.summary)}。`;
  const next = t.reportSubmittedAt ? '' : '\n报县扶贫移民局后请发送“上报 已提交”。';
  const privacy = '文件含完整身份证号，仅供上报县扶贫移民局，请勿转发到村工作群。';
  if (fileKey) {
    const where = toChat ? '文件见下一条消息。' : '文件已私信发给你。';
    ctx.reply(`${head}\n${where}${privacy}${next}`);
    if (toChat) ctx.reply({ file: fileKey });
    else ctx.send({ openId: ctx.actor.openId }, { file: fileKey });
    return { ok: true, toast: toChat ? '报表已发到群里' : '报表已私信发给你' };
  }
  const why = uploadError ? `上传到飞书失败（${uploadError}）` : '未连接飞书（离线运行）';
  ctx.reply(`${head}\n${why}，报表已保存在服务器：${savedAt}\n${privacy}${next}`);
  return { ok: true, toast: '报表已保存在服务器' };
}

export const countyReport = (bot: Bot) =>
  bot
    .command({
      name: '报表',
      usage: '报表 [私发]',
      summary: '导出上报县扶贫移民局的复核报表（Excel）：在领导群发到群里，其他地方私信发给你',
      roles: ['office'],
      async run(ctx, p) {
        const arg = p.args[0];
        if (arg && arg !== '私发') return ctx.reply('用法：报表 [私发]。在领导群发送“报表”会把文件发到群里；加“私发”或在其他群、私聊中发送，文件私信发给你。');
        await exportReportInChat(ctx, arg === '私发');
      },
    })
    .action(reportExport, async (ctx) => {
        const r = await exportReportInChat(ctx, false);
        ctx.toast(r.ok ? 'success' : 'error', r.toast);
      });
