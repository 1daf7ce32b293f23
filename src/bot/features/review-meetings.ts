// The three meetings (DESIGN §3.3, §3.4): 村民大会, 村民代表大会, 两委会议. The numbers are checked at
// once (70% attendance); at the first two every applicant is voted on by name (more than half of
// those present), and a household voted down leaves as 未通过 with the meeting named. A meeting counts only after both overseers
// confirmed their presence from their own Feishu accounts (and, for the two-committees meeting,
// the package cadre signed). A photo or file sent in reply to the meeting card is its evidence.
import { addMeeting, applicantsIn, latestMeeting, meetingByCard, outboxUuidOf, updateMeeting, validMeetingKinds, villageName } from '../../store/meetings';
import type { Bot } from '../bot';
import { inTownship, type VillageContext, type TownshipContext } from '../action';
import {
  MEETING_KINDS,
  MEETING_NAMES,
  PER_APPLICANT_KINDS,
  parseMeetingKind,
  tallyText,
  validateMeeting,
  votePasses,
  meetingRulesOf,
  type ApplicationVote,
  type HouseholdVote,
  type MeetingRules,
  type MeetingValidation,
  type MeetingKind,
  type VoteTally,
} from '../../core/meetings';
import type { HouseholdStatus } from '../../core/stages';
import { cstDate, formatCn, parseCalendarDate } from '../../core/dates';
import { holdersOf } from '../../store/township';
import { allows } from '../../core/roles';
import { meetingCard, type MeetingRow } from '../cards/meetings';
import { addEvidence, evidenceEntries } from '../evidence';
import { tooLong } from '../../core/limits';
import { backfillDaysOf, backfillNeedsPhoto, datedEntryProblem, isBackfill, villageOrder } from '../../core/procedure';
import { villageFacts } from '../../store/progress';
import { moveAll, moveHousehold } from '../households';
import { meetingForm, meetingConfirm, meetingTownshipSign } from '../actions/review';

const REPORTERS = ['village_cadre', 'first_secretary', 'package_cadre', 'office'] as const;
export const MEETING_USAGE =
  '会议 <村民大会/村民代表大会/两委会议> 应到<N> 实到<N> [<户> 同意<N> 反对<N> [异议（发言人：内容）] …] [日期] [缺席意见：…|无缺席]';

/** One applicant's tally as typed: `<户> 同意N 反对N [弃权N] [异议（…）]`. */
export interface ApplicantTally {
  ref: string;
  for: number;
  against: number;
  abstain?: number;
  objection?: string;
}

export interface MeetingDraft {
  kind: MeetingKind;
  eligible: number;
  present: number;
  /** one tally for the meeting: only when no applicant awaits this meeting's vote */
  votes: VoteTally | null;
  /** one tally per applicant household */
  applicants: ApplicantTally[];
  date: string;
  absentees: string | null;
}

const LABELS = ['应到', '实到', '同意', '反对', '弃权'] as const;
type Label = (typeof LABELS)[number];
const TALLY_KEY: Record<'同意' | '反对' | '弃权', 'for' | 'against' | 'abstain'> = { 同意: 'for', 反对: 'against', 弃权: 'abstain' };
const OBJECTION_MARK = '\u0001';

/** Parses the text form; returns a Chinese problem when it cannot. */
export function parseMeetingText(rest: string, year: number, today: string): MeetingDraft | string {
  const [kindWord = ''] = rest.trim().split(/\s+/);
  const kind = parseMeetingKind(kindWord);
  if (!kind) return `请写明会议类型：村民大会、村民代表大会或两委会议。用法：${MEETING_USAGE}`;
  let text = rest.trim().slice(kindWord.length);
  // 缺席意见 runs to the end of the message.
  const absM = /缺席意见\s*[:：]?\s*(.*)$/s.exec(text);
  let absent = absM?.[1]?.trim() || null;
  if (absM) text = text.slice(0, absM.index);
  const long = tooLong('absentees', '缺席人员意见', absent);
  if (long) return long;
  // 异议（…）: the objector's speech, held apart so its words are not read as names.
  const objections: string[] = [];
  text = text.replace(/异议\s*[（(]([^）)]*)[）)]/g, (_m, said: string) => ` ${OBJECTION_MARK}${objections.push(said.trim()) - 1} `);
  if (/异议/.test(text)) return '异议的内容请写在括号里，紧跟在该户票数后面，如：李四 同意50 反对20 异议（王五：他家有车）';
  text = text.replace(/(应到|实到|同意|反对|弃权)\s*[:：]?\s*(\d+)/g, ' $1$2 ');

  const counts: Partial<Record<'应到' | '实到', number>> = {};
  const whole: Partial<VoteTally> = {};
  const applicants: Partial<ApplicantTally>[] = [];
  let dateWord: string | null = null;
  const tokens = text.split(/\s+/).filter(Boolean);
  for (const [i, tok] of tokens.entries()) {
    const current = applicants.at(-1);
    const m = /^(应到|实到|同意|反对|弃权)(\d+)$/.exec(tok);
    if (m) {
      const label = m[1] as Label;
      const value = Number(m[2]);
      if (label === '应到' || label === '实到') {
        if (counts[label] !== undefined) return `${label}人数写了两次，请只写一次。`;
        counts[label] = value;
        continue;
      }
      const key = TALLY_KEY[label];
      const target: Partial<VoteTally> = current ?? whole;
      if (target[key] !== undefined) return `${current ? `${current.ref}的` : ''}${label}票数写了两次，请核对后重新发送。`;
      target[key] = value;
      continue;
    }
    if ((LABELS as readonly string[]).some((l) => tok.startsWith(l))) return `“${tok}”不是数字，请写成 ${tok.slice(0, 2)}60 这样。`;
    if (tok.startsWith(OBJECTION_MARK)) {
      if (!current) return '异议须写在对应户的票数后面，如：李四 同意50 反对20 异议（王五：他家有车）';
      if (current.objection !== undefined) return `${current.ref}的异议写了两次，请合并成一条。`;
      const said = objections[Number(tok.slice(1))] ?? '';
      if (!said) return `${current.ref}的异议须写明发言人和内容，如：异议（王五：他家有车）`;
      const longSaid = tooLong('note', '异议内容', said);
      if (longSaid) return longSaid;
      current.objection = said;
      continue;
    }
    if (tok === '无缺席') {
      absent = '无缺席';
      continue;
    }
    // A date, unless it is a household number like 01-012: a household's votes follow it.
    if (/\d+[-/.月]\d+/.test(tok) && !/^(同意|反对|弃权)\d+$/.test(tokens[i + 1] ?? '')) {
      if (dateWord !== null) return `写了两个日期（${dateWord}、${tok}），请只写会议召开的日期。`;
      dateWord = tok;
      continue;
    }
    const longRef = tooLong('ref', '户编号或户主姓名', tok);
    if (longRef) return longRef;
    applicants.push({ ref: tok });
  }
  const eligible = counts.应到;
  const present = counts.实到;
  if (eligible === undefined || present === undefined) return `请写明应到和实到人数。用法：${MEETING_USAGE}`;
  if (applicants.length > 0) {
    if (!PER_APPLICANT_KINDS.includes(kind)) return `两委会议不逐户表决，请不要写户名（收到“${applicants[0]!.ref}”）。用法：会议 两委会议 应到N 实到N [日期]`;
    if (whole.for !== undefined || whole.against !== undefined || whole.abstain !== undefined) {
      return '逐户表决时，票数写在各户后面（如：张三 同意60 反对10），不要另写总票数。';
    }
    const open = applicants.find((a) => a.for === undefined || a.against === undefined);
    if (open) return `${open.ref}的表决须同时写明同意和反对票数，如：${open.ref} 同意60 反对10`;
  } else if ((whole.for === undefined) !== (whole.against === undefined)) {
    return '表决须同时写明同意和反对票数，如：同意60 反对10';
  }
  const date = dateWord ? parseCalendarDate(dateWord, year) : today;
  if (!date) return `日期“${dateWord}”无法识别，请写成 12-09 或 12月9日。`;
  return {
    kind,
    eligible,
    present,
    votes: whole.for === undefined ? null : { for: whole.for, against: whole.against!, ...(whole.abstain !== undefined ? { abstain: whole.abstain } : {}) },
    applicants: applicants as ApplicantTally[],
    date,
    absentees: absent,
  };
}

/** The household event a pass at each voting meeting is (src/core/household-flow.ts). */
const VOTE_EVENT: Partial<Record<MeetingKind, 'assembly_pass' | 'representatives_pass'>> = { villagers_assembly: 'assembly_pass', representatives: 'representatives_pass' };

/** The status of an applicant awaiting each voting meeting, and the status a pass moves it to. */
export const VOTE_STEP: Partial<Record<MeetingKind, { from: HouseholdStatus; to: HouseholdStatus }>> = {
  villagers_assembly: { from: 'qualified', to: 'assembly_passed' },
  representatives: { from: 'assembly_passed', to: 'representatives_passed' },
};

type Awaiting = { id: number; number: string; headName: string };

/** The applicants of a village waiting for this meeting's vote. */
export async function awaitingVote(ctx: TownshipContext, villageId: number, kind: MeetingKind): Promise<Awaiting[]> {
  const step = VOTE_STEP[kind];
  if (!step) return [];
  return applicantsIn(ctx.d, villageId, step.from);
}

const listOf = (hs: Awaiting[]) => {
  const names = hs.slice(0, 8).map((h) => `${h.headName}（${h.number}）`);
  return `${names.join('、')}${hs.length > 8 ? ` 等 ${hs.length} 户` : ''}`;
};

/** Matches the typed tallies to the households awaiting the vote; a Chinese problem when they do not fit. */
function matchTallies(kind: MeetingKind, tallies: ApplicantTally[], awaiting: Awaiting[]): HouseholdVote[] | string {
  const name = MEETING_NAMES[kind];
  const out: HouseholdVote[] = [];
  const seen = new Set<number>();
  for (const t of tallies) {
    const byNumber = awaiting.filter((h) => h.number === t.ref);
    const found = byNumber.length ? byNumber : awaiting.filter((h) => h.headName === t.ref);
    if (found.length === 0) {
      return awaiting.length
        ? `“${t.ref}”不是待${name}表决的申请户。待表决：${listOf(awaiting)}。`
        : `本村没有待${name}表决的申请户，请不要写户名（收到“${t.ref}”）。`;
    }
    if (found.length > 1) return `待表决的申请户中有 ${found.length} 户户主叫“${t.ref}”，请改用户编号：${found.map((h) => h.number).join('、')}`;
    const h = found[0]!;
    if (seen.has(h.id)) return `${h.headName}（${h.number}）写了两次，每户只表决一次。`;
    seen.add(h.id);
    out.push({
      householdId: h.id,
      number: h.number,
      head: h.headName,
      for: t.for,
      against: t.against,
      ...(t.abstain !== undefined ? { abstain: t.abstain } : {}),
      ...(t.objection !== undefined ? { objection: t.objection } : {}),
      passed: false,
    });
  }
  const missing = awaiting.filter((h) => !seen.has(h.id));
  if (missing.length) return `${name}须逐户表决，还有 ${missing.length} 户未写票数：${listOf(missing)}。用法：会议 ${name} 应到N 实到N ${missing[0]!.headName} 同意N 反对N …`;
  return out;
}

async function overseerState(ctx: TownshipContext, villageId: number) {
  const t = ctx.township;
  const fs = await holdersOf(ctx.d, t.id, 'first_secretary', villageId);
  const pc = await holdersOf(ctx.d, t.id, 'package_cadre', villageId);
  return { firstSecretaryRequired: fs.length > 0, hasPackageCadre: pc.length > 0 };
}

/** The votes as the rules read them: a single tally, or one per applicant named by the head. */
function votesForRules(votes: VoteTally | HouseholdVote[] | null): VoteTally | ApplicationVote[] | undefined {
  if (!votes) return undefined;
  if (Array.isArray(votes)) return votes.map((v) => ({ applicant: v.head, for: v.for, against: v.against, ...(v.abstain !== undefined ? { abstain: v.abstain } : {}) }));
  return votes;
}

type ValidityInput = Pick<MeetingRow, 'kind' | 'eligible' | 'present' | 'votes' | 'confirmations' | 'evidence' | 'absenteeOpinions'>;

/** Township cadres (besides the package cadre) who signed the two-committees minutes. */
export const townshipSigners = (confirmations: Record<string, string>) =>
  Object.entries(confirmations)
    .filter(([k]) => k.startsWith('township_sign:'))
    .map(([, name]) => name);

/** The meeting rules with this township's settings (township.json). */
const rulesOf = (ctx: TownshipContext) => meetingRulesOf(ctx.township.campaign);

/** Validity with the confirmations, signatures and evidence collected so far. */
export function meetingValidity(m: ValidityInput, firstSecretaryRequired: boolean, rules: MeetingRules) {
  const votes = votesForRules(m.votes);
  return validateMeeting(
    {
      kind: m.kind,
      eligibleAtHome: m.eligible,
      present: m.present,
      ...(votes ? { votes } : {}),
      overseers: {
        firstSecretaryRequired,
        firstSecretaryConfirmed: Boolean(m.confirmations.first_secretary),
        packageCadreConfirmed: Boolean(m.confirmations.package_cadre),
      },
      signatures: { packageCadre: Boolean(m.confirmations.package_cadre_sign) },
      evidence: {
        absentees: Boolean(m.absenteeOpinions?.trim()),
        resolutionPhoto: m.evidence.length > 0,
        townshipSignatures: townshipSigners(m.confirmations).length,
      },
    },
    rules,
  );
}

/**
 * Writes a change to a recorded meeting with its new validity; when it has just become valid, the
 * applicants move on if all three meetings now count. Returns the updated row and its validity.
 */
async function saveMeeting(ctx: TownshipContext, m: MeetingRow, changes: Partial<Pick<MeetingRow, 'confirmations' | 'evidence' | 'absenteeOpinions'>>) {
  const o = await overseerState(ctx, m.villageId);
  const next = { ...m, ...changes };
  const validity = meetingValidity(next, o.firstSecretaryRequired, rulesOf(ctx));
  ctx.write(updateMeeting(ctx.d, m.id, { ...changes, valid: validity.ok }));
  if (validity.ok && !m.valid) await advanceIfAllValid(ctx, m.villageId, m.kind);
  const village = ctx.village?.id === m.villageId ? ctx.village.name : await villageName(ctx.d, m.villageId);
  const row = { ...next, valid: validity.ok };
  return { row, validity, card: meetingCard(row, village, o.firstSecretaryRequired, validity) };
}

/** One line on where the record stands: valid, or what it still lacks. */
export function validityLine(kind: MeetingKind, validity: MeetingValidation): string {
  return validity.ok ? `✅ ${MEETING_NAMES[kind]}记录有效。` : `尚未生效：\n${validity.problems.map((x) => `• ${x}`).join('\n')}`;
}

async function recordMeeting(ctx: VillageContext, draft: MeetingDraft, attached: string[] = []): Promise<boolean> {
  const v = ctx.village;
  const name = MEETING_NAMES[draft.kind];
  // Order and date first (DESIGN §3.4): the missing earlier step is named, nothing is recorded.
  const order = villageOrder(draft.kind, await villageFacts(ctx.d, v.townshipId, v.id));
  const config = ctx.township.campaign;
  const today = cstDate(ctx.now);
  const dateProblem = order.refusal ? null : datedEntryProblem(name, draft.date, { today, campaign: config, after: order.after });
  const backfilled = isBackfill(draft.date, today, backfillDaysOf(config));
  const refusal =
    order.refusal ??
    (dateProblem ? `${name}记录未登记：${dateProblem}` : null) ??
    (backfilled && attached.length === 0 ? `${name}记录未登记：${backfillNeedsPhoto(name, draft.date, today, backfillDaysOf(config))}` : null);
  if (refusal) {
    ctx.reply(refusal);
    return false;
  }
  const o = await overseerState(ctx, v.id);
  if (!o.hasPackageCadre) {
    ctx.reply(`${v.name}还没有登记驻村干部，会议无人监督，不能登记。请乡扶贫办先设置：角色 @某人 驻村干部 ${v.name}`);
    return false;
  }
  // Per-applicant kinds: every applicant awaiting this meeting is voted on by name.
  let perHousehold: HouseholdVote[] | null = null;
  const step = VOTE_STEP[draft.kind];
  if (step) {
    const awaiting = await awaitingVote(ctx, v.id, draft.kind);
    if (draft.applicants.length === 0 && awaiting.length > 0) {
      ctx.reply(`${name}记录未登记：须对每户申请逐户表决，待表决：${listOf(awaiting)}。\n用法：会议 ${name} 应到N 实到N ${awaiting[0]!.headName} 同意N 反对N …`);
      return false;
    }
    if (draft.applicants.length > 0) {
      const matched = matchTallies(draft.kind, draft.applicants, awaiting);
      if (typeof matched === 'string') {
        ctx.reply(`${name}记录未登记：${matched}`);
        return false;
      }
      perHousehold = matched.map((x) => ({ ...x, passed: votePasses(x, draft.present) }));
    }
  }
  const votes: VoteTally | HouseholdVote[] | null = perHousehold ?? draft.votes;
  const ruleVotes = votesForRules(votes);
  // Numbers first, as if both overseers were there: a bad count is refused outright.
  const numbers = validateMeeting({
    kind: draft.kind,
    eligibleAtHome: draft.eligible,
    present: draft.present,
    ...(ruleVotes ? { votes: ruleVotes } : {}),
    overseers: { firstSecretaryRequired: false, firstSecretaryConfirmed: true, packageCadreConfirmed: true },
    signatures: { packageCadre: true },
  });
  if (!numbers.ok) {
    ctx.reply(`${name}记录未登记：\n${numbers.problems.map((x) => `• ${x}`).join('\n')}`);
    return false;
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
    votes,
    absenteeOpinions: draft.absentees,
    confirmations,
    // photos pasted into the same (rich-text) message are the resolution's evidence straight away
    evidence: attached,
    backfilled,
    valid: false,
    recordedBy: ctx.actor.person?.name ?? ctx.actor.openId,
    createdAt: ctx.now.getTime(),
  };
  const validity = meetingValidity({ ...row, absenteeOpinions: draft.absentees }, o.firstSecretaryRequired, rulesOf(ctx));
  row.valid = validity.ok;
  // The card's outbox uuid names the meeting on its buttons and links photo replies to it.
  const uuid = ctx.newUuid();
  ctx.write(addMeeting(ctx.d, { ...row, cardMessageId: uuid }));
  ctx.audit({ action: 'record', entity: 'meeting', entityId: `${v.name}/${draft.kind}/${draft.date}`, after: { ...row, ...(backfilled ? { 后补登记: true, enteredOn: today } : {}) } });
  // Each applicant's outcome, recorded with the household: a pass moves it on, a household voted
  // down leaves the procedure as 未通过 with the meeting named (never carried forward).
  const down: HouseholdVote[] = [];
  for (const hv of perHousehold ?? []) {
    const tally = `${tallyText(hv)}（实到 ${draft.present} 人）`;
    const separately = hv.objection ? `，异议演说后单独表决（${hv.objection}）` : '';
    const rejection = `${name}（${formatCn(draft.date)}）表决未通过：${tally}${separately}`;
    // through the household table (src/core/household-flow.ts), guarded by the awaited status
    const to = moveHousehold(ctx, { id: hv.householdId, status: step!.from }, hv.passed ? VOTE_EVENT[draft.kind]! : 'reject', hv.passed ? {} : { rejectedStep: draft.kind, rejection });
    const after = hv.passed ? { status: to } : { status: to, rejectedStep: draft.kind, rejection };
    ctx.audit({ action: 'vote', entity: 'household', entityId: hv.number, before: { status: step!.from }, after: { ...after, meeting: draft.kind, date: draft.date, for: hv.for, against: hv.against, ...(hv.abstain !== undefined ? { abstain: hv.abstain } : {}), ...(hv.objection ? { objection: hv.objection } : {}), passed: hv.passed } });
    if (!hv.passed) down.push(hv);
  }
  if (validity.ok) await advanceIfAllValid(ctx, v.id, draft.kind);
  const card = meetingCard({ ...row, id: 0, cardMessageId: uuid }, v.name, o.firstSecretaryRequired, validity);
  ctx.reply({ card }, uuid);
  if (down.length) {
    ctx.reply(
      `${name}表决未通过 ${down.length} 户，已退出本次识别程序（未通过），不再进入后续环节：\n${down
        .map((hv) => `• ${hv.head}（${hv.number}）：${tallyText(hv)}，未超过实到 ${draft.present} 人的半数${hv.objection ? '（异议演说后单独表决）' : ''}`)
        .join('\n')}`,
    );
  }
  return true;
}

/** When all three meetings of a village are valid, the applicants voted through both become 'evaluated'. */
async function advanceIfAllValid(ctx: TownshipContext, villageId: number, justValid: MeetingKind) {
  const valid = new Set([...(await validMeetingKinds(ctx.d, villageId)), justValid]);
  if (!MEETING_KINDS.every((k) => valid.has(k))) return;
  moveAll(ctx, villageId, 'two_committees_pass');
}

async function loadMeeting(ctx: TownshipContext, key: string): Promise<MeetingRow | null> {
  const m = await meetingByCard(ctx.d, key);
  return m && m.townshipId === ctx.township.id ? m : null;
}

export const reviewMeetings = (bot: Bot) =>
  bot
    .command({
      name: '会议',
      usage: MEETING_USAGE,
      summary: '登记三个会议之一（规则：到会率≥70%、逐户表决过半数、两名监督人确认）',
      roles: REPORTERS,
      where: 'village',
      async run(ctx, p) {
        const config = ctx.township.campaign;
        const draft = parseMeetingText(p.rest, config.year, cstDate(ctx.now));
        if (typeof draft === 'string') return ctx.reply(draft);
        const attached = ctx.replyTo ? evidenceEntries({ items: p.attachments, messageId: ctx.replyTo, parentId: '' }) : [];
        await recordMeeting(ctx, draft, attached.map((e) => e.entry));
      },
    })
    .command({
      // The absentees' opinions of the latest 村民大会 (or 无缺席), when not given with the meeting.
      name: '缺席意见',
      usage: '缺席意见 <内容|无缺席>',
      summary: '补登村民大会的缺席人员意见（无人缺席写“无缺席”）',
      roles: REPORTERS,
      where: 'village',
      async run(ctx, p) {
        const text = p.rest.trim();
        if (!text) return ctx.reply('用法：缺席意见 <内容>，如：缺席意见 外出3户电话表示同意；无人缺席的发送：缺席意见 无缺席');
        const long = tooLong('absentees', '缺席人员意见', text);
        if (long) return ctx.reply(long);
        const m = await latestMeeting(ctx.d, ctx.village.id, 'villagers_assembly');
        if (!m) return ctx.reply('本村还没有登记村民大会。请先登记：会议 村民大会 应到N 实到N <户> 同意N 反对N …');
        const saved = await saveMeeting(ctx, m, { absenteeOpinions: text });
        ctx.audit({ action: 'absentees', entity: 'meeting', entityId: String(m.id), before: { absenteeOpinions: m.absenteeOpinions }, after: { absenteeOpinions: text } });
        ctx.reply(`已登记村民大会（${formatCn(m.date)}）缺席人员意见：${text}\n${validityLine('villagers_assembly', saved.validity)}`);
      },
    })
    // The progress card's meeting form: the kind and the applicants it lists are in the button's
    // value; attendance once, then 同意 / 反对 (and an objector's speech) per applicant.
    .action(meetingForm, async (ctx, { value, form }) => {
        const kind = parseMeetingKind(value.kind ?? form.kind ?? '');
        const str = (k: string) => form[k] ?? '';
        const n = (k: string) => (str(k) === '' ? null : /^\d+$/.test(str(k)) ? Number(str(k)) : Number.NaN);
        const eligible = n('eligible');
        const present = n('present');
        if (!kind || eligible === null || present === null || Number.isNaN(eligible) || Number.isNaN(present)) {
          return ctx.toast('error', '请选择会议类型并填写应到、实到人数（整数）。');
        }
        const refs = value.hs;
        const applicants: ApplicantTally[] = [];
        for (const [i, ref] of refs.entries()) {
          const f = n(`for_${i}`);
          const a = n(`against_${i}`);
          if (f === null || a === null || Number.isNaN(f) || Number.isNaN(a)) return ctx.toast('error', `请填写 ${ref} 的同意、反对票数（整数）。`);
          const objection = str(`objection_${i}`);
          const longSaid = tooLong('note', '异议内容', objection);
          if (longSaid) return ctx.toast('error', longSaid);
          applicants.push({ ref, for: f, against: a, ...(objection ? { objection } : {}) });
        }
        const f = n('for');
        const a = n('against');
        if (Number.isNaN(f) || Number.isNaN(a)) return ctx.toast('error', '同意、反对票数须为整数。');
        const absentees = str('absentees');
        const long = tooLong('absentees', '缺席人员意见', absentees || null);
        if (long) return ctx.toast('error', long);
        const draft: MeetingDraft = {
          kind,
          eligible,
          present,
          votes: f === null && a === null ? null : { for: f ?? 0, against: a ?? 0 },
          applicants,
          date: cstDate(ctx.now),
          absentees: absentees || null,
        };
        const ok = await recordMeeting(ctx, draft);
        ctx.toast(ok ? 'info' : 'error', ok ? '已提交，结果见群消息。' : '未登记，原因见群消息。');
      })
    .action(meetingConfirm, async (ctx, { value }) => {
        const m = await loadMeeting(ctx, value.m);
        if (!m || m.villageId !== ctx.village.id) return ctx.toast('error', '找不到这次会议记录。');
        const { as } = value;
        const sign = as === 'package_cadre_sign';
        const role = sign ? 'package_cadre' : as;
        if (!allows(ctx.actor.grants.filter((g) => g.role !== 'office'), [role], m.villageId)) {
          return ctx.toast('error', `只有本村${role === 'first_secretary' ? '第一书记' : '驻村干部'}本人可以确认。`);
        }
        if (m.confirmations[as]) {
          const o = await overseerState(ctx, m.villageId);
          ctx.answer.card = meetingCard(m, ctx.village.name, o.firstSecretaryRequired, meetingValidity(m, o.firstSecretaryRequired, rulesOf(ctx)));
          return ctx.toast('info', '已确认过。');
        }
        const confirmations = { ...m.confirmations, [as]: ctx.actor.openId };
        const saved = await saveMeeting(ctx, m, { confirmations });
        ctx.audit({ action: sign ? 'sign' : 'confirm', entity: 'meeting', entityId: String(m.id), before: m.confirmations, after: confirmations });
        ctx.answer.card = saved.card;
        ctx.toast('success', saved.validity.ok ? `已确认，${MEETING_NAMES[m.kind]}记录有效。` : '已确认。');
      })
    // Other township cadres (the office, the area leader) sign their opinion in the two-committees
    // minutes from their own accounts; recorded on the meeting beside the package cadre's.
    .action(meetingTownshipSign, async (ctx, { value }) => {
        const m = await loadMeeting(ctx, value.m);
        if (m?.kind !== 'two_committees') return ctx.toast('error', '找不到这次两委会议记录。');
        const key = `township_sign:${ctx.actor.openId}`;
        if (m.confirmations[key]) {
          const o = await overseerState(ctx, m.villageId);
          const village = await villageName(ctx.d, m.villageId);
          ctx.answer.card = meetingCard(m, village, o.firstSecretaryRequired, meetingValidity(m, o.firstSecretaryRequired, rulesOf(ctx)));
          return ctx.toast('info', '已签过字。');
        }
        const confirmations = { ...m.confirmations, [key]: ctx.actor.person?.name ?? ctx.actor.openId };
        const saved = await saveMeeting(ctx, m, { confirmations });
        ctx.audit({ action: 'sign', entity: 'meeting', entityId: String(m.id), villageId: m.villageId, before: m.confirmations, after: confirmations });
        ctx.answer.card = saved.card;
        ctx.toast('success', saved.validity.ok && !m.valid ? '已签字，两委会议记录有效。' : '已签字。');
      })
    .onReplyMedia({
      name: 'meeting.evidence',
      async run(ctx, media) {
        // The photo replies to the meeting card the bot sent: find the card by Feishu message id.
        const card = await outboxUuidOf(ctx.d, media.parentId);
        if (!card) return false;
        const m = await meetingByCard(ctx.d, card);
        if (!m || !inTownship(ctx)) return false;
        const add = addEvidence(ctx, media, m.evidence);
        if (!add) return true;
        const saved = await saveMeeting(ctx, m, { evidence: add.evidence });
        for (const ref of add.refs) ctx.audit({ action: 'attach', entity: 'meeting', entityId: String(m.id), villageId: m.villageId, after: { evidence: ref } });
        const kind = m.kind;
        ctx.reply(`已将${add.noun}附到${MEETING_NAMES[kind]}（${m.date}）记录，作为佐证（共 ${add.evidence.length} 份）。\n${validityLine(kind, saved.validity)}`);
        return true;
      },
    });
