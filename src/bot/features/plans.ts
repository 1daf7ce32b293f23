// 规划 (DESIGN §4): each included household's poverty-exit plan (脱贫措施/规划): measures, the
// person responsible, start and end dates. `规划 <户>` shows it with a form; submitting saves it.
import type { Bot } from '../bot';
import type { BotContext } from '../context';
import { exitPlanOf, getPerson, saveExitPlan, isCurrentHousehold, type HouseholdRow } from '../../store/helpers';
import type { VillageRow } from '../../store/township';
import { actorLabel, actorName, formText, householdFromValue, householdLabel, householdWithVillage, isHelperOf, mayActIn } from '../household-info';
import { planCard } from '../cards/helpers';
import { formatCn, parseCalendarDate, type CalendarDate } from '../../core/dates';
import { tooLong } from '../../core/limits';
import { planSave, PLANNERS } from '../actions/plans';

const WHO = '乡扶贫办、驻村干部、第一书记、本村村干部或该户的帮扶责任人';

const mayPlan = (ctx: BotContext, h: HouseholdRow) =>
  mayActIn(ctx, ['office', 'package_cadre', 'first_secretary', 'village_cadre'], h.villageId) || isHelperOf(ctx, h);

async function cardFor(ctx: BotContext, h: HouseholdRow, v: VillageRow) {
  const helper = h.helperId !== null ? await getPerson(ctx.d, v.townshipId, h.helperId) : null;
  return planCard(h, v, await exitPlanOf(ctx.d, h.id), helper?.name ?? null);
}

/** A date from a date picker ('2026-12-09 +0800') or typed text; null when blank; 'bad' when unreadable. */
function dateOf(v: unknown, year: number): CalendarDate | null | 'bad' {
  const s = formText(v);
  if (!s) return null;
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(s)?.[1];
  return (iso ? parseCalendarDate(iso) : parseCalendarDate(s, year)) ?? 'bad';
}

export const plans = (bot: Bot) =>
  bot
    .command({
      name: '规划',
      usage: '规划 <户>',
      summary: '查看和填写某户的脱贫规划（措施、责任人、时间）',
      roles: PLANNERS,
      async run(ctx, p) {
        const [ref] = p.args;
        if (!ref) return ctx.reply('用法：规划 <户>，然后在卡片中填写措施、责任人和时间。');
        const found = await householdWithVillage(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const { household: h, village: v } = found;
        if (!mayPlan(ctx, h)) return ctx.reply(`只有${WHO}可以填写 ${householdLabel(h, v)} 的脱贫规划。`);
        if (!isCurrentHousehold(h)) return ctx.reply(`${householdLabel(h, v)} 不是已纳入的贫困户，不需要脱贫规划。`);
        ctx.reply({ card: await cardFor(ctx, h, v) });
      },
    })
    .action(planSave, async (ctx, { value, form }) => {
        const found = await householdFromValue(ctx, value);
        if (!found.ok) return ctx.toast('error', found.message);
        const { household: h, village: v } = found;
        const label = householdLabel(h, v);
        if (!mayPlan(ctx, h)) return ctx.toast('error', `只有${WHO}可以填写 ${label} 的脱贫规划。`);
        if (!isCurrentHousehold(h)) return ctx.toast('error', `${label} 不是已纳入的贫困户，不需要脱贫规划。`);
        const { measures, owner } = form;
        if (!measures) return ctx.toast('error', '请填写脱贫措施。');
        const long = tooLong('measures', '脱贫措施', measures) ?? tooLong('name', '责任人', owner);
        if (long) return ctx.toast('error', long);
        if (!owner) return ctx.toast('error', '请填写责任人。');
        const year = Number(ctx.township.campaign.year) || Number(ctx.now.toISOString().slice(0, 4));
        const start = dateOf(form.start, year);
        const end = dateOf(form.end, year);
        if (start === 'bad' || end === 'bad') return ctx.toast('error', '日期无法识别，请用日期选择器或写成 2026-12-09。');
        if (start && end && end < start) return ctx.toast('error', `完成日期 ${formatCn(end)} 早于开始日期 ${formatCn(start)}，请更正。`);
        const before = await exitPlanOf(ctx.d, h.id);
        const row = { measures, owner, startDate: start, endDate: end, updatedBy: actorLabel(ctx), updatedAt: ctx.now.getTime() };
        ctx.write(saveExitPlan(ctx.d, h.id, v.townshipId, row));
        ctx.audit({
          action: before ? 'update' : 'create',
          entity: 'exit_plan',
          entityId: h.number,
          villageId: v.id,
          before: before ? { measures: before.measures, owner: before.owner, startDate: before.startDate, endDate: before.endDate } : null,
          after: { measures, owner, startDate: start, endDate: end },
        });
        const when = `${start ? formatCn(start) : '未定'} 至 ${end ? formatCn(end) : '未定'}`;
        ctx.reply(`${actorName(ctx)} 已${before ? '更新' : '制定'} ${label} 的脱贫规划：${measures}（责任人 ${owner}，${when}）。`);
        ctx.toast('success', `已保存 ${label} 的脱贫规划。`);
        ctx.whenCommitted(async () => {
          ctx.answer.card = await cardFor(ctx, h, v);
        });
      });
