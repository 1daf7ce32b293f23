// The discipline committee's side of the overdue alerts (DESIGN §7): 已督办 and 记录督查 on the
// alert card (the card updates for everyone), and `督办 <村名> <内容>` by text, which records
// the inspection and acknowledges the village's open alerts. An acknowledgement restarts the
// escalation clock: still late `escalateAfterDays` later, the planner raises it again.
import { and, inArray, isNull } from 'drizzle-orm';
import type { Bot } from '../bot';
import type { BotContext } from '../context';
import { alerts } from '../../../db/schema/index';
import { saveInspection, inspectionTooLong } from '../inspect';
import { findHousehold, type HouseholdRow } from '../households';
import { isInspectionKind } from '../../core/accountability';
import { isVillageStage, stageName, stageShortName, type StageKey } from '../../core/campaign';
import { cstDate, cstMidnightUtc, daysBetween, formatCn } from '../../core/dates';
import { townshipStageConditions, villageStageConditions } from '../../core/stages';
import { townshipSnapshot } from '../../store/progress';
import { villageSnapshots } from '../../store/helpers';
import { findVillageByName, getVillage, listVillages } from '../../store/township';
import { dbVillageId, getAlert, nameOfOpenId, recentInspections, responsiblePeople, unacknowledgedAlerts } from '../../store/jobs';
import { alertCard, cstClock, type AlertCardInput, type AlertRef } from '../cards/alerts';
import { tooLong } from '../../core/limits';
import { alertAck, alertInspectForm, alertShow, alertInspect } from '../actions/alerts';

const USAGE = '督办 <村名> <内容>';

/** What a card button's alert shows, read now; or null, with the reason toasted. */
async function buttonView(ctx: BotContext, ref: AlertRef): Promise<AlertCardInput | null> {
  const view = await alertView(ctx, ref);
  if (typeof view !== 'string') return view;
  ctx.toast('error', view);
  return null;
}

/** Everything the alert card shows, read now. */
async function alertView(ctx: BotContext, ref: AlertRef): Promise<AlertCardInput | string> {
  const t = ctx.township;
  if (!t) return '你还不在任何乡镇的名单里，请联系乡扶贫办。';
  const config = t.campaign;
  const today = cstDate(ctx.now);
  const vid = dbVillageId(ref.v);
  let villageName: string;
  let missing: string[];
  let doneAt: string | null;
  let doneLate = 0;
  if (vid === 0) {
    if (isVillageStage(ref.s)) return '这张通报卡片的数据不完整，请等待下一次通报。';
    const snap = await townshipSnapshot(ctx.d, t);
    villageName = '乡级';
    missing = townshipStageConditions(ref.s, snap).missing;
    doneAt = snap.stagesDone[ref.s]?.doneAt ?? null;
    doneLate = snap.stagesDone[ref.s]?.daysLate ?? 0;
  } else {
    const v = await getVillage(ctx.d, vid);
    if (!v || v.townshipId !== t.id || !isVillageStage(ref.s)) return '找不到这条通报对应的村。';
    const [snap] = await villageSnapshots(ctx.d, t, [v]);
    villageName = v.name;
    missing = villageStageConditions(ref.s, snap!, config, today).missing;
    doneAt = snap!.stagesDone[ref.s]?.doneAt ?? null;
    doneLate = snap!.stagesDone[ref.s]?.daysLate ?? 0;
  }
  const responsible = (await responsiblePeople(ctx.d, t.id, vid))[ref.v] ?? [];
  const deadline = config.deadlines[ref.s];
  const row = await getAlert(ctx.d, t.id, vid, ref.s, ref.d);
  const ack = row?.ackBy && row.ackAt !== null ? { by: await nameOfOpenId(ctx.d, t.id, row.ackBy), at: row.ackAt } : null;
  const recorded = await recentInspections(ctx.d, t.id, vid, cstMidnightUtc(ref.d).getTime());
  const shown: { by: string; at: number; finding: string; action: string | null }[] = [];
  for (const i of recorded) shown.push({ by: await nameOfOpenId(ctx.d, t.id, i.recordedBy), at: i.at, finding: inspectionLabel(i.kind, i.wrongIdentification, i.finding), action: i.action });
  return {
    ref,
    data: {
      villageId: ref.v,
      villageName,
      stage: ref.s,
      stageName: stageName(ref.s),
      deadline,
      missing,
      responsible,
      daysLate: Math.max(0, daysBetween(deadline, ref.d)),
    },
    doneAt,
    doneLate,
    ack,
    inspections: shown,
  };
}

const actorName = (ctx: BotContext) => ctx.actor.person?.name ?? ctx.actor.openId;
const auditVillage = (vid: number) => (vid === 0 ? null : vid);

/** What the alert card shows of an inspection: its kind and the 确认识别错误 mark before the finding. */
const inspectionLabel = (kind: string | null, wrong: boolean, finding: string) => `${kind ? `${kind}：` : ''}${finding}${wrong ? '（确认识别错误）' : ''}`;

/** A 督办 by text: the village's inspection, no kind or household. */
function recordInspection(ctx: BotContext, vid: number, name: string, finding: string) {
  saveInspection(ctx, { villageId: vid, villageName: name, kind: null, household: null, person: null, finding, action: null, wrongIdentification: false, via: 'text' });
}

export const overdueAlerts = (bot: Bot) =>
  bot
    .command({
      name: '督办',
      usage: USAGE,
      summary: '记录对某村的督查，并确认该村的逾期通报已督办',
      roles: ['inspector'],
      async run(ctx, p) {
        const t = ctx.township;
        const config = t.campaign;
        const target = p.args[0] ?? '';
        let vid: number;
        let name: string;
        let content: string;
        const named = target ? await findVillageByName(ctx.d, t.id, target) : null;
        if (named) {
          [vid, name, content] = [named.id, named.name, p.rest.slice(target.length).trim()];
        } else if (target === '乡级' || target === '全乡') {
          [vid, name, content] = [0, '乡级', p.rest.slice(target.length).trim()];
        } else if (ctx.village) {
          [vid, name, content] = [ctx.village.id, ctx.village.name, p.rest];
        } else {
          const all = (await listVillages(ctx.d, t.id)).map((v) => v.name).join('、');
          return ctx.reply(
            target ? `本乡没有“${target}”。可选：${all}\n用法：${USAGE}` : `用法：${USAGE}，例如：督办 清水村 资格复审未开展，已约谈村支书`,
          );
        }
        if (!content) return ctx.reply(`请写明督查内容。用法：${USAGE}，例如：督办 ${name} 资格复审未开展，已约谈村支书`);
        const long = tooLong('finding', '督查内容', content);
        if (long) return ctx.reply(long);

        recordInspection(ctx, vid, name, content);
        const today = cstDate(ctx.now);
        const open = (await unacknowledgedAlerts(ctx.d, t.id, vid)).filter((a) => a.date <= today);
        const lines = [`已记录对 ${name} 的督查：${content}`];
        if (open.length > 0) {
          const now = ctx.now.getTime();
          ctx.write(
            ctx.d.db
              .update(alerts)
              .set({ ackBy: ctx.actor.openId, ackAt: now, ackDate: today })
              .where(and(inArray(alerts.id, open.map((a) => a.id)), isNull(alerts.ackBy))),
          );
          const stages = [...new Set(open.map((a) => stageShortName(a.stage as StageKey)))].join('、');
          ctx.audit({ action: 'acknowledge', entity: 'alert', entityId: open.map((a) => a.id).join(','), villageId: auditVillage(vid), after: { ackDate: today, via: 'text' } });
          lines.push(`已督办 ${name}「${stages}」逾期通报 ${open.length} 条（${formatCn(today)}）。${config.escalateAfterDays} 天后仍未完成的，将再次督办。`);
        } else {
          lines.push(`${name} 目前没有待督办的逾期通报。`);
        }
        ctx.reply(lines.join('\n'));
      },
    })
    .action(alertAck, async (ctx, { value }) => {
        const view = await buttonView(ctx, value);
        if (!view) return;
        const { ref } = view;
        if (view.ack) {
          ctx.answer.card = alertCard(view);
          return ctx.toast('info', `已由 ${view.ack.by} 于 ${cstClock(view.ack.at)} 督办。`);
        }
        const t = ctx.township;
        const vid = dbVillageId(ref.v);
        const at = ctx.now.getTime();
        const ackDate = cstDate(ctx.now);
        const ack = { ackBy: ctx.actor.openId, ackAt: at, ackDate };
        ctx.write(
          ctx.d.db
            .insert(alerts)
            .values({ townshipId: t.id, villageId: vid, stage: ref.s, date: ref.d, ...ack })
            .onConflictDoUpdate({ target: [alerts.townshipId, alerts.villageId, alerts.stage, alerts.date], set: ack, setWhere: isNull(alerts.ackBy) }),
        );
        ctx.audit({ action: 'acknowledge', entity: 'alert', entityId: `${ref.v}:${ref.s}:${ref.d}`, villageId: auditVillage(vid), after: { ackDate, via: 'card' } });
        view.ack = { by: actorName(ctx), at };
        ctx.answer.card = alertCard(view);
        ctx.toast('success', `已督办。${t.campaign.escalateAfterDays} 天后仍未完成的，将再次督办。`);
      })
    .action(alertInspectForm, async (ctx, { value }) => {
        const view = await buttonView(ctx, value);
        if (!view) return;
        ctx.answer.card = alertCard({ ...view, showForm: true });
      })
    .action(alertShow, async (ctx, { value }) => {
        const view = await buttonView(ctx, value);
        if (!view) return;
        ctx.answer.card = alertCard(view);
      })
    .action(alertInspect, async (ctx, { value, form }) => {
        const view = await buttonView(ctx, value);
        if (!view) return;
        const { ref } = view;
        const vid = dbVillageId(ref.v);
        const { finding, person: personText, kind: kindText, household: ref0 } = form;
        const action = form.action || null;
        const person = personText || null;
        const refuse = (text: string) => {
          ctx.answer.card = alertCard({ ...view, showForm: true });
          ctx.toast('error', text);
        };
        if (!finding) return refuse('请填写督查发现。');
        if (kindText && !isInspectionKind(kindText)) return refuse('督查方式只能是明察或暗访。');
        const long = inspectionTooLong({ finding, person, action });
        if (long) return refuse(long);
        let household: HouseholdRow | null = null;
        if (ref0) {
          const found = await findHousehold(ctx, ref0, vid === 0 ? undefined : { id: vid, name: view.data.villageName });
          if (!found.ok) return refuse(found.message);
          household = found.household;
        }
        if (form.wrong && !household) return refuse('确认识别错误时请填写户编号或户主姓名。');
        const note = saveInspection(ctx, {
          villageId: vid,
          villageName: view.data.villageName,
          kind: isInspectionKind(kindText) ? kindText : null,
          household,
          person,
          finding,
          action,
          wrongIdentification: form.wrong,
          via: 'card',
        });
        const shownFinding = inspectionLabel(isInspectionKind(kindText) ? kindText : null, form.wrong, finding);
        view.inspections = [...(view.inspections ?? []), { by: actorName(ctx), at: ctx.now.getTime(), finding: shownFinding, action }].slice(-3);
        ctx.answer.card = alertCard(view);
        ctx.toast('success', `已记录督查。${note}`);
      });
