// 导入 花名册 / 导入 <部门>: the office sends a roster or a department list in the chat (DESIGN §6
// Files). Two orders: the file first and the command as a reply to it, or the command first and
// the file as a reply to the command (or to the bot's answer). These handlers only write the
// chat_imports row and answer; downloading, reading, staging and the commit run after the
// acknowledgement, in pieces (src/chat-import/run.ts). 确认导入 / 取消 on the preview card move
// the row on; a second press, a stale card or a press by someone else changes nothing.
import { eq } from 'drizzle-orm';
import { inbox, outbox } from '../../../db/schema/index';
import { DEPARTMENTS, parseDepartment } from '../../core/exclusions';
import { shortWord } from '../../core/limits';
import { awaitingImportFor, createChatImport, getChatImport, updateChatImport, type ChatImportRow } from '../../store/chat-imports';
import { cancelledCard, importingCard, type Preview } from '../../chat-import/cards';
import type { Bot } from '../bot';
import { importCancel, importConfirm } from '../actions/imports';
import type { BotContext } from '../context';

const USAGE = `用法：导入 花名册，或 导入 <部门>（${DEPARTMENTS.join('、')}）。先发送文件，再“回复”该文件发送命令；或先发命令，再“回复”命令发送文件。`;

type Target = { kind: 'roster'; department: null } | { kind: 'department'; department: string };

const what = (t: { kind: string; department: string | null }) => (t.kind === 'roster' ? '花名册' : `${t.department}名单`);

function targetOf(word: string | undefined): Target | null {
  if (!word) return null;
  if (['花名册', '建档立卡花名册', '户', '农户'].includes(word)) return { kind: 'roster', department: null };
  const dep = parseDepartment(word);
  return dep ? { kind: 'department', department: dep } : null;
}

interface FileRef {
  fileKey: string;
  fileName: string;
}

/** What a message carries, as a file import sees it: a file, or why it is not one. */
function fileOf(messageType: string, content: string): FileRef | string {
  if (messageType !== 'file') {
    const kind = messageType === 'image' ? '图片' : messageType === 'text' || messageType === 'post' ? '文字消息' : '这类消息';
    return `回复的是${kind}，不是文件。请“回复”花名册或名单文件（.xlsx 或 .csv）发送命令。`;
  }
  let c: { file_key?: unknown; file_name?: unknown };
  try {
    c = JSON.parse(content) as typeof c;
  } catch {
    c = {};
  }
  const fileKey = typeof c.file_key === 'string' ? c.file_key : '';
  const fileName = typeof c.file_name === 'string' ? c.file_name : '';
  if (!fileKey) return '读不到这个文件，请重新发送文件后再试。';
  const ext = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (ext === 'xlsx' || ext === 'csv') return { fileKey, fileName };
  if (ext === 'xls' || ext === 'et' || ext === 'wps') {
    return `收到的是旧版表格文件（${fileName}）。请在 Excel 或 WPS 里“另存为” .xlsx 后重新发送。`;
  }
  return `只能导入 .xlsx 或 .csv 文件，收到的是“${fileName || '未命名文件'}”。请把表格另存为 .xlsx 或 .csv 后重新发送。`;
}

/** The message `id` as the bot received it (the inbox), or as Feishu has it (GET message). */
async function messageById(ctx: BotContext, id: string): Promise<{ messageType: string; content: string } | null> {
  const [row] = await ctx.d.db.select({ payload: inbox.payload }).from(inbox).where(eq(inbox.messageId, id)).limit(1);
  if (row) {
    try {
      const m = (JSON.parse(row.payload) as { event?: { message?: { message_type?: unknown; content?: unknown } } }).event?.message;
      if (typeof m?.message_type === 'string' && typeof m.content === 'string') return { messageType: m.message_type, content: m.content };
    } catch {
      /* ask Feishu */
    }
  }
  if (!ctx.api) return null;
  try {
    return await ctx.api.getMessage(id);
  } catch {
    return null;
  }
}

const importId = (ctx: BotContext) => `imp_${ctx.newUuid().slice(0, 24)}`;

function start(ctx: BotContext, t: Target, state: 'awaiting_file' | 'downloading', file: FileRef | null, fileMessageId: string | null) {
  const now = ctx.now.getTime();
  const actor = ctx.actor.person ? `${ctx.actor.person.name}(${ctx.actor.openId})` : ctx.actor.openId;
  ctx.write(
    createChatImport(ctx.d, {
      id: importId(ctx),
      townshipId: ctx.township!.id,
      kind: t.kind,
      department: t.department,
      state,
      chatId: ctx.chatId!,
      commandMessageId: ctx.replyTo!,
      fileMessageId,
      fileKey: file?.fileKey ?? null,
      fileName: file?.fileName ?? null,
      actor,
      createdAt: now,
      updatedAt: now,
    }),
  );
  if (state === 'downloading') ctx.whenCommitted(async () => ctx.imports?.kick());
}

export const imports = (bot: Bot) =>
  bot
    .command({
      name: '导入',
      usage: '导入 花名册 | 导入 <部门>',
      summary: '从聊天导入花名册或部门比对名单（回复文件发送，先预览，确认后才写入）',
      roles: ['office'],
      async run(ctx, p) {
        const t = targetOf(p.args[0]);
        if (!t) return ctx.reply(p.args[0] ? `没有“${shortWord(p.args[0])}”这种名单。${USAGE}` : USAGE);
        if (!ctx.township || !ctx.chatId || !ctx.replyTo) return ctx.reply('请在本乡的工作群里或私聊机器人发送。');
        if (!ctx.parentId) {
          start(ctx, t, 'awaiting_file', null, null);
          return ctx.reply(`请在飞书里“回复”本条消息（或你刚才发的命令），发送要导入的${what(t)}文件（.xlsx 或 .csv）。`);
        }
        const m = await messageById(ctx, ctx.parentId);
        if (!m) return ctx.reply('找不到你回复的那条消息里的文件。请重新发送文件，再“回复”该文件发送命令；若仍不行，请确认应用已开通读取消息的权限。');
        const f = fileOf(m.messageType, m.content);
        if (typeof f === 'string') return ctx.reply(f);
        start(ctx, t, 'downloading', f, ctx.parentId);
        ctx.reply(`已收到${what(t)}文件“${f.fileName}”，正在下载检查，稍后发预览卡片；确认之前不会写入任何数据。`);
      },
    })
    .onReplyMedia({
      name: 'import.file',
      async run(ctx, media) {
        // the command this replies to, directly or through the bot's answer to it
        const [answered] = await ctx.d.db.select({ replyTo: outbox.replyTo }).from(outbox).where(eq(outbox.feishuMessageId, media.parentId)).limit(1);
        const waiting = await awaitingImportFor(ctx.d, [media.parentId, ...(answered?.replyTo ? [answered.replyTo] : [])]);
        if (!waiting) return false;
        if (!ctx.township || waiting.townshipId !== ctx.township.id || !ctx.actor.grants.some((g) => g.role === 'office')) {
          ctx.reply('只有乡扶贫办可以导入花名册和部门名单。');
          return true;
        }
        const item = media.items[0]!;
        const f = fileOf(item.messageType, item.content);
        if (typeof f === 'string') {
          ctx.reply(f);
          return true;
        }
        ctx.write(
          updateChatImport(ctx.d, waiting.id, ['awaiting_file'], { state: 'downloading', fileMessageId: media.messageId, fileKey: f.fileKey, fileName: f.fileName }, ctx.now.getTime()),
        );
        ctx.whenCommitted(async () => ctx.imports?.kick());
        ctx.reply(`已收到${what(waiting)}文件“${f.fileName}”，正在下载检查，稍后发预览卡片；确认之前不会写入任何数据。`);
        return true;
      },
    })
    .action(importConfirm, async (ctx, { value }) => {
        const row = await pressed(ctx, value);
        if (!row) return;
        if (row.state !== 'ready') return ctx.toast(row.state === 'importing' || row.state === 'done' ? 'info' : 'warning', stateText(row));
        ctx.write(updateChatImport(ctx.d, row.id, ['ready'], { state: 'importing', decidedBy: decider(ctx) }, ctx.now.getTime()));
        ctx.whenCommitted(async () => ctx.imports?.kick());
        ctx.answer.card = importingCard(row.fileName ?? '', row.preview as Preview);
        ctx.toast('success', `已确认，正在导入${what(row)}。`);
    })
    .action(importCancel, async (ctx, { value }) => {
        const row = await pressed(ctx, value);
        if (!row) return;
        if (row.state !== 'ready') return ctx.toast(row.state === 'cancelling' || row.state === 'cancelled' ? 'info' : 'warning', stateText(row));
        ctx.write(updateChatImport(ctx.d, row.id, ['ready'], { state: 'cancelling', decidedBy: decider(ctx) }, ctx.now.getTime()));
        ctx.whenCommitted(async () => ctx.imports?.kick());
        ctx.answer.card = cancelledCard(row.fileName ?? '', row.preview as Preview);
        ctx.toast('info', '已取消，没有写入任何数据。');
    });

const decider = (ctx: BotContext) => (ctx.actor.person ? `${ctx.actor.person.name}(${ctx.actor.openId})` : ctx.actor.openId);

async function pressed(ctx: BotContext, value: { id: string }): Promise<ChatImportRow | null> {
  const row = await getChatImport(ctx.d, value.id);
  if (!row || !ctx.township || row.townshipId !== ctx.township.id) {
    ctx.toast('error', '这张卡片已失效，请重新发送文件并回复“导入”。');
    return null;
  }
  return row;
}

function stateText(row: ChatImportRow): string {
  switch (row.state) {
    case 'importing':
      return `已确认过，${what(row)}正在导入，完成后会另发结果。`;
    case 'done':
      return `${what(row)}已经导入过了，不会重复导入。`;
    case 'cancelling':
    case 'cancelled':
      return '这次导入已取消。要导入请重新发送文件。';
    case 'failed':
      return '这次导入没有成功，请重新发送文件。';
    default:
      return '这张卡片已失效，请重新发送文件并回复“导入”。';
  }
}
