
import type { Bot } from '../bot';
import { householdLabel, householdWithVillage, isHelperOf } from '../household-info';
import { addVisit, getHousehold, setVisitEvidence, getPerson, isCurrentHousehold, visitForMessage } from '../../store/helpers';
import { getVillage } from '../../store/township';
import { cstDate, formatCn } from '../../core/dates';
import { addEvidence, evidenceEntries, evidenceNoun } from '../evidence';
import { tooLong } from '../../core/limits';

const USAGE = '走访 <户> <内容>';

export const visits = (bot: Bot) =>
  bot
    .command({
      name: '走访',
      usage: USAGE,
      summary: '帮扶责任人登记走访或帮扶情况（回复照片作佐证）',
      roles: ['helper'],
      async run(ctx, p) {
        const [ref] = p.args;
        const content = p.rest.slice(ref?.length ?? 0).trim();
        if (!ref || !content) return ctx.reply(`用法：${USAGE}，例如：走访 01-003 入户了解生产情况，送去化肥两袋`);
        const long = tooLong('visit', '走访内容', content);
        if (long) return ctx.reply(long);
        const found = await householdWithVillage(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const { household: h, village: v } = found;
        const label = householdLabel(h, v);
        if (!isCurrentHousehold(h)) return ctx.reply(`${label} 不是已纳入的贫困户，不登记帮扶走访。`);
        if (!isHelperOf(ctx, h)) {
          const helper = h.helperId !== null ? await getPerson(ctx.d, v.townshipId, h.helperId) : null;
          return ctx.reply(
            helper
              ? `${label} 的帮扶责任人是 ${helper.name}，只有帮扶责任人本人可以登记走访。`
              : `${label} 还没有帮扶责任人，只有帮扶责任人可以登记走访。请乡扶贫办或驻村干部先安排：帮扶 ${h.number} @某人`,
          );
        }
        const today = cstDate(ctx.now);
        // photos pasted into the same (rich-text) message are its evidence straight away
        const attached = ctx.replyTo ? evidenceEntries({ items: p.attachments, messageId: ctx.replyTo, parentId: '' }) : [];
        const row = {
          townshipId: v.townshipId,
          householdId: h.id,
          helperId: ctx.actor.person!.id,
          date: today,
          content,
          evidence: attached.map((e) => e.entry),
          messageId: ctx.replyTo,
          at: ctx.now.getTime(),
        };
        ctx.write(addVisit(ctx.d, row));
        ctx.audit({ action: 'visit', entity: 'helper_visit', entityId: h.number, villageId: v.id, after: { date: today, content, messageId: ctx.replyTo } });
        ctx.reply(
          attached.length
            ? `已记录 ${formatCn(today)} 对 ${label} 的走访，附${evidenceNoun(attached.map((e) => e.ref))}作为佐证。如还有照片或文件，请回复本消息发送。`
            : `已记录 ${formatCn(today)} 对 ${label} 的走访。如有照片或文件，请回复本消息发送，作为佐证。`,
        );
      },
    })
    .onReplyMedia({
      name: 'visit.evidence',
      async run(ctx, media) {
        const t = ctx.township;
        if (!t) return false;
        const visit = await visitForMessage(ctx.d, t.id, media.parentId);
        if (!visit) return false;
        const h = await getHousehold(ctx.d, t.id, visit.householdId);
        const v = h ? await getVillage(ctx.d, h.villageId) : null;
        const label = h ? householdLabel(h, v) : '该户';
        if (!ctx.actor.person || ctx.actor.person.id !== visit.helperId) {
          ctx.reply(`只有登记这次走访的帮扶责任人可以补充佐证（${label}）。`);
          return true;
        }
        const add = addEvidence(ctx, media, visit.evidence);
        if (!add) return true;
        ctx.write(setVisitEvidence(ctx.d, visit.id, add.evidence));
        for (const ref of add.refs) ctx.audit({ action: 'attach', entity: 'helper_visit', entityId: String(visit.id), villageId: h?.villageId ?? null, after: { evidence: ref } });
        ctx.reply(`已将${add.noun}附到 ${formatCn(visit.date)} 对 ${label} 的走访记录（共 ${add.evidence.length} 份佐证）。`);
        return true;
      },
    });
