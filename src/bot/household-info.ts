// Household helpers for the helper features (帮扶, 分类, 帮扶卡, 走访, 规划): the household with
// its village from a <户> argument, labels, the summary a helper receives (ID numbers masked),
// and the per-household authorisation checks.
import type { BotContext } from './context';
import { findHousehold } from './households';
import { getVillage, type VillageRow } from '../store/township';
import { getHousehold, type HouseholdRow, type MemberRow } from '../store/helpers';
import { allows, type Role } from '../core/roles';
import { maskIdCard } from '../core/idcard';
import { DISABILITY, HEALTH, HOUSING, LABOR_PHRASES, RELATIONS, SCHOOLING, SKILL, WORK, ZONES, labelOf, labelWithNote, type Health, type Labor } from '../core/roster-values';

export type FoundHousehold = { ok: true; household: HouseholdRow; village: VillageRow } | { ok: false; message: string };

/** findHousehold (src/bot/households.ts) plus the household's village. */
export async function householdWithVillage(ctx: BotContext, ref: string | undefined): Promise<FoundHousehold> {
  const found = await findHousehold(ctx, ref?.normalize('NFKC').trim());
  if (!found.ok) return found;
  const village = ctx.village?.id === found.household.villageId ? ctx.village : await getVillage(ctx.d, found.household.villageId);
  if (!village) return { ok: false, message: '该户所在的村不在本乡名单中，请联系乡扶贫办。' };
  return { ok: true, household: found.household, village };
}

/** `01-003 谢廷福（石门村）` */
export const householdLabel = (h: Pick<HouseholdRow, 'number' | 'headName'>, v?: Pick<VillageRow, 'name'> | null) =>
  `${h.number} ${h.headName}${v ? `（${v.name}）` : ''}`;

/** May the actor act with one of `roles` for this village (the office everywhere)? */
export const mayActIn = (ctx: BotContext, roles: readonly Role[], villageId: number) => allows(ctx.actor.grants, roles, villageId);

/** Is the actor the current helper of the household? */
export const isHelperOf = (ctx: BotContext, h: Pick<HouseholdRow, 'helperId'>) =>
  ctx.actor.person !== null && h.helperId !== null && h.helperId === ctx.actor.person.id;

export const housingName = (k: string | null) => labelOf(HOUSING, k) || '未填';
export const zoneName = (k: string | null) => labelOf(ZONES, k) || '未填';

/** One line per member: name, relation, masked ID number, labour, health and disability. */
export function memberLine(m: MemberRow): string {
  const labour = m.labour !== null && Object.hasOwn(LABOR_PHRASES, m.labour) ? LABOR_PHRASES[m.labour as Labor] : '劳动能力未填';
  const health = m.health !== null && Object.hasOwn(HEALTH.labels, m.health) ? HEALTH.labels[m.health as Health] : '健康状况未填';
  const parts = [labour, health];
  if (m.disability && m.disability !== '0' && Object.hasOwn(DISABILITY.labels, m.disability)) parts.push(`${labelOf(DISABILITY, m.disability)}残疾`);
  // optional roster data, only when recorded
  if (m.schooling) parts.push(m.schooling === 'none' ? '不在校' : `在校：${labelOf(SCHOOLING, m.schooling)}`);
  if (m.skill) parts.push(`技能：${labelWithNote(SKILL, m.skill, m.skillNote)}`);
  if (m.work) parts.push(`务工：${labelWithNote(WORK, m.work, m.workPlace)}`);
  return `${m.name}（${labelOf(RELATIONS, m.relation)}）${maskIdCard(m.idCard)}，${parts.join('，')}`;
}

/** The household as a helper needs it: where, who, house, zone, cause, phone, members (IDs masked). */
export function householdSummary(h: HouseholdRow, v: Pick<VillageRow, 'name'>, ms: MemberRow[]): string {
  const lines = [
    `${v.name} ${h.number} 户主 ${h.headName}，共 ${ms.length} 人`,
    `住房：${housingName(h.housing)}；区域：${zoneName(h.zone)}；致贫原因：${h.povertyCause || '未填'}${h.phone ? `；电话：${h.phone}` : ''}${h.allAway ? '；全家外出' : ''}`,
    ...(h.minimumLiving || h.extremePoverty || h.incomePerCapita !== null
      ? [
          [
            h.minimumLiving ? `低保：${h.minimumLiving === 'yes' ? '是' : '否'}` : '',
            h.extremePoverty ? `特困：${h.extremePoverty === 'yes' ? '是' : '否'}` : '',
            h.incomePerCapita !== null ? `人均纯收入：${h.incomePerCapita} 元/年` : '',
          ]
            .filter(Boolean)
            .join('；'),
        ]
      : []),
    '成员：',
    ...ms.map((m) => `• ${memberLine(m)}`),
  ];
  return lines.join('\n');
}

/** The household a card button names (`h`: its id), checked to be of the actor's township. */
export async function householdFromValue(ctx: BotContext, value: { h: number }): Promise<FoundHousehold> {
  const t = ctx.township;
  const id = value.h;
  if (!t) return { ok: false, message: '这个按钮已失效，请重新发送命令获取新卡片。' };
  const h = await getHousehold(ctx.d, t.id, id);
  if (!h) return { ok: false, message: '找不到这一户，可能已被删除。请重新发送命令获取新卡片。' };
  const village = await getVillage(ctx.d, h.villageId);
  if (!village) return { ok: false, message: '该户所在的村不在本乡名单中，请联系乡扶贫办。' };
  return { ok: true, household: h, village };
}

/** How the actor is recorded in rows (assignedBy, updatedBy): name and open_id. */
export const actorLabel = (ctx: BotContext) => (ctx.actor.person ? `${ctx.actor.person.name}(${ctx.actor.openId})` : ctx.actor.openId);
export const actorName = (ctx: BotContext) => ctx.actor.person?.name ?? ctx.actor.openId;

export { formText } from './action';
