// Finding the household a cadre means by <户>: its roster number (户编号), or the head's name
// when that is unique in the village. Shared by every feature that takes <户>.
import { householdsByRef, moveAllRows, moveHouseholdRow } from '../store/review';
import type { HouseholdRow } from '../store/helpers';
import type { BotContext } from './context';
import type { TownshipContext } from './action';
import { tooLong } from '../core/limits';
import { move, singleSource, type FlowEvent, type HouseholdStatus } from '../core/household-flow';

export type { HouseholdRow } from '../store/helpers';

export type HouseholdLookup = { ok: true; household: HouseholdRow } | { ok: false; message: string; ambiguous?: boolean };

/**
 * Looks in the chat's village (or, for township-wide people outside a village chat, the whole
 * township by number only), or in the village given (`in`: its id and name, e.g. the village a
 * 督查 names). An ambiguous name gets the list to choose from.
 */
export async function findHousehold(ctx: BotContext, ref: string | undefined, inVillage?: { id: number; name: string }): Promise<HouseholdLookup> {
  if (!ref) return { ok: false, message: '请写明户编号或户主姓名。' };
  const long = tooLong('ref', '户编号或户主姓名', ref);
  if (long) return { ok: false, message: long };
  const t = ctx.township;
  if (!t) return { ok: false, message: '本群还没有绑定乡镇。' };
  const village = inVillage ?? ctx.village;
  const rows = await householdsByRef(ctx.d, t.id, village ? village.id : null, ref);
  const byNumber = rows.find((r) => r.number === ref);
  if (byNumber) return { ok: true, household: byNumber };
  const [only] = rows;
  if (only && rows.length === 1) return { ok: true, household: only };
  const where = village ? village.name : '本乡';
  if (rows.length === 0) return { ok: false, message: `${where}没有户编号或户主为“${ref}”的户。发送“进度”可查看本村情况。` };
  return {
    ok: false,
    ambiguous: true,
    message: `${where}有 ${rows.length} 户户主叫“${ref}”，请改用户编号：${rows.map((r) => r.number).join('、')}`,
  };
}

/**
 * Moves one household by `event` through the table (src/core/household-flow.ts): queues the
 * update (guarded by its current status) and returns the new status, or null (nothing queued)
 * when the table does not allow the move.
 */
export function moveHousehold(
  ctx: BotContext,
  h: Pick<HouseholdRow, 'id' | 'status'>,
  event: FlowEvent,
  extra: Partial<Pick<HouseholdRow, 'qualification' | 'qualificationReason' | 'removalReason' | 'rejectedStep' | 'rejection' | 'countyApprovalDate' | 'countyApprovalDoc'>> = {},
): HouseholdStatus | null {
  const to = move(h.status, event);
  if (!to) return null;
  const set = { ...extra, status: to, ...(to === 'rejected' ? {} : { rejectedStep: null, rejection: null }), updatedAt: ctx.now.getTime() };
  ctx.write(moveHouseholdRow(ctx.d, h, set));
  return to;
}

/** Moves every household of a village (or, with villageId 0, the township) that `event` moves. */
export function moveAll(ctx: TownshipContext, villageId: number, event: 'assembly_pass' | 'representatives_pass' | 'two_committees_pass' | 'notice_start' | 'village_done' | 'township_done') {
  const { from, to } = singleSource(event);
  ctx.write(moveAllRows(ctx.d, ctx.township.id, villageId, from, to, ctx.now.getTime()));
}
