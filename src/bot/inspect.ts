// Recording a 督查 (明察暗访) for the discipline committee: from `明察` / `暗访` by text, from the
// alert card's 记录督查 form, and `督办`. A finding the committee marks 确认识别错误 on a household
// after the campaign closed is a wrongly identified household: it goes to accountability with
// the household's 识别责任人, and its 追责 card to the committee's chat (DESIGN §7).
import type { BotContext } from './context';
import { findHousehold, type HouseholdRow } from './households';
import { tooLong } from '../core/limits';
import { cstDate } from '../core/dates';
import { campaignClosingDate } from '../core/exclusions';
import type { InspectionKind } from '../core/accountability';
import { inspectionIdOf, recordInspection } from '../store/inspections';
import { recordAccountability } from '../store/accountability';
import { sendAccountabilityCards } from './accountability';

export interface InspectionInput {
  /** 0: the township (乡级) */
  villageId: number;
  villageName: string;
  kind: InspectionKind | null;
  household: HouseholdRow | null;
  person: string | null;
  finding: string;
  action: string | null;
  wrongIdentification: boolean;
  /** text | card */
  via: string;
}

/** The length limits of an inspection's fields, or a refusal naming the field. */
export function inspectionTooLong(i: { finding: string; person: string | null; action: string | null }): string | null {
  return tooLong('finding', '督查发现', i.finding) ?? tooLong('person', '涉及人员', i.person) ?? tooLong('action', '采取的措施', i.action);
}

/**
 * The household a 督查 names in its village: `{ household }` when `ref` is one (number or unique
 * head name), `{ household: null }` when it is not, or the refusal for an ambiguous name.
 */
export async function inspectedHousehold(ctx: BotContext, villageId: number, villageName: string, ref: string): Promise<{ household: HouseholdRow | null } | { refusal: string }> {
  const found = await findHousehold(ctx, ref, villageId === 0 ? undefined : { id: villageId, name: villageName });
  if (found.ok) return { household: found.household };
  if (found.ambiguous) return { refusal: found.message };
  return { household: null };
}

/** Queues the inspection (and, when it confirms a wrong identification after the close, the finding); returns what to add to the answer. */
export function saveInspection(ctx: BotContext, i: InspectionInput): string {
  const t = ctx.township!;
  const at = ctx.now.getTime();
  const row = {
    townshipId: t.id,
    villageId: i.villageId,
    kind: i.kind,
    householdId: i.household?.id ?? null,
    person: i.person,
    finding: i.finding,
    action: i.action,
    wrongIdentification: i.wrongIdentification,
    recordedBy: ctx.actor.openId,
    at,
  };
  ctx.write(recordInspection(ctx.d, row));
  ctx.audit({
    action: 'inspect',
    entity: 'inspection',
    entityId: `${i.villageId}:${at}`,
    villageId: i.villageId === 0 ? null : i.villageId,
    after: {
      kind: i.kind,
      household: i.household?.number ?? null,
      person: i.person,
      finding: i.finding,
      action: i.action,
      wrongIdentification: i.wrongIdentification,
      via: i.via,
    },
  });
  if (!i.wrongIdentification || !i.household) return '';
  const closing = campaignClosingDate((t.campaign ?? {}) as { endDate?: string; deadlines?: Record<string, string> });
  if (!closing || cstDate(ctx.now) <= closing) return '已记为识别错误。复核工作尚未结束：请乡扶贫办核实后按“清退”处理。';
  const h = i.household;
  ctx.write(
    recordAccountability(ctx.d, {
      townshipId: t.id,
      villageId: h.villageId,
      householdId: h.id,
      source: 'inspection',
      sourceId: inspectionIdOf(row),
      finding: [`${i.kind ?? '督查'}发现：${i.finding}`, i.person ? `涉及人员：${i.person}` : '', i.action ? `措施：${i.action}` : ''].filter(Boolean).join('；'),
      identificationOwner: h.identificationOwner,
      foundAt: at,
    }),
  );
  sendAccountabilityCards(ctx);
  if (!t.inspectorsChatId) return '已记为识别错误，应追责；纪委群尚未绑定，绑定后自动报送追责卡片。';
  return '已记为识别错误：追责卡片已发到纪委群，可在卡片上记录处理结果。';
}
