
import type { Bot } from '../bot';
import type { BotContext } from '../context';
import type { VillageRow } from '../../store/township';
import { getVillage } from '../../store/township';
import { helperCoverage, updateHousehold, updateMember, isCurrentHousehold, membersOf, type HouseholdRow, type MemberRow } from '../../store/helpers';
import { householdFromValue, householdLabel, householdWithVillage, isHelperOf, mayActIn } from '../household-info';
import { batchesCard } from '../cards/helpers';
import {
  BATCHES,
  BATCH_KEYS,
  batchChoices,
  BATCH_FIGURES,
  batchCounts,
  batchShortNames,
  parseBatchList,
  sortBatches,
  suggestBatches,
  type BatchCounts,
  type BatchKey,
} from '../../core/batches';
import { batchesApply, batchesSet, CLASSIFIERS } from '../actions/batches';

const USAGE = '分类 <户> <类别…> 或 分类 <户> <成员名> <类别…>（只写 分类 <户> 则发卡片并给出建议）';
const WHO = '乡扶贫办、本村村干部或该户的帮扶责任人';

/** Office or a village cadre of the household's village, or its helper. */
function mayClassify(ctx: BotContext, h: HouseholdRow): boolean {
  return mayActIn(ctx, ['office', 'village_cadre'], h.villageId) || isHelperOf(ctx, h);
}

/** Why this person may not classify the household now; null when they may. */
function refusal(ctx: BotContext, h: HouseholdRow, v: VillageRow): string | null {
  if (!mayClassify(ctx, h)) return `只有${WHO}可以给 ${householdLabel(h, v)} 分类。`;
  if (!isCurrentHousehold(h)) return `${householdLabel(h, v)} 不是已纳入的贫困户，只给已纳入的户分类。`;
  return null;
}

const suggestionsFor = (h: HouseholdRow, ms: MemberRow[]) =>
  suggestBatches({
    housing: h.housing,
    zone: h.zone,
    minimumLiving: h.minimumLiving,
    extremePoverty: h.extremePoverty,
    members: ms.map((m) => ({
      name: m.name,
      labour: m.labour,
      health: m.health,
      disability: m.disability,
      schooling: m.schooling,
      skill: m.skill,
      skillNote: m.skillNote,
      work: m.work,
      workPlace: m.workPlace,
    })),
  });

const same = (a: readonly string[], b: readonly string[]) => JSON.stringify(sortBatches(a)) === JSON.stringify(sortBatches(b));

/**
 * Sets the household's labels and, for the members in `memberBatches`, theirs; the household
 * always carries every label of its members. Queues writes and audit; returns the summary.
 */
function classify(ctx: BotContext, h: HouseholdRow, v: VillageRow, ms: MemberRow[], householdBatches: BatchKey[], memberBatches: Map<number, BatchKey[]>, how: string): string {
  const memberAfter = new Map(ms.map((m) => [m.id, memberBatches.has(m.id) ? sortBatches(memberBatches.get(m.id)!) : sortBatches(m.batches)]));
  const union = sortBatches([...householdBatches, ...[...memberAfter.values()].flat()]);
  const added = union.filter((k) => !householdBatches.includes(k));
  const now = ctx.now.getTime();
  const changedMembers = ms.filter((m) => !same(m.batches, memberAfter.get(m.id)!));
  if (same(h.batches, union) && changedMembers.length === 0) {
    return `${householdLabel(h, v)} 的分类没有变化：${batchShortNames(union)}。`;
  }
  if (!same(h.batches, union)) {
    ctx.write(updateHousehold(ctx.d, h.id, { batches: union, updatedAt: now }));
  }
  for (const m of changedMembers) ctx.write(updateMember(ctx.d, m.id, { batches: memberAfter.get(m.id)! }));
  ctx.audit({
    action: 'classify',
    entity: 'household_batches',
    entityId: h.number,
    villageId: v.id,
    before: { household: h.batches, members: Object.fromEntries(changedMembers.map((m) => [m.name, m.batches])) },
    after: { household: union, members: Object.fromEntries(changedMembers.map((m) => [m.name, memberAfter.get(m.id)])), how },
  });
  const lines = [`已将 ${householdLabel(h, v)} 分类为：${batchShortNames(union)}。`];
  if (changedMembers.length) lines.push(...changedMembers.map((m) => `• ${m.name}：${memberAfter.get(m.id)!.length ? batchShortNames(memberAfter.get(m.id)!) : '同户'}`));
  if (added.length) lines.push(`（成员的类别 ${batchShortNames(added)} 已一并计入本户）`);
  return lines.join('\n');
}

/** 分类统计 lines: 户数, 户内人口 and 逐人分类 per batch, for the batches that are not zero. */
export function countsText(title: string, c: BatchCounts): string {
  const row = (k: BatchKey) =>
    `• ${BATCHES[k].short}：${BATCH_FIGURES.households} ${c.byHousehold[k]} 户，${BATCH_FIGURES.inHouseholds} ${c.inHouseholds[k]} 人，${BATCH_FIGURES.individually} ${c.individually[k]} 人`;
  const used = BATCH_KEYS.filter((k) => c.byHousehold[k] > 0 || c.individually[k] > 0);
  return [
    `${title} 五个一批统计（到户到人）：已纳入 ${c.households} 户 ${c.persons} 人，已分类 ${c.classifiedHouseholds} 户，未分类 ${c.households - c.classifiedHouseholds} 户。`,
    ...(used.length ? used.map(row) : ['• 尚无分类。']),
    '（户内人口：该类各户的全部成员；逐人分类：按成员本人分类的人数。一户或一人可属多个类别，各类相加会多于总数。）',
  ].join('\n');
}

export const batches = (bot: Bot) =>
  bot
    .command({
      name: '分类',
      usage: '分类 <户> [成员名] <类别…>',
      summary: '五个一批分类（可多选，到户到人）；只写户则给出建议卡片',
      roles: CLASSIFIERS,
      async run(ctx, p) {
        const [ref, ...words] = p.args;
        if (!ref) return ctx.reply(`用法：${USAGE}\n类别：${batchChoices()}`);
        const found = await householdWithVillage(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const { household: h, village: v } = found;
        const refused = refusal(ctx, h, v);
        if (refused) return ctx.reply(refused);
        const ms = await membersOf(ctx.d, h.id);
        if (words.length === 0) return ctx.reply({ card: batchesCard(h, v, ms, suggestionsFor(h, ms)) });
        if (words.length === 1 && words[0] === '按建议') {
          const s = suggestionsFor(h, ms);
          if (s.household.length === 0) return ctx.reply(`${householdLabel(h, v)} 在花名册中没有可供建议的信号，请写明类别：分类 ${h.number} <类别…>`);
          return ctx.reply(classify(ctx, h, v, ms, s.household.map((x) => x.batch), new Map(s.members.map((x) => [ms.find((m) => m.name === x.name)!.id, x.batches])), 'suggestion'));
        }
        const member = ms.find((m) => m.name === words[0]);
        const list = parseBatchList(member ? words.slice(1) : words);
        if (list.unknown.length) {
          const first = list.unknown[0]!;
          const hint = member ? '' : `，${householdLabel(h, v)} 也没有叫“${first}”的成员`;
          return ctx.reply(`没有“${first}”这个类别${hint}。类别可选：${batchChoices()}。用法：${USAGE}`);
        }
        if (list.batches.length === 0) return ctx.reply(`请写明 ${member!.name} 的类别（可多选）：${batchChoices()}`);
        if (member) {
          return ctx.reply(classify(ctx, h, v, ms, sortBatches(h.batches), new Map([[member.id, list.batches]]), 'member'));
        }
        ctx.reply(classify(ctx, h, v, ms, list.batches, new Map(), 'household'));
      },
    })
    .command({
      name: '分类统计',
      usage: '分类统计',
      summary: '本村（或全乡）五个一批户数、人数',
      where: 'bound',
      async run(ctx) {
        const t = ctx.township;
        const cov = await helperCoverage(ctx.d, t, ctx.village ? [ctx.village.id] : undefined);
        if (ctx.village) return ctx.reply(countsText(ctx.village.name, cov.get(ctx.village.id)!.batches));
        // township: add the villages' counts up (each household and person belongs to one village)
        const all = [...cov.values()].map((c) => c.batches);
        const sum = (pick: (c: BatchCounts) => Record<BatchKey, number>) =>
          Object.fromEntries(BATCH_KEYS.map((k) => [k, all.reduce((n, c) => n + pick(c)[k], 0)])) as Record<BatchKey, number>;
        const total: BatchCounts = {
          ...batchCounts([]),
          households: all.reduce((n, c) => n + c.households, 0),
          persons: all.reduce((n, c) => n + c.persons, 0),
          classifiedHouseholds: all.reduce((n, c) => n + c.classifiedHouseholds, 0),
          byHousehold: sum((c) => c.byHousehold),
          inHouseholds: sum((c) => c.inHouseholds),
          individually: sum((c) => c.individually),
        };
        ctx.reply(countsText(t.name, total));
      },
    })
    .action(batchesApply, async (ctx, { value }) => {
        const target = await cardTarget(ctx, value);
        if (!target) return;
        const { h, v, ms } = target;
        const s = suggestionsFor(h, ms);
        if (s.household.length === 0) return ctx.toast('error', '没有可采用的建议，请在下方选择类别。');
        const text = classify(ctx, h, v, ms, s.household.map((x) => x.batch), new Map(s.members.map((x) => [ms.find((m) => m.name === x.name)!.id, x.batches])), 'suggestion');
        classified(ctx, value, text);
      })
    .action(batchesSet, async (ctx, { value, form }) => {
        const target = await cardTarget(ctx, value);
        if (!target) return;
        const { h, v, ms } = target;
        const read = (x: string | string[] | undefined) => parseBatchList(x ?? '');
        const hh = read(form.batches);
        const per = new Map<number, BatchKey[]>();
        const unknown = [...hh.unknown];
        for (const m of ms) {
          const r = read(form[`m${m.id}`]);
          unknown.push(...r.unknown);
          per.set(m.id, r.batches);
        }
        if (unknown.length) return ctx.toast('error', `没有“${unknown[0]}”这个类别。可选：${batchChoices()}`);
        if (hh.batches.length === 0 && [...per.values()].every((b) => b.length === 0)) return ctx.toast('error', '请至少选择一个类别。');
        const text = classify(ctx, h, v, ms, hh.batches, per, 'card');
        classified(ctx, value, text);
      });

/** The household of a card's button with its village and members, when this person may classify it now; else null, the reason toasted. */
async function cardTarget(ctx: BotContext, value: { h: number }): Promise<{ h: HouseholdRow; v: VillageRow; ms: MemberRow[] } | null> {
  const found = await householdFromValue(ctx, value);
  const refused = found.ok ? refusal(ctx, found.household, found.village) : found.message;
  if (refused !== null) ctx.toast('error', refused);
  return found.ok && refused === null ? { h: found.household, v: found.village, ms: await membersOf(ctx.d, found.household.id) } : null;
}

/** A card's classification done: the summary in the chat and the toast, the card refreshed once written. */
function classified(ctx: BotContext, value: { h: number }, text: string) {
  ctx.reply(text);
  ctx.toast('success', text.split('\n')[0]!);
  ctx.whenCommitted(async () => refreshCard(ctx, value));
}

async function refreshCard(ctx: BotContext, value: { h: number }) {
  const fresh = await householdFromValue(ctx, value);
  if (!fresh.ok) return;
  const ms = await membersOf(ctx.d, fresh.household.id);
  const v = (await getVillage(ctx.d, fresh.household.villageId)) ?? fresh.village;
  ctx.answer.card = batchesCard(fresh.household, v, ms, suggestionsFor(fresh.household, ms));
}
