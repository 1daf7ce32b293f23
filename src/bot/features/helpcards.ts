
import type { Bot } from '../bot';
import type { BotContext } from '../context';
import type { TownshipContext } from '../action';
import type { VillageRow } from '../../store/township';
import { getPerson, helpCardSteps, saveHelpCard, updateHousehold, helpCardOf, helpCardStepOf, helperCoverage, isCurrentHousehold, type HouseholdRow } from '../../store/helpers';
import { actorLabel, householdFromValue, householdLabel, householdWithVillage, isHelperOf, mayActIn } from '../household-info';
import { helpCardCard, helpCardsCard } from '../cards/helpers';
import { roleList } from '../../core/roles';
import { formatCn, cstDate } from '../../core/dates';
import { HELP_CARD_STEP_NAMES, type HelpCardStep } from '../../core/duties';
import { tooLong } from '../../core/limits';
import { evidenceEntries, evidenceNoun } from '../evidence';
import { helpcardFill, helpcardReturn, helpcardReceive, COLLECTORS, RECEIVERS } from '../actions/helpcards';

const USAGE = '帮扶卡 <户>（查看、填写）｜帮扶卡 <户> 照片｜帮扶卡 <户> 已回收｜帮扶卡 <户> 已存档（撤销：帮扶卡 <户> 未回收）';

const stepOf = helpCardStepOf;
const when = (at: number | null, by: string | null) => (at === null ? null : `${formatCn(cstDate(new Date(at)))} ${(by ?? '').replace(/\(.*\)$/, '')}`.trim());

async function helperRefusal(ctx: BotContext, h: HouseholdRow, v: VillageRow): Promise<string | null> {
  const label = householdLabel(h, v);
  if (!isCurrentHousehold(h)) return `${label} 不是已纳入的贫困户，没有帮扶卡。`;
  if (isHelperOf(ctx, h)) return null;
  const helper = h.helperId !== null ? await getPerson(ctx.d, v.townshipId, h.helperId) : null;
  return helper
    ? `${label} 的帮扶责任人是 ${helper.name}，帮扶卡须由帮扶责任人本人填写。`
    : `${label} 还没有帮扶责任人，帮扶卡须由帮扶责任人填写。请先安排：帮扶 ${h.number} @某人`;
}

/** Step 1: the helper's card (form fields, or photos of the paper card). */
async function fill(ctx: BotContext, h: HouseholdRow, v: VillageRow, c: { situation?: string; causes?: string; measures?: string; contact?: string; photos?: string[] }): Promise<[boolean, string]> {
  const refused = await helperRefusal(ctx, h, v);
  if (refused) return [false, refused];
  if (h.helpCardReturnedAt !== null) return [false, `${householdLabel(h, v)} 的帮扶卡村两委已回收，不能再修改。如需更正，请村干部先撤销：帮扶卡 ${h.number} 未回收`];
  const old = await helpCardOf(ctx.d, h.id);
  const at = ctx.now.getTime();
  const by = actorLabel(ctx);
  const row = {
    householdId: h.id,
    townshipId: v.townshipId,
    situation: c.situation ?? old?.situation ?? null,
    causes: c.causes ?? old?.causes ?? null,
    measures: c.measures ?? old?.measures ?? null,
    contact: c.contact ?? old?.contact ?? null,
    photos: [...(old?.photos ?? []), ...(c.photos ?? []).filter((p) => !old?.photos.includes(p))],
    filledBy: by,
    filledAt: at,
  };
  ctx.write(saveHelpCard(ctx.d, row));
  ctx.write(updateHousehold(ctx.d, h.id, { helpCardFilledAt: at, helpCardFilledBy: by, updatedAt: at }));
  ctx.audit({
    action: 'fill',
    entity: 'help_card',
    entityId: h.number,
    villageId: v.id,
    before: old ? { situation: old.situation, causes: old.causes, measures: old.measures, contact: old.contact, photos: old.photos.length } : null,
    after: { situation: row.situation, causes: row.causes, measures: row.measures, contact: row.contact, photos: row.photos.length, by },
  });
  return [true, `已登记 ${householdLabel(h, v)} 的帮扶卡（帮扶人填写）。下一步：村两委回收后发送：帮扶卡 ${h.number} 已回收`];
}

/** Step 2: the village collects the card (or, with `returned` false, undoes it). */
async function setReturned(ctx: TownshipContext, h: HouseholdRow, v: VillageRow, returned: boolean): Promise<[boolean, string]> {
  const label = householdLabel(h, v);
  if (!mayActIn(ctx, COLLECTORS, v.id)) return [false, `只有${roleList(COLLECTORS)}（${v.name}）可以登记帮扶卡回收。`];
  if (!isCurrentHousehold(h)) return [false, `${label} 不是已纳入的贫困户，没有帮扶卡。`];
  if (returned) {
    if (h.helperId === null) return [false, `${label} 还没有帮扶责任人，无从回收帮扶卡。请先安排：帮扶 ${h.number} @某人`];
    if (h.helpCardReturnedAt !== null) {
      return [false, `${label} 的帮扶卡已于 ${formatCn(cstDate(new Date(h.helpCardReturnedAt)))} 登记回收，无需重复登记。`];
    }
    if (h.helpCardFilledAt === null) return [false, `${label} 的帮扶卡帮扶人还没有填写，不能登记回收。请帮扶人先发送：帮扶卡 ${h.number}`];
  } else {
    if (h.helpCardReturnedAt === null) return [false, `${label} 的帮扶卡本来就未登记回收。`];
    if (h.helpCardReceivedAt !== null) return [false, `${label} 的帮扶卡乡扶贫办已存档，不能撤销回收。`];
  }
  const at = returned ? ctx.now.getTime() : null;
  const by = returned ? actorLabel(ctx) : null;
  ctx.write(updateHousehold(ctx.d, h.id, { helpCardReturnedAt: at, helpCardReturnedBy: by, updatedAt: ctx.now.getTime() }));
  ctx.audit({
    action: returned ? 'return' : 'unreturn',
    entity: 'help_card',
    entityId: h.number,
    villageId: v.id,
    before: { returnedAt: h.helpCardReturnedAt, by: h.helpCardReturnedBy },
    after: { returnedAt: at, by },
  });
  const helper = h.helperId !== null ? await getPerson(ctx.d, v.townshipId, h.helperId) : null;
  const cov = (await helperCoverage(ctx.d, ctx.township, [v.id])).get(v.id)!;
  // the coverage was read before this write: adjust by one
  const n = cov.helpCardsReturned + (returned ? 1 : -1);
  return [
    true,
    returned
      ? `已登记 ${label} 的帮扶卡已回收${helper ? `（帮扶人 ${helper.name}）` : ''}。${v.name}帮扶卡已回收 ${n}/${cov.included} 户。`
      : `已撤销 ${label} 的帮扶卡回收登记。${v.name}帮扶卡已回收 ${n}/${cov.included} 户。`,
  ];
}

/** Step 3: the office records the card as received (交乡扶贫办存档). */
function setReceived(ctx: BotContext, h: HouseholdRow, v: VillageRow): [boolean, string] {
  const label = householdLabel(h, v);
  if (!mayActIn(ctx, RECEIVERS, v.id)) return [false, `只有${roleList(RECEIVERS)}可以登记帮扶卡存档。`];
  if (!isCurrentHousehold(h)) return [false, `${label} 不是已纳入的贫困户，没有帮扶卡。`];
  if (h.helpCardReceivedAt !== null) return [false, `${label} 的帮扶卡已于 ${formatCn(cstDate(new Date(h.helpCardReceivedAt)))} 存档，无需重复登记。`];
  if (h.helpCardReturnedAt === null) return [false, `${label} 的帮扶卡村两委还没有回收（${HELP_CARD_STEP_NAMES[stepOf(h)]}），不能存档。`];
  const at = ctx.now.getTime();
  const by = actorLabel(ctx);
  ctx.write(updateHousehold(ctx.d, h.id, { helpCardReceivedAt: at, helpCardReceivedBy: by, updatedAt: at }));
  ctx.audit({ action: 'receive', entity: 'help_card', entityId: h.number, villageId: v.id, before: { receivedAt: null }, after: { receivedAt: at, by } });
  return [true, `已登记 ${label} 的帮扶卡交乡扶贫办存档。`];
}

async function detailCard(ctx: BotContext, h: HouseholdRow, v: VillageRow) {
  const content = await helpCardOf(ctx.d, h.id);
  const helper = h.helperId !== null ? await getPerson(ctx.d, v.townshipId, h.helperId) : null;
  const step = stepOf(h);
  return helpCardCard(
    h,
    v,
    {
      content,
      step,
      helper: helper?.name ?? null,
      filled: when(h.helpCardFilledAt, h.helpCardFilledBy),
      collected: when(h.helpCardReturnedAt, h.helpCardReturnedBy),
      received: when(h.helpCardReceivedAt, h.helpCardReceivedBy),
    },
    {
      fill: isHelperOf(ctx, h) && isCurrentHousehold(h) && h.helpCardReturnedAt === null,
      collect: step === 'filled' && mayActIn(ctx, COLLECTORS, v.id),
      receive: step === 'collected' && mayActIn(ctx, RECEIVERS, v.id),
    },
  );
}

async function listCard(ctx: TownshipContext, v: VillageRow) {
  const cov = (await helperCoverage(ctx.d, ctx.township, [v.id])).get(v.id)!;
  const rows = await helpCardSteps(ctx.d, v.id);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const names = new Map<number, string>();
  for (const id of new Set(rows.map((r) => r.helperId).filter((x): x is number => x !== null))) {
    const p = await getPerson(ctx.d, v.townshipId, id);
    if (p) names.set(id, p.name);
  }
  const steps: Record<HelpCardStep, number> = { none: 0, filled: 0, collected: 0, received: 0 };
  for (const r of rows) if (isCurrentHousehold(r) && r.helperId !== null) steps[stepOf(r)]++;
  const missing = cov.helpCardsMissing.map((h) => {
    const r = byId.get(h.id);
    const hid = r?.helperId ?? null;
    return { ...h, helper: hid !== null ? (names.get(hid) ?? null) : null, step: r ? stepOf(r) : ('none' as const) };
  });
  return helpCardsCard(v, missing, cov.included, steps);
}

const FIELDS = [
  ['situation', '家庭情况'],
  ['causes', '致贫原因'],
  ['measures', '帮扶措施'],
  ['contact', '联系方式'],
] as const;

export const helpcards = (bot: Bot) =>
  bot
    .command({
      name: '帮扶卡',
      usage: '帮扶卡 <户> [照片|已回收|已存档]',
      summary: '帮扶卡三步：帮扶人填写（表单或纸质卡照片）、村两委回收、乡扶贫办存档；只写“帮扶卡”查看本村未回收的户',
      roles: [...COLLECTORS, 'helper'],
      async run(ctx, p) {
        const [ref, state] = p.args;
        if (!ref) {
          if (!ctx.village) return ctx.reply(`用法：${USAGE}`);
          return ctx.reply({ card: await listCard(ctx, ctx.village) });
        }
        if (state !== undefined && !['照片', '已回收', '未回收', '已存档'].includes(state)) return ctx.reply(`请写明“照片”“已回收”或“已存档”。用法：${USAGE}`);
        const found = await householdWithVillage(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const { household: h, village: v } = found;
        if (state === undefined) {
          if (!isHelperOf(ctx, h) && !mayActIn(ctx, COLLECTORS, v.id)) return ctx.reply((await helperRefusal(ctx, h, v)) ?? `用法：${USAGE}`);
          return ctx.reply({ card: await detailCard(ctx, h, v) });
        }
        if (state === '照片') {
          const photos = evidenceEntries({ items: p.attachments, messageId: ctx.replyTo ?? '', parentId: '' });
          if (photos.length === 0) return ctx.reply(`请把纸质帮扶卡的照片和“帮扶卡 ${h.number} 照片”放在同一条消息里发送。`);
          const [ok, text] = await fill(ctx, h, v, { photos: photos.map((e) => e.entry) });
          return ctx.reply(ok ? text.replace('（帮扶人填写）', `（纸质卡${evidenceNoun(photos.map((e) => e.ref))}）`) : text);
        }
        if (state === '已存档') return ctx.reply(setReceived(ctx, h, v)[1]);
        const [, text] = await setReturned(ctx, h, v, state === '已回收');
        ctx.reply(text);
      },
    })
    .action(helpcardFill, async (ctx, { value, form }) => {
        const found = await householdFromValue(ctx, value);
        if (!found.ok) return ctx.toast('error', found.message);
        const c: Record<string, string> = {};
        for (const [k, label] of FIELDS) {
          const t = form[k] ?? '';
          if (!t) return ctx.toast('error', `请填写${label}。`);
          const long = tooLong('helpCard', label, t);
          if (long) return ctx.toast('error', long);
          c[k] = t;
        }
        const [ok, text] = await fill(ctx, found.household, found.village, c);
        ctx.toast(ok ? 'success' : 'error', text);
        if (ok) ctx.whenCommitted(async () => {
            const fresh = await householdFromValue(ctx, value);
            if (fresh.ok) ctx.answer.card = await detailCard(ctx, fresh.household, fresh.village);
          });
      })
    .action(helpcardReturn, async (ctx, { value }) => {
        const found = await householdFromValue(ctx, value);
        if (!found.ok) return ctx.toast('error', found.message);
        const [ok, text] = await setReturned(ctx, found.household, found.village, true);
        ctx.toast(ok ? 'success' : 'error', text);
        if (ok) ctx.whenCommitted(async () => {
            ctx.answer.card = await listCard(ctx, found.village);
          });
      })
    .action(helpcardReceive, async (ctx, { value }) => {
        const found = await householdFromValue(ctx, value);
        if (!found.ok) return ctx.toast('error', found.message);
        const [ok, text] = setReceived(ctx, found.household, found.village);
        ctx.toast(ok ? 'success' : 'error', text);
        if (ok) ctx.whenCommitted(async () => {
            const fresh = await householdFromValue(ctx, value);
            if (fresh.ok) ctx.answer.card = await detailCard(ctx, fresh.household, fresh.village);
          });
      });
