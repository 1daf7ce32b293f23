// Household decisions of the review (DESIGN §3.3, §3.4): applications and proposals (申请) with
// their members (成员) and 识别责任人 (责任人), the
// qualification review (资格), county approval of new inclusions (县批准) and removal (清退).
import { and, eq, inArray, like, notInArray, sql } from 'drizzle-orm';
import { exclusionHits, households, members, notices, stageProgress } from '../../../db/schema/index';
import type { Bot } from '../bot';
import { findHousehold, moveHousehold, type HouseholdRow } from '../households';
import { ENTRY_STATUSES, statusName } from '../../core/household-flow';
import { cstDate, formatCn, parseCalendarDate } from '../../core/dates';
import type { TownshipContext, VillageContext } from '../action';
import { validateIdCard, maskIdCard } from '../../core/idcard';
import { tooLong } from '../../core/limits';
import { checkMembers, type CheckedMember, type MemberInput } from '../../core/members';
import { RELATIONS, labelOf } from '../../core/roster-values';
import { cleanName } from '../../sheet/cells';
import { actorName } from '../household-info';
import { campaignClosingDate } from '../../core/exclusions';
import { recordAccountability } from '../../store/accountability';
import { sendAccountabilityCards } from '../accountability';

import { APPLY_FORM_ROWS as APPLY_FORM_MEMBERS } from '../cards/progress';
import { applyForm, qualifyForm } from '../actions/review';

const REVIEWERS = ['village_cadre', 'first_secretary', 'package_cadre', 'office'] as const;

/** 资格 <户> 通过|不通过 <理由>: the Chinese outcome; writes only when the decision is recorded. */
export async function decideQualification(ctx: TownshipContext, ref: string | undefined, verdict: string | undefined, reason: string): Promise<string> {
  const usage = '用法：资格 <户> 通过|不通过 <理由>';
  if (!ref || !verdict) return usage;
  const decision = verdict === '通过' ? 'pass' : verdict === '不通过' ? 'fail' : null;
  if (!decision) return `结论只能是“通过”或“不通过”。${usage}`;
  if (decision === 'fail' && !reason) return '“不通过”须写明理由，例如：资格 张三 不通过 家有商品房';
  const long = tooLong('reason', '理由', reason);
  if (long) return long;
  const found = await findHousehold(ctx, ref);
  if (!found.ok) return found.message;
  const h = found.household;
  if (!h.applicant) return `${h.number} ${h.headName} 是在册户，不是申请户；在册户的去留由评议和比对决定。`;
  if (h.status === 'rejected' && h.rejectedStep && h.rejectedStep !== 'qualification_review') {
    return `${h.number} ${h.headName} 已${h.rejection ? `因${h.rejection}` : '未通过'}退出本次识别程序，不能再改资格结论。`;
  }
  const done = await qualificationDone(ctx, h.villageId);
  if (done) return `${h.number} ${h.headName}：本村资格复审已于 ${formatCn(done)} 完成，结论不能再改。`;
  const status = moveHousehold(ctx, h, decision === 'pass' ? 'qualify_pass' : 'qualify_fail', {
    qualification: decision,
    qualificationReason: reason || null,
    ...(decision === 'fail' ? { rejectedStep: 'qualification_review', rejection: `资格复审不通过：${reason}` } : { rejection: null }),
  });
  if (!status) return `${h.number} ${h.headName} 已进入后续环节（${statusName(h.status, h.rejectedStep)}），不能再改资格结论。`;
  ctx.audit({ action: 'qualify', entity: 'household', entityId: h.number, before: { qualification: h.qualification, status: h.status }, after: { qualification: decision, reason, status } });
  return `${h.number} ${h.headName}：资格复审${decision === 'pass' ? '通过' : `不通过（${reason}）`}。`;
}

/**
 * An included household removed after the campaign closed was wrongly identified (DESIGN §7):
 * recorded for accountability and told to the discipline committee's chat with its 识别责任人.
 * Returns what to add to the office's reply.
 */
async function flagRemovalAfterClose(ctx: TownshipContext, h: HouseholdRow, reason: string): Promise<string> {
  const t = ctx.township;
  const closing = campaignClosingDate((t.campaign ?? {}) as { endDate?: string; deadlines?: Record<string, string> });
  if (!closing || cstDate(ctx.now) <= closing) return '';
  ctx.write(
    recordAccountability(ctx.d, {
      townshipId: t.id,
      villageId: h.villageId,
      householdId: h.id,
      source: 'removal',
      sourceId: h.id,
      finding: reason,
      identificationOwner: h.identificationOwner,
      foundAt: ctx.now.getTime(),
    }),
  );
  sendAccountabilityCards(ctx);
  if (!t.inspectorsChatId) return '复核工作已结束，此户应报乡纪委追责，但纪委群尚未绑定：请在纪委群里发送“绑定 纪委群”（绑定后自动补报），并把此事告知乡纪委。';
  return '复核工作已结束：已连同识别责任人报乡纪委。';
}

export const APPLY_USAGE = '申请 <户主姓名> [身份证号] [说明]';
export const MEMBER_USAGE = '成员 <户> <姓名> <与户主关系> <身份证号>';
export const OWNER_USAGE = '责任人 <户> <姓名>';

/** Members already in another household of the township that is still in play, by ID number. */
async function idsElsewhere(ctx: TownshipContext, ids: string[], exceptHousehold: number | null) {
  if (ids.length === 0) return [];
  const rows = await ctx.d.db
    .select({ idCard: members.idCard, householdId: members.householdId, number: households.number, head: households.headName })
    .from(members)
    .innerJoin(households, eq(households.id, members.householdId))
    .where(and(eq(members.townshipId, ctx.township.id), inArray(members.idCard, ids), notInArray(households.status, ['removed', 'rejected'])));
  return rows.filter((r) => r.householdId !== exceptHousehold);
}

const relationName = (r: string) => labelOf(RELATIONS, r);
const memberLine = (m: CheckedMember) => `${m.name}（${relationName(m.relation)}，身份证 ${maskIdCard(m.idCard)}）`;

/**
 * 申请: a new applicant household with its members (the head first when an ID is given) and its
 * 识别责任人, the person reporting it. The Chinese answer; writes only when everything is valid.
 */
async function registerApplication(ctx: VillageContext, a: { head: string; headId: string | null; note: string; members: MemberInput[] }): Promise<{ ok: boolean; text: string }> {
  const refuse = (text: string) => ({ ok: false, text });
  const head = cleanName(a.head);
  if (!head) return refuse(`请写明户主姓名。用法：${APPLY_USAGE}`);
  const longName = tooLong('name', '户主姓名', head);
  if (longName) return refuse(longName);
  const longNote = tooLong('note', '说明', a.note);
  if (longNote) return refuse(longNote);
  const rows: MemberInput[] = [...(a.headId ? [{ name: head, relation: '户主', idCard: a.headId }] : []), ...a.members];
  const checked = checkMembers(rows, { today: ctx.now, label: (i) => (a.headId && i === 0 ? '户主' : `成员 ${a.headId ? i : i + 1}`) });
  if (!checked.ok) return refuse(`申请未登记：\n${checked.problems.map((x) => `• ${x}`).join('\n')}`);
  if (!a.headId && checked.members.some((m) => m.relation === 'head')) return refuse('户主已写在“户主姓名”里，成员中不要再写户主；户主的身份证号请填在户主一栏。');
  const elsewhere = await idsElsewhere(ctx, checked.members.map((m) => m.idCard), null);
  if (elsewhere.length) {
    const byId = new Map(checked.members.map((m) => [m.idCard, m.name]));
    return refuse(`申请未登记：\n${elsewhere.map((e) => `• ${byId.get(e.idCard)}的身份证号已登记在 ${e.number} 户（户主 ${e.head}），同一人不能在两户，请核实后再登记。`).join('\n')}`);
  }
  const v = ctx.village;
  // once the qualification review is done, a new applicant could never be voted on: refused
  const done = await qualificationDone(ctx, v.id);
  if (done) return refuse(`${v.name}资格复审已于 ${formatCn(done)} 完成，本次复核不能再登记新的申请（申请须先经资格复审，再上村民大会表决）。`);
  const prefix = `${v.name}-申`;
  const [{ n }] = (await ctx.d.db
    .select({ n: sql<number>`count(*)` })
    .from(households)
    .where(and(eq(households.townshipId, v.townshipId), like(households.number, `${prefix}%`)))) as [{ n: number }];
  const number = `${prefix}${String(Number(n) + 1).padStart(2, '0')}`;
  const owner = actorName(ctx);
  const row = { townshipId: v.townshipId, villageId: v.id, number, headName: head, status: ENTRY_STATUSES[0]!, applicant: true, applicationNote: a.note || null, identificationOwner: owner, updatedAt: ctx.now.getTime() };
  ctx.write(ctx.d.db.insert(households).values(row));
  for (const m of checked.members) {
    ctx.write(
      ctx.d.db.insert(members).values({
        townshipId: v.townshipId,
        householdId: sql`(select id from households where township_id = ${v.townshipId} and number = ${number})`,
        name: m.name,
        idCard: m.idCard,
        relation: m.relation,
      }),
    );
  }
  const headMember = checked.members.find((m) => m.relation === 'head');
  const others = checked.members.filter((m) => m.relation !== 'head');
  ctx.audit({
    action: 'apply',
    entity: 'household',
    entityId: number,
    after: {
      headName: head,
      note: a.note,
      idCard: headMember ? maskIdCard(headMember.idCard) : null,
      identificationOwner: owner,
      members: checked.members.map((m) => ({ name: m.name, relation: m.relation, idCard: maskIdCard(m.idCard) })),
    },
  });
  return {
    ok: true,
    text:
      `已登记 ${head} 的申请，编号 ${number}${headMember ? `（身份证 ${maskIdCard(headMember.idCard)}）` : ''}，识别责任人 ${owner}。` +
      (others.length ? `\n家庭成员 ${others.length} 人：${others.map(memberLine).join('、')}` : '') +
      `\n下一步：资格 ${number} 通过|不通过 <理由>${headMember ? '' : '；户主和成员的身份证号可用“成员”补登'}`,
  };
}

/** 成员: one more member of an applicant household, checked like a roster row. */
async function addMember(ctx: TownshipContext, ref: string | undefined, input: MemberInput): Promise<string> {
  if (!ref || !input.name || !input.relation || !input.idCard) return `用法：${MEMBER_USAGE}，如：成员 张大山 李小花 配偶 <身份证号>`;
  const found = await findHousehold(ctx, ref);
  if (!found.ok) return found.message;
  const h = found.household;
  if (!h.applicant) return `${h.number} ${h.headName} 是在册户，成员以花名册为准，请乡扶贫办导入花名册更新。`;
  if (h.status === 'rejected' || h.status === 'removed') return `${h.number} ${h.headName} 已退出本次识别程序，不能再登记成员。`;
  const checked = checkMembers([input], { today: ctx.now, label: () => '成员' });
  if (!checked.ok) return `成员未登记：${checked.problems.join('')}`;
  const m = checked.members[0]!;
  const existing = await ctx.d.db.select({ name: members.name, idCard: members.idCard, relation: members.relation }).from(members).where(eq(members.householdId, h.id));
  if (existing.some((x) => x.idCard === m.idCard)) return `成员未登记：${m.name}的身份证号已在本户成员中，同一户内成员不能重复。`;
  if (m.relation === 'head' && existing.some((x) => x.relation === 'head')) return '成员未登记：本户已有户主，只能有一名户主。';
  const elsewhere = await idsElsewhere(ctx, [m.idCard], h.id);
  if (elsewhere.length) return `成员未登记：${m.name}的身份证号已登记在 ${elsewhere[0]!.number} 户（户主 ${elsewhere[0]!.head}），同一人不能在两户，请核实后再登记。`;
  ctx.write(ctx.d.db.insert(members).values({ townshipId: h.townshipId, householdId: h.id, name: m.name, idCard: m.idCard, relation: m.relation }));
  ctx.audit({ action: 'add_member', entity: 'household', entityId: h.number, villageId: h.villageId, after: { name: m.name, relation: m.relation, idCard: maskIdCard(m.idCard) } });
  return `已登记 ${h.number} ${h.headName} 户成员：${memberLine(m)}。本户共 ${existing.length + 1} 人。`;
}

/** The CST date the village completed 资格复审, null while open. */
async function qualificationDone(ctx: TownshipContext, villageId: number): Promise<string | null> {
  const [r] = await ctx.d.db
    .select({ doneAt: stageProgress.doneAt })
    .from(stageProgress)
    .where(and(eq(stageProgress.townshipId, ctx.township.id), eq(stageProgress.villageId, villageId), eq(stageProgress.stage, 'qualification_review')));
  return r ? cstDate(new Date(r.doneAt)) : null;
}

/**
 * 县批准 only after the township notice ran its full period, and never for a household with an
 * open or confirmed six-exclusions hit (DESIGN §3.4). Null when it may be approved.
 */
async function countyApprovalRefusal(ctx: TownshipContext, h: HouseholdRow, date: string): Promise<string | null> {
  const t = ctx.township;
  const who = `${h.number} ${h.headName}`;
  const [[notice], hits] = await Promise.all([
    ctx.d.db.select().from(notices).where(and(eq(notices.townshipId, t.id), eq(notices.villageId, 0))),
    ctx.d.db
      .select({ id: exclusionHits.id, status: exclusionHits.status })
      .from(exclusionHits)
      .where(and(eq(exclusionHits.householdId, h.id), inArray(exclusionHits.status, ['open', 'confirmed']), eq(exclusionHits.townshipId, t.id))),
  ]);
  const missing: string[] = [];
  if (h.status !== 'township_approved') missing.push(`本户还未通过乡审核（当前：${statusName(h.status, h.rejectedStep)}）`);
  const today = cstDate(ctx.now);
  if (!notice) missing.push('乡级公示尚未开始');
  else if (today < notice.endDate) missing.push(`乡级公示至 ${formatCn(notice.endDate)} 期满，尚未期满`);
  else if (date < notice.endDate) missing.push(`批准日期 ${formatCn(date)} 早于乡级公示期满日 ${formatCn(notice.endDate)}，请核对日期`);
  const open = hits.filter((x) => x.status === 'open');
  const confirmed = hits.filter((x) => x.status === 'confirmed');
  if (open.length) missing.push(`本户有 ${open.length} 条比对疑点未处理（线索 ${open.map((x) => `#${x.id}`).join('、')}）`);
  if (confirmed.length) missing.push(`本户有已确认的比对线索（${confirmed.map((x) => `#${x.id}`).join('、')}），不能纳入`);
  return missing.length ? `还不能登记 ${who} 县批准：${missing.join('；')}。` : null;
}

const COUNTY_APPROVAL_USAGE = '县批准 <户> [批准日期] [文号]，例如：县批准 01-012 12月24日 某扶移〔2026〕15号';

export const reviewHouseholds = (bot: Bot) =>
  bot
    .command({
      name: '申请',
      usage: APPLY_USAGE,
      summary: '登记农户申请或干部提名（不在花名册上的户）；家庭成员用“成员”或进度卡片上的表单登记',
      roles: REVIEWERS,
      where: 'village',
      async run(ctx, p) {
        const [head, maybeId, ...restWords] = p.args;
        if (!head) return ctx.reply(`用法：${APPLY_USAGE}`);
        let headId: string | null = null;
        let note = [maybeId, ...restWords].filter(Boolean).join(' ');
        if (maybeId && /^\d{15,17}[\dXx]?$/.test(maybeId)) {
          const check = validateIdCard(maybeId, { today: ctx.now });
          if (!check.ok) return ctx.reply(`身份证号有误：${check.reason}。请核对后重新发送。`);
          headId = check.id;
          note = restWords.join(' ');
        }
        ctx.reply((await registerApplication(ctx, { head, headId, note, members: [] })).text);
      },
    })
    // The progress card's application form: the head, then up to APPLY_FORM_MEMBERS members.
    .action(applyForm, async (ctx, { form }) => {
        const str = (k: string) => form[k] ?? '';
        const rows: MemberInput[] = [];
        for (let i = 0; i < APPLY_FORM_MEMBERS; i++) {
          const row = { name: str(`m${i}_name`), relation: str(`m${i}_relation`), idCard: str(`m${i}_id`) };
          if (row.name || row.relation || row.idCard) rows.push(row);
        }
        const headId = str('head_id');
        const r = await registerApplication(ctx, { head: str('head'), headId: headId || null, note: str('note'), members: rows });
        ctx.toast(r.ok ? 'success' : 'error', r.ok ? '已登记申请。' : r.text);
        if (r.ok) ctx.reply(r.text);
      })
    .command({
      name: '成员',
      usage: MEMBER_USAGE,
      summary: '补登申请户的家庭成员（与花名册一样核对身份证号）',
      roles: REVIEWERS,
      where: 'village',
      async run(ctx, p) {
        const [ref, name, relation, idCard] = p.args;
        ctx.reply(await addMember(ctx, ref, { name: name ?? '', relation: relation ?? '', idCard: idCard ?? '' }));
      },
    })
    .command({
      name: '责任人',
      usage: OWNER_USAGE,
      summary: '更改某户的识别责任人（乡扶贫办）',
      roles: ['office'],
      async run(ctx, p) {
        const [ref, who] = p.args;
        const name = who ? (p.mentions.get(who)?.name ?? cleanName(who)) : '';
        if (!ref || !name) return ctx.reply(`用法：${OWNER_USAGE}，如：责任人 石门村-申01 王磊`);
        const long = tooLong('name', '识别责任人姓名', name);
        if (long) return ctx.reply(long);
        const found = await findHousehold(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const h = found.household;
        if (h.identificationOwner === name) return ctx.reply(`${h.number} ${h.headName} 的识别责任人已是 ${name}。`);
        ctx.write(ctx.d.db.update(households).set({ identificationOwner: name, updatedAt: ctx.now.getTime() }).where(eq(households.id, h.id)));
        ctx.audit({ action: 'set_owner', entity: 'household', entityId: h.number, villageId: h.villageId, before: { identificationOwner: h.identificationOwner }, after: { identificationOwner: name } });
        ctx.reply(`${h.number} ${h.headName} 的识别责任人已由 ${h.identificationOwner ?? '（未登记）'} 改为 ${name}。`);
      },
    })
    .command({
      name: '资格',
      usage: '资格 <户> 通过|不通过 <理由>',
      summary: '对申请户作资格复审结论',
      roles: REVIEWERS,
      where: 'village',
      async run(ctx, p) {
        const [ref, verdict, ...why] = p.args;
        ctx.reply(await decideQualification(ctx, ref, verdict, why.join(' ')));
      },
    })
    .action(qualifyForm, async (ctx, { value, form }) => {
        const text = await decideQualification(ctx, value.h, form.verdict, form.reason);
        const ok = text.includes('资格复审通过') || text.includes('资格复审不通过');
        ctx.toast(ok ? 'success' : 'error', text);
        if (ok) ctx.reply(text);
      })
    .command({
      name: '县批准',
      usage: COUNTY_APPROVAL_USAGE,
      summary: '登记县里批准新纳入的户（批准日期、文号）',
      roles: ['office'],
      async run(ctx, p) {
        const [ref, ...rest] = p.args;
        const found = await findHousehold(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const h = found.household;
        const today = cstDate(ctx.now);
        const campaign = ctx.township.campaign;
        const typed = rest[0] !== undefined ? parseCalendarDate(rest[0], campaign?.year) : null;
        const date = typed ?? today;
        const doc = (typed ? rest.slice(1) : rest).join(' ').trim();
        if (date > today) return ctx.reply(`批准日期 ${formatCn(date)} 还没到，请写县里实际批准的日期。用法：${COUNTY_APPROVAL_USAGE}`);
        if (doc.length > 50) return ctx.reply(`文号太长（${doc.length} 字），请不超过 50 字。用法：${COUNTY_APPROVAL_USAGE}`);
        const refusal = await countyApprovalRefusal(ctx, h, date);
        if (refusal) return ctx.reply(refusal);
        const set = { countyApprovalDate: date, countyApprovalDoc: doc || null };
        if (!moveHousehold(ctx, h, 'county_approve', set)) return ctx.reply(`${h.number} ${h.headName} 还未通过乡审核（当前：${statusName(h.status, h.rejectedStep)}），不能登记县批准。`);
        ctx.audit({ action: 'county_approve', entity: 'household', entityId: h.number, villageId: h.villageId, before: { status: h.status }, after: { status: 'county_approved', ...set } });
        ctx.reply(`${h.number} ${h.headName} 已登记为县批准新纳入（${formatCn(date)}批准${doc ? `，文号：${doc}` : '，未写文号'}）。`);
      },
    })
    .command({
      name: '清退',
      usage: '清退 <户> <理由>',
      summary: '把不符合条件的户清退，须写明理由',
      roles: ['office'],
      async run(ctx, p) {
        const [ref, ...why] = p.args;
        const reason = why.join(' ');
        if (!ref || !reason) return ctx.reply('用法：清退 <户> <理由>，理由须写明（如：六个不纳入 有汽车）。');
        const long = tooLong('reason', '清退理由', reason);
        if (long) return ctx.reply(long);
        const found = await findHousehold(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const h = found.household;
        if (h.status === 'removed') return ctx.reply(`${h.number} ${h.headName} 已于此前清退（${h.removalReason ?? ''}）。`);
        const removed = moveHousehold(ctx, h, 'remove', { removalReason: reason });
        if (removed) {
          ctx.audit({ action: 'remove', entity: 'household', entityId: h.number, villageId: h.villageId, before: { status: h.status }, after: { status: 'removed', reason } });
          const flagged = await flagRemovalAfterClose(ctx, h, reason);
          return ctx.reply(`${h.number} ${h.headName} 已清退：${reason}。${flagged}`);
        }
        // an applicant still in the procedure is not newly included (不予纳入)
        const rejected = moveHousehold(ctx, h, 'reject', { rejectedStep: 'office', qualificationReason: reason });
        if (!rejected) return ctx.reply(`${h.number} ${h.headName} 当前为“${statusName(h.status, h.rejectedStep)}”，不在名单上，无需清退。`);
        ctx.audit({ action: 'reject', entity: 'household', entityId: h.number, villageId: h.villageId, before: { status: h.status }, after: { status: 'rejected', rejectedStep: 'office', reason } });
        ctx.reply(`申请户 ${h.number} ${h.headName} 不予纳入：${reason}。`);
      },
    });
