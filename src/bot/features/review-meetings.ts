// The three meetings (DESIGN §3.3): 村民大会, 村民代表大会, 两委会议. The numbers are checked at
// once (70% attendance, a majority of those present); a meeting counts only after both overseers
// confirmed their presence from their own Feishu accounts (and, for the two-committees meeting,
// the package cadre signed). A photo or file sent in reply to the meeting card is its evidence.
import { and, eq } from 'drizzle-orm';
import { households, meetings, outbox, villages } from '../../../db/schema/index';
import type { Bot } from '../bot';
import type { BotContext } from '../context';
import { MEETING_KINDS, MEETING_NAMES, parseMeetingKind, validateMeeting, type MeetingKind, type VoteTally } from '../../core/meetings';
import { cstDate, parseCalendarDate } from '../../core/dates';
import { holdersOf } from '../../store/township';
import { allows } from '../../core/roles';
import { meetingCard, type MeetingRow } from '../cards/meetings';
import { addEvidence } from '../evidence';
import { tooLong } from '../../core/limits';

const REPORTERS = ['village_cadre', 'first_secretary', 'package_cadre', 'office'] as const;
export const MEETING_USAGE = '会议 <村民大会/村民代表大会/两委会议> 应到<N> 实到<N> [同意<N> 反对<N>] [日期] [缺席意见：…]';

export interface MeetingDraft {
  kind: MeetingKind;
  eligible: number;
  present: number;
  votes: VoteTally | null;
  date: string;
  absentees: string | null;
}

/** Parses the text form; returns a Chinese problem when it cannot. */
export function parseMeetingText(rest: string, year: number, today: string): MeetingDraft | string {
  const [kindWord = ''] = rest.split(' ');
  const kind = parseMeetingKind(kindWord);
  if (!kind) return `请写明会议类型：村民大会、村民代表大会或两委会议。用法：${MEETING_USAGE}`;
  const num = (label: string) => {
    const m = new RegExp(`${label}\\s*[:：]?\\s*(\\d+)`).exec(rest);
    return m ? Number(m[1]) : null;
  };
  const eligible = num('应到');
  const present = num('实到');
  if (eligible === null || present === null) return `请写明应到和实到人数。用法：${MEETING_USAGE}`;
  const f = num('同意');
  const a = num('反对');
  const ab = num('弃权');
  if ((f === null) !== (a === null)) return '表决须同时写明同意和反对票数，如：同意60 反对10';
  const absent = /缺席意见\s*[:：]\s*(.+)$/.exec(rest)?.[1]?.trim() ?? null;
  const long = tooLong('absentees', '缺席人员意见', absent);
  if (long) return long;
  const dateWord = rest.replace(/缺席意见.*$/, '').split(' ').find((w) => /\d+[-/.月]\d+/.test(w) && !/(应到|实到|同意|反对|弃权)/.test(w));
  const date = dateWord ? parseCalendarDate(dateWord, year) : today;
  if (!date) return `日期“${dateWord}”无法识别，请写成 12-09 或 12月9日。`;
  if (date > today) return `会议日期 ${date} 还没到，请登记已开过的会议。`;
  return { kind, eligible, present, votes: f === null ? null : { for: f, against: a!, ...(ab !== null ? { abstain: ab } : {}) }, date, absentees: absent };
}

async function overseerState(ctx: BotContext, villageId: number) {
  const t = ctx.township!;
  const fs = await holdersOf(ctx.d, t.id, 'first_secretary', villageId);
  const pc = await holdersOf(ctx.d, t.id, 'package_cadre', villageId);
  return { firstSecretaryRequired: fs.length > 0, hasPackageCadre: pc.length > 0 };
}

/** Validity with the confirmations collected so far. */
export function meetingValidity(m: Pick<MeetingRow, 'kind' | 'eligible' | 'present' | 'votes' | 'confirmations'>, firstSecretaryRequired: boolean) {
  return validateMeeting({
    kind: m.kind as MeetingKind,
    eligibleAtHome: m.eligible,
    present: m.present,
    ...(m.votes ? { votes: m.votes as VoteTally } : {}),
    overseers: {
      firstSecretaryRequired,
      firstSecretaryConfirmed: Boolean(m.confirmations.first_secretary),
      packageCadreConfirmed: Boolean(m.confirmations.package_cadre),
    },
    signatures: { packageCadre: Boolean(m.confirmations.package_cadre_sign) },
  });
}

async function recordMeeting(ctx: BotContext, draft: MeetingDraft) {
  const v = ctx.village!;
  const o = await overseerState(ctx, v.id);
  if (!o.hasPackageCadre) return ctx.reply(`${v.name}还没有登记驻村干部，会议无人监督，不能登记。请乡扶贫办先设置：角色 @某人 驻村干部 ${v.name}`);
  // Numbers first, as if both overseers were there: a bad count is refused outright.
  const numbers = validateMeeting({
    kind: draft.kind,
    eligibleAtHome: draft.eligible,
    present: draft.present,
    ...(draft.votes ? { votes: draft.votes } : {}),
    overseers: { firstSecretaryRequired: false, firstSecretaryConfirmed: true, packageCadreConfirmed: true },
    signatures: { packageCadre: true },
  });
  if (!numbers.ok) {
    return ctx.reply(`${MEETING_NAMES[draft.kind]}记录未登记：\n${numbers.problems.map((x) => `• ${x}`).join('\n')}`);
  }
  // The person recording confirms their own presence when they are an overseer of this village.
  const confirmations: Record<string, string> = {};
  for (const g of ctx.actor.grants) {
    if (g.villageId !== v.id) continue;
    if (g.role === 'first_secretary') confirmations.first_secretary = ctx.actor.openId;
    if (g.role === 'package_cadre') {
      confirmations.package_cadre = ctx.actor.openId;
      if (draft.kind === 'two_committees') confirmations.package_cadre_sign = ctx.actor.openId;
    }
  }
  const row = {
    townshipId: v.townshipId,
    villageId: v.id,
    kind: draft.kind,
    date: draft.date,
    eligible: draft.eligible,
    present: draft.present,
    votes: draft.votes,
    absenteeOpinions: draft.absentees,
    confirmations,
    valid: meetingValidity({ ...draft, votes: draft.votes, confirmations }, o.firstSecretaryRequired).ok,
    recordedBy: ctx.actor.person?.name ?? ctx.actor.openId,
    createdAt: ctx.now.getTime(),
  };
  // The card's outbox uuid names the meeting on its buttons and links photo replies to it.
  const uuid = ctx.newUuid();
  ctx.write(ctx.d.db.insert(meetings).values({ ...row, cardMessageId: uuid }));
  ctx.audit({ action: 'record', entity: 'meeting', entityId: `${v.name}/${draft.kind}/${draft.date}`, after: row });
  const card = meetingCard({ ...row, id: 0, evidence: [], cardMessageId: uuid }, v.name, o.firstSecretaryRequired, meetingValidity({ ...row }, o.firstSecretaryRequired));
  ctx.reply({ card }, uuid);
}

/** When all three meetings of a village are valid, its qualified applicants become 'evaluated'. */
async function advanceIfAllValid(ctx: BotContext, villageId: number, justValid: MeetingKind) {
  const rows = await ctx.d.db.select({ kind: meetings.kind }).from(meetings).where(and(eq(meetings.villageId, villageId), eq(meetings.valid, true)));
  const valid = new Set([...rows.map((r) => r.kind), justValid]);
  if (!MEETING_KINDS.every((k) => valid.has(k))) return;
  ctx.write(
    ctx.d.db
      .update(households)
      .set({ status: 'evaluated', updatedAt: ctx.now.getTime() })
      .where(and(eq(households.villageId, villageId), eq(households.status, 'qualified'))),
  );
}

async function loadMeeting(ctx: BotContext, key: unknown): Promise<MeetingRow | null> {
  if (typeof key !== 'string' || !key) return null;
  const [m] = await ctx.d.db.select().from(meetings).where(eq(meetings.cardMessageId, key));
  return m && m.townshipId === ctx.township?.id ? m : null;
}

export const reviewMeetings = (bot: Bot) =>
  bot
    .command({
      name: '会议',
      usage: MEETING_USAGE,
      summary: '登记三个会议之一（规则：到会率≥70%、表决过半数、两名监督人确认）',
      roles: REPORTERS,
      where: 'village',
      async run(ctx, p) {
        const config = ctx.township!.campaign as { year: number };
        const draft = parseMeetingText(p.rest, config.year, cstDate(ctx.now));
        if (typeof draft === 'string') return ctx.reply(draft);
        await recordMeeting(ctx, draft);
      },
    })
    .action({
      name: 'meeting.form',
      roles: REPORTERS,
      where: 'village',
      async run(ctx, { form }) {
        const kind = parseMeetingKind(String(form.kind ?? ''));
        const n = (k: string) => (form[k] === undefined || form[k] === '' ? null : Number(form[k]));
        const eligible = n('eligible');
        const present = n('present');
        if (!kind || eligible === null || present === null || Number.isNaN(eligible) || Number.isNaN(present)) {
          return ctx.toast('error', '请选择会议类型并填写应到、实到人数。');
        }
        const f = n('for');
        const a = n('against');
        const long = tooLong('absentees', '缺席人员意见', typeof form.absentees === 'string' ? form.absentees.trim() : null);
        if (long) return ctx.toast('error', long);
        const draft: MeetingDraft = {
          kind,
          eligible,
          present,
          votes: f === null && a === null ? null : { for: f ?? 0, against: a ?? 0 },
          date: cstDate(ctx.now),
          absentees: form.absentees ? String(form.absentees) : null,
        };
        await recordMeeting(ctx, draft);
        ctx.toast('info', '已提交，结果见群消息。');
      },
    })
    .action({
      name: 'meeting.confirm',
      roles: ['first_secretary', 'package_cadre'],
      where: 'village',
      async run(ctx, { value }) {
        const m = await loadMeeting(ctx, value.m);
        if (!m || m.villageId !== ctx.village!.id) return ctx.toast('error', '找不到这次会议记录。');
        const as = String(value.as);
        const sign = as === 'package_cadre_sign';
        const role = sign ? 'package_cadre' : as;
        if (role !== 'first_secretary' && role !== 'package_cadre') return ctx.toast('error', '无效的操作。');
        if (!allows(ctx.actor.grants.filter((g) => g.role !== 'office'), [role], m.villageId)) {
          return ctx.toast('error', `只有本村${role === 'first_secretary' ? '第一书记' : '驻村干部'}本人可以确认。`);
        }
        const o = await overseerState(ctx, m.villageId);
        if (m.confirmations[as]) {
          ctx.answer.card = meetingCard(m, ctx.village!.name, o.firstSecretaryRequired, meetingValidity(m, o.firstSecretaryRequired));
          return ctx.toast('info', '已确认过。');
        }
        const confirmations = { ...m.confirmations, [as]: ctx.actor.openId };
        const validity = meetingValidity({ ...m, confirmations }, o.firstSecretaryRequired);
        ctx.write(ctx.d.db.update(meetings).set({ confirmations, valid: validity.ok }).where(eq(meetings.id, m.id)));
        ctx.audit({ action: sign ? 'sign' : 'confirm', entity: 'meeting', entityId: String(m.id), before: m.confirmations, after: confirmations });
        if (validity.ok) await advanceIfAllValid(ctx, m.villageId, m.kind as MeetingKind);
        ctx.answer.card = meetingCard({ ...m, confirmations, valid: validity.ok }, ctx.village!.name, o.firstSecretaryRequired, validity);
        ctx.toast('success', validity.ok ? `已确认，${MEETING_NAMES[m.kind as MeetingKind]}记录有效。` : '已确认。');
      },
    })
    .action({
      // Other township cadres (the office, the area leader) sign their opinion in the two-committees
      // minutes from their own accounts; recorded on the meeting beside the package cadre's.
      name: 'meeting.township_sign',
      roles: ['office', 'leader'],
      async run(ctx, { value }) {
        const m = await loadMeeting(ctx, value.m);
        if (m?.kind !== 'two_committees') return ctx.toast('error', '找不到这次两委会议记录。');
        const key = `township_sign:${ctx.actor.openId}`;
        const o = await overseerState(ctx, m.villageId);
        const village = (await ctx.d.db.select({ name: villages.name }).from(villages).where(eq(villages.id, m.villageId)))[0]?.name ?? '';
        if (m.confirmations[key]) {
          ctx.answer.card = meetingCard(m, village, o.firstSecretaryRequired, meetingValidity(m, o.firstSecretaryRequired));
          return ctx.toast('info', '已签过字。');
        }
        const confirmations = { ...m.confirmations, [key]: ctx.actor.person?.name ?? ctx.actor.openId };
        ctx.write(ctx.d.db.update(meetings).set({ confirmations }).where(eq(meetings.id, m.id)));
        ctx.audit({ action: 'sign', entity: 'meeting', entityId: String(m.id), villageId: m.villageId, before: m.confirmations, after: confirmations });
        ctx.answer.card = meetingCard({ ...m, confirmations }, village, o.firstSecretaryRequired, meetingValidity({ ...m, confirmations }, o.firstSecretaryRequired));
        ctx.toast('success', '已签字。');
      },
    })
    .onReplyMedia({
      name: 'meeting.evidence',
      async run(ctx, media) {
        // The photo replies to the meeting card the bot sent: find the card by Feishu message id.
        const [card] = await ctx.d.db.select({ uuid: outbox.uuid }).from(outbox).where(eq(outbox.feishuMessageId, media.parentId));
        if (!card) return false;
        const [m] = await ctx.d.db.select().from(meetings).where(eq(meetings.cardMessageId, card.uuid));
        if (!m) return false;
        const add = addEvidence(ctx, media, m.evidence);
        if (!add) return true;
        ctx.write(ctx.d.db.update(meetings).set({ evidence: add.evidence }).where(eq(meetings.id, m.id)));
        for (const ref of add.refs) ctx.audit({ action: 'attach', entity: 'meeting', entityId: String(m.id), villageId: m.villageId, after: { evidence: ref } });
        ctx.reply(`已将${add.noun}附到${MEETING_NAMES[m.kind as MeetingKind]}（${m.date}）记录，作为佐证（共 ${add.evidence.length} 份）。`);
        return true;
      },
    });
