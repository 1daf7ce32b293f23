// 公示: the village notice (in a village chat) or the township notice (by the office, in the
// leaders' chat or privately). The minimum period counts CST calendar days including the start
// day; a late start is warned about with the latest start day. Objections are numbered and must
// be resolved before the stage can complete.
import { addNotice, addObjection, nextObjectionNo, noticeOf, objectionOf, resolveObjectionRow } from '../../store/review';
import type { TownshipRow } from '../../store/township';
import type { Bot } from '../bot';
import type { TownshipContext } from '../action';
import { cstDate, formatCn, parseCalendarDate } from '../../core/dates';
import { latestNoticeStart, noticeEnd } from '../../core/campaign';
import { allows } from '../../core/roles';
import { findHousehold, moveAll } from '../households';
import { tooLong } from '../../core/limits';
import { backfillDaysOf, backfillNeedsPhoto, datedEntryProblem, isBackfill, villageOrder, type OrderVerdict } from '../../core/procedure';
import { villageFacts } from '../../store/progress';
import { evidenceEntries } from '../evidence';
import type { Attachment } from '../parse';
import { objectionResolve, noticeForm } from '../actions/review';

const REPORTERS = ['village_cadre', 'first_secretary', 'package_cadre', 'office'] as const;
const USAGE = '用法：公示 开始 [日期] / 公示 异议 <户> <内容> / 公示 处理 <编号> <结果>';

/** Which notice this chat speaks about: its village's, or the township's for the office outside village chats. */
function scope(ctx: TownshipContext): { villageId: number; label: string; stage: 'village_evaluation' | 'township_review' } | string {
  if (ctx.village) return { villageId: ctx.village.id, label: `${ctx.village.name}村级公示`, stage: 'village_evaluation' };
  if (allows(ctx.actor.grants, ['office'])) return { villageId: 0, label: `${ctx.township.name}乡级公示`, stage: 'township_review' };
  return '村级公示请在本村工作群里操作；乡级公示由乡扶贫办操作。';
}

async function currentNotice(ctx: TownshipContext, villageId: number) {
  return noticeOf(ctx.d, ctx.township.id, villageId);
}

/** The township notice follows the township meeting (DESIGN §3.4). */
function townshipNoticeOrder(t: TownshipRow): OrderVerdict {
  if (!t.townshipMeetingAt) return { refusal: '还不能开始乡级公示：上一步“乡政府办公会审核”尚未登记。请先发送：乡会议 <日期>', after: null };
  const date = t.townshipMeetingDate ?? cstDate(new Date(t.townshipMeetingAt));
  return { refusal: null, after: { date, label: `乡政府办公会（${formatCn(date)}）` } };
}

export async function startNotice(ctx: TownshipContext, dateWord: string | undefined, attachments: Attachment[] = []) {
  const s = scope(ctx);
  if (typeof s === 'string') return ctx.reply(s);
  const config = ctx.township.campaign;
  const today = cstDate(ctx.now);
  const start = dateWord ? parseCalendarDate(dateWord, config.year) : today;
  if (!start) return ctx.reply(`日期“${dateWord}”无法识别，请写成 12-09 或 12月9日。`);
  const existing = await currentNotice(ctx, s.villageId);
  if (existing) return ctx.reply(`${s.label}已于 ${formatCn(existing.startDate)} 开始，至 ${formatCn(existing.endDate)} 期满。`);
  // Order and date (DESIGN §3.4): a village notice follows the two-committees meeting, the
  // township notice the township meeting; the start date is kept as typed.
  const order = s.villageId ? villageOrder('village_notice', await villageFacts(ctx.d, ctx.township.id, s.villageId)) : townshipNoticeOrder(ctx.township);
  if (order.refusal) return ctx.reply(order.refusal);
  const problem = datedEntryProblem(s.label, start, { today, campaign: config, after: order.after });
  if (problem) return ctx.reply(`${s.label}未开始：${problem}`);
  const backfillDays = backfillDaysOf(config);
  const backfilled = isBackfill(start, today, backfillDays);
  const photos = ctx.replyTo ? evidenceEntries({ items: attachments, messageId: ctx.replyTo, parentId: '' }) : [];
  if (backfilled && photos.length === 0) return ctx.reply(`${s.label}未开始：${backfillNeedsPhoto(s.label, start, today, backfillDays)}`);
  const min = config.noticeMinDays;
  const end = noticeEnd(start, min);
  const deadline = config.deadlines[s.stage];
  const row = {
    townshipId: ctx.township.id,
    villageId: s.villageId,
    startDate: start,
    endDate: end,
    startedBy: ctx.actor.person?.name ?? ctx.actor.openId,
    backfilled,
    evidence: photos.map((e) => e.entry),
    createdAt: ctx.now.getTime(),
  };
  ctx.write(addNotice(ctx.d, row));
  if (s.villageId) moveAll(ctx, s.villageId, 'notice_start');
  ctx.audit({ action: 'start', entity: 'notice', entityId: s.label, villageId: s.villageId || null, after: { ...row, ...(backfilled ? { 后补登记: true, enteredOn: today } : {}) } });
  const lines = [`${s.label}从 ${formatCn(start)} 开始，须满 ${min} 天，至 ${formatCn(end)} 期满。${backfilled ? `（后补登记，已附 ${photos.length} 份佐证）` : ''}`];
  if (end > deadline) {
    lines.push(`⚠️ 期满日晚于截止日 ${formatCn(deadline)}：最迟应于 ${formatCn(latestNoticeStart(deadline, min))} 开始。请向乡扶贫办说明。`);
  }
  lines.push('公示期间收到的异议请发送：公示 异议 <户> <内容>');
  ctx.reply(lines.join('\n'));
}

/** 公示 处理 <编号> <结果>: the Chinese outcome; writes only when resolved now. */
export async function resolveObjection(ctx: TownshipContext, no: number, result: string): Promise<string> {
  if (!Number.isInteger(no) || !result) return '用法：公示 处理 <编号> <处理结果>';
  const long = tooLong('objection', '处理结果', result);
  if (long) return long;
  const s = scope(ctx);
  if (typeof s === 'string') return s;
  const notice = await currentNotice(ctx, s.villageId);
  if (!notice) return `${s.label}还没有开始。`;
  const o = await objectionOf(ctx.d, notice.id, no);
  if (!o) return `没有第 ${no} 号异议。`;
  if (o.resolvedAt) return `第 ${no} 号异议已于此前处理：${o.resolution}`;
  ctx.write(resolveObjectionRow(ctx.d, o.id, { resolution: result, resolvedBy: ctx.actor.person?.name ?? ctx.actor.openId, resolvedAt: ctx.now.getTime() }));
  ctx.audit({ action: 'resolve', entity: 'objection', entityId: `${s.label}#${no}`, villageId: s.villageId || null, before: { resolution: null }, after: { resolution: result } });
  return `第 ${no} 号异议已处理：${result}`;
}

export const reviewNotice = (bot: Bot) =>
  bot
    .command({
      name: '公示',
      usage: '公示 开始 [日期] / 公示 异议 <户> <内容> / 公示 处理 <编号> <结果>',
      summary: '开始公示，登记和处理公示异议',
      roles: REPORTERS,
      async run(ctx, p) {
        const [verb, ...args] = p.args;
        if (verb === '开始') return startNotice(ctx, args[0], p.attachments);
        const s = scope(ctx);
        if (typeof s === 'string') return ctx.reply(s);
        const notice = await currentNotice(ctx, s.villageId);
        if (verb === '异议') {
          const [ref, ...words] = args;
          const content = words.join(' ');
          if (!ref || !content) return ctx.reply('用法：公示 异议 <户> <内容>');
          const long = tooLong('objection', '异议内容', content);
          if (long) return ctx.reply(long);
          if (!notice) return ctx.reply(`${s.label}还没有开始，不能登记异议。先发送：公示 开始 [日期]`);
          const found = await findHousehold(ctx, ref);
          const household = found.ok ? `${found.household.number} ${found.household.headName}` : ref;
          if (!found.ok && found.message.includes('请改用户编号')) return ctx.reply(found.message);
          const no = await nextObjectionNo(ctx.d, notice.id);
          ctx.write(addObjection(ctx.d, { noticeId: notice.id, no, household, content, raisedBy: ctx.actor.person?.name ?? ctx.actor.openId, raisedAt: ctx.now.getTime() }));
          ctx.audit({ action: 'object', entity: 'objection', entityId: `${s.label}#${no}`, villageId: s.villageId || null, after: { household, content } });
          return ctx.reply(`已登记第 ${no} 号异议（${household}）：${content}\n核实后请发送：公示 处理 ${no} <处理结果>`);
        }
        if (verb === '处理') {
          const [noWord, ...words] = args;
          return ctx.reply(await resolveObjection(ctx, Number(noWord), words.join(' ')));
        }
        ctx.reply(USAGE);
      },
    })
    .action(objectionResolve, async (ctx, { value, form }) => {
        const text = await resolveObjection(ctx, value.no, form.result);
        const ok = text.includes('异议已处理：') && !text.includes('此前');
        ctx.toast(ok ? 'success' : 'error', text);
        if (ok) ctx.reply(text);
      })
    .action(noticeForm, async (ctx, { form }) => {
        await startNotice(ctx, form.start || undefined);
        ctx.toast('info', '已提交，结果见群消息。');
      });
