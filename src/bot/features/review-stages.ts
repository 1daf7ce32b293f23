// 完成 <阶段> and the card's 标记完成: refused with the list of unmet conditions, or recorded,
// announced in the chat, and the households moved along the status flow. Also the facts the
// stages need that no other command records: 资料 已填报, 乡会议, 上报 已提交.
import { addStageDone, fileVillageData, stageDoneTimes, updateTownship } from '../../store/review';
import type { Bot } from '../bot';
import type { VillageContext, TownshipContext } from '../action';
import { STAGES, parseStageKey, isVillageStage, type StageKey } from '../../core/campaign';
import { villageStageConditions, townshipStageConditions, townshipGateMissing } from '../../core/stages';
import { cstDate, daysBetween, formatCn, parseCalendarDate } from '../../core/dates';
import { backfillDaysOf, backfillNeedsPhoto, datedEntryProblem, isBackfill } from '../../core/procedure';
import { moveAll } from '../households';
import { evidenceEntries } from '../evidence';
import { allows } from '../../core/roles';
import { townshipSnapshot } from '../../store/progress';
import { villageSnapshots } from '../../store/helpers';
import { progressCardFor } from './progress';
import { stageComplete, dataFiled } from '../actions/review';

const VILLAGE_REPORTERS = ['village_cadre', 'first_secretary', 'package_cadre', 'office'] as const;
const STAGE_LIST = '资格复审、评议公示、乡审核、上报存档';

/** The household move a completed stage brings (src/core/household-flow.ts). */
const ADVANCE: Partial<Record<StageKey, 'village_done' | 'township_done'>> = {
  village_evaluation: 'village_done',
  township_review: 'township_done',
};

/** Days a stage completed `today` is late against its deadline (0 when on time). */
export const daysLateOf = (deadline: string, today: string): number => Math.max(0, daysBetween(deadline, today));

/** Returns the Chinese outcome; `ok` when recorded. */
export async function completeStage(ctx: TownshipContext, stage: StageKey): Promise<{ ok: boolean; text: string }> {
  const t = ctx.township;
  const config = t.campaign;
  const today = cstDate(ctx.now);
  const name = STAGES[stage].name;
  let villageId = 0;
  let missing: string[];
  let label = t.name;
  if (isVillageStage(stage)) {
    if (!ctx.village) return { ok: false, text: `“${name}”是村级阶段，请在本村工作群里操作。` };
    if (!allows(ctx.actor.grants, VILLAGE_REPORTERS, ctx.village.id)) return { ok: false, text: '只有本村村干部、第一书记、驻村干部或乡扶贫办可以标记完成。' };
    villageId = ctx.village.id;
    label = ctx.village.name;
    const [snap] = await villageSnapshots(ctx.d, t, [ctx.village]);
    const done = snap!.stagesDone[stage];
    if (done) return { ok: false, text: `${label}“${name}”已于 ${formatCn(done.doneAt)} 由 ${done.by} 标记完成。` };
    missing = villageStageConditions(stage, snap!, config, today).missing;
  } else {
    if (!allows(ctx.actor.grants, ['office'])) return { ok: false, text: `“${name}”由乡扶贫办标记完成。` };
    const snap = await townshipSnapshot(ctx.d, t);
    const done = snap.stagesDone[stage];
    if (done) return { ok: false, text: `“${name}”已于 ${formatCn(done.doneAt)} 由 ${done.by} 标记完成。` };
    missing = townshipStageConditions(stage, snap).missing;
    if (stage === 'county_report' && !snap.stagesDone.township_review) missing.unshift('“乡政府办公会审核并公示”尚未完成。');
  }
  if (missing.length) {
    if (!isVillageStage(stage)) return { ok: false, text: `还不能完成${STAGES[stage].shortName}：${missing.map((m) => m.replace(/。$/, '')).join('；')}。` };
    return { ok: false, text: `${label}“${name}”还不能完成：\n${missing.map((m) => `• ${m}`).join('\n')}` };
  }
  const by = ctx.actor.person?.name ?? ctx.actor.openId;
  const deadline = config.deadlines[stage];
  const daysLate = daysLateOf(deadline, today);
  ctx.write(addStageDone(ctx.d, { townshipId: t.id, villageId, stage, doneAt: ctx.now.getTime(), doneBy: by, source: ctx.source, daysLate }));
  const adv = ADVANCE[stage];
  if (adv) moveAll(ctx, villageId, adv);
  ctx.audit({ action: 'complete', entity: 'stage', entityId: `${label}/${stage}`, villageId: villageId || null, after: { stage, by, date: today, deadline, daysLate } });
  const late = daysLate > 0 ? `\n⚠️ 截止日为 ${formatCn(deadline)}，逾期 ${daysLate} 天完成，已记录。` : '';
  return { ok: true, text: `✅ ${label}已完成“${name}”（${by}，${formatCn(today)}）。${late}` };
}

/** 资料 已填报 for the chat's village. */
function fileData(ctx: VillageContext): string {
  const v = ctx.village;
  if (v.dataFiledAt) return `${v.name}复核资料已于 ${formatCn(cstDate(new Date(v.dataFiledAt)))} 登记填报。`;
  const by = ctx.actor.person?.name ?? ctx.actor.openId;
  ctx.write(fileVillageData(ctx.d, v.id, ctx.now.getTime(), by));
  ctx.audit({ action: 'file_data', entity: 'village', entityId: v.name, after: { dataFiledBy: by } });
  return `已登记：${v.name}复核资料已填报（${by}）。`;
}

/**
 * 乡会议 [日期]: the township meeting, with its date kept as typed. Recorded only after every
 * village finished 村评议公示 and the cross-check is complete (DESIGN §3.4); a date more than
 * backfillDays back needs a photo with the command.
 */
async function recordTownshipMeeting(ctx: TownshipContext, dateWord: string | undefined, attachments: Parameters<typeof evidenceEntries>[0]['items']): Promise<string> {
  const t = ctx.township;
  const config = t.campaign;
  const today = cstDate(ctx.now);
  const date = dateWord ? parseCalendarDate(dateWord, config.year) : today;
  if (!date) return '日期无法识别，请写成 12-18 或 12月18日。';
  const snap = await townshipSnapshot(ctx.d, t);
  if (snap.townshipMeetingRecorded) return `乡政府办公会审核已于 ${formatCn(snap.townshipMeetingDate!)} 登记。`;
  const gates = snap.gates ? townshipGateMissing(snap.gates) : [];
  if (gates.length) return `还不能登记乡政府办公会审核：${gates.join('；')}。`;
  const lastVillage = await lastVillageDone(ctx);
  const problem = datedEntryProblem('乡政府办公会', date, { today, campaign: config, after: lastVillage ? { date: lastVillage, label: `最后一个村完成评议公示之日（${formatCn(lastVillage)}）` } : null });
  if (problem) return `乡政府办公会审核未登记：${problem}`;
  const backfillDays = backfillDaysOf(config);
  const backfilled = isBackfill(date, today, backfillDays);
  const photos = ctx.replyTo ? evidenceEntries({ items: attachments, messageId: ctx.replyTo, parentId: '' }) : [];
  if (backfilled && photos.length === 0) return `乡政府办公会审核未登记：${backfillNeedsPhoto('乡政府办公会', date, today, backfillDays)}`;
  const set = { townshipMeetingAt: ctx.now.getTime(), townshipMeetingDate: date, townshipMeetingBackfilled: backfilled, townshipMeetingEvidence: photos.map((e) => e.entry) };
  ctx.write(updateTownship(ctx.d, t.id, set));
  ctx.audit({ action: 'record', entity: 'township_meeting', entityId: t.id, after: { date, ...(backfilled ? { 后补登记: true, enteredOn: today, evidence: set.townshipMeetingEvidence } : {}) } });
  return `已登记乡政府办公会审核（${formatCn(date)}）${backfilled ? `，后补登记，已附 ${photos.length} 份佐证` : ''}。下一步：公示 开始（乡级公示）。`;
}

/** The CST date the last village completed 村评议公示. */
async function lastVillageDone(ctx: TownshipContext): Promise<string | null> {
  const times = await stageDoneTimes(ctx.d, ctx.township.id, 'village_evaluation');
  return times.length ? cstDate(new Date(Math.max(...times))) : null;
}

export const reviewStages = (bot: Bot) =>
  bot
    .command({
      name: '完成',
      usage: '完成 <阶段>',
      summary: `标记阶段完成（${STAGE_LIST}），条件不满足会列出缺什么`,
      roles: VILLAGE_REPORTERS,
      async run(ctx, p) {
        const stage = parseStageKey(p.rest);
        if (!stage) return ctx.reply(`请写明阶段：${STAGE_LIST}。例如：完成 资格复审`);
        ctx.reply((await completeStage(ctx, stage)).text);
      },
    })
    .action(stageComplete, async (ctx, { value }) => {
        const r = await completeStage(ctx, value.stage);
        if (!r.ok) return ctx.toast('error', r.text);
        ctx.reply(r.text);
        ctx.toast('success', '已标记完成');
        ctx.whenCommitted(async () => {
          const c = await progressCardFor(ctx);
          if (typeof c !== 'string') ctx.answer.card = c;
        });
      })
    .command({
      name: '资料',
      usage: '资料 已填报',
      summary: '登记本村复核资料已填报',
      roles: VILLAGE_REPORTERS,
      where: 'village',
      run(ctx, p) {
        if (p.args[0] !== '已填报') return ctx.reply('用法：资料 已填报');
        ctx.reply(fileData(ctx));
      },
    })
    .action(dataFiled, (ctx) => {
        const text = fileData(ctx);
        ctx.toast(text.startsWith('已登记') ? 'success' : 'info', text);
        if (text.startsWith('已登记')) ctx.reply(text);
      })
    .command({
      name: '乡会议',
      usage: '乡会议 [日期]',
      summary: '登记乡政府办公会审核',
      roles: ['office'],
      async run(ctx, p) {
        ctx.reply(await recordTownshipMeeting(ctx, p.args[0], p.attachments));
      },
    })
    .command({
      name: '上报',
      usage: '上报 已提交',
      summary: '登记复核结果已报县扶贫移民局',
      roles: ['office'],
      run(ctx, p) {
        const t = ctx.township;
        if (p.args[0] !== '已提交') return ctx.reply('用法：上报 已提交');
        if (!t.reportExportedAt) return ctx.reply('报表还没有导出。请先运行：npm run cli -- export report <文件.xlsx>，或点进度卡片上的“导出报表”。');
        ctx.write(updateTownship(ctx.d, t.id, { reportSubmittedAt: ctx.now.getTime() }));
        ctx.audit({ action: 'submit', entity: 'report', entityId: t.id, after: { submittedBy: ctx.actor.person?.name } });
        ctx.reply('已登记：复核结果已报县扶贫移民局。存档后即可完成“上报存档”阶段。');
      },
    });
