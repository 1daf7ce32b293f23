/**
 * The three village meetings of the identification procedure (DESIGN §3.3) and the rules a
 * meeting record must satisfy before it counts. Every broken rule is reported at once, in
 * Chinese, with the numbers, so a cadre can fix everything in one go.
 */

export const MEETING_KINDS = ['villagers_assembly', 'representatives', 'two_committees'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const MEETING_NAMES: Record<MeetingKind, string> = {
  villagers_assembly: '村民大会',
  representatives: '村民代表大会',
  two_committees: '两委会议',
};

/** Attendance of the villagers' assembly: 70% of those at home and eligible (在家应参会人数). */
export const VILLAGERS_ASSEMBLY_MIN_ATTENDANCE = 0.7;

export function parseMeetingKind(text: string): MeetingKind | null {
  const t = text.trim().replace(/[“”"'‘’\s]/g, '');
  if ((MEETING_KINDS as readonly string[]).includes(t)) return t as MeetingKind;
  if (t === '村民大会' || t === '群众大会') return 'villagers_assembly';
  if (t === '村民代表大会' || t === '代表大会' || t === '村民代表会议') return 'representatives';
  if (/^村?两委(会议|会)?$/.test(t)) return 'two_committees';
  return null;
}

export interface VoteTally {
  for: number;
  against: number;
  abstain?: number;
}
export interface ApplicationVote extends VoteTally {
  /** the applicant household (head's name or roster number), used in messages */
  applicant: string;
}

/**
 * One applicant's vote as stored on the meeting (DESIGN §3.4 per-applicant decisions). When an
 * objector spoke (如有异议的群众可以上会演说), `objection` holds who spoke and what, and the tally
 * is the separate vote taken after the speech.
 */
export interface HouseholdVote extends VoteTally {
  householdId: number;
  number: string;
  head: string;
  objection?: string;
  passed: boolean;
}

/** The kinds voted on per applicant; the two-committees meeting reviews, it does not vote. */
export const PER_APPLICANT_KINDS: readonly MeetingKind[] = ['villagers_assembly', 'representatives'];

/** More than half of those present (a tie fails). */
export const votePasses = (v: VoteTally, present: number): boolean => 2 * v.for > present;

/** The stored votes of a meeting, per applicant (an empty list for a single tally or none). */
export function householdVotes(votes: VoteTally | HouseholdVote[] | null): HouseholdVote[] {
  return Array.isArray(votes) ? votes : [];
}

/** 同意 60，反对 10[，弃权 2] */
export const tallyText = (v: VoteTally) => `同意 ${v.for}，反对 ${v.against}${v.abstain !== undefined ? `，弃权 ${v.abstain}` : ''}`;

export interface MeetingInput {
  kind: MeetingKind;
  /** 应到: those at home and eligible to attend */
  eligibleAtHome: number;
  /** 实到 */
  present: number;
  /**
   * one tally for the meeting (must pass), or one per application (each is an outcome: a
   * household below the majority is voted down, the record is not refused for it)
   */
  votes?: VoteTally | ApplicationVote[];
  overseers: {
    /** true when the village has a first secretary (poor villages) */
    firstSecretaryRequired: boolean;
    firstSecretaryConfirmed: boolean;
    packageCadreConfirmed: boolean;
  };
  signatures?: { packageCadre?: boolean };
  /**
   * What the record carries as evidence (DESIGN §3.4); absent, the evidence is not judged (the
   * numbers alone, as when a meeting is first typed in). A record short of it is 记录不完整.
   */
  evidence?: {
    /** the absentees' opinions, or an explicit 无缺席 */
    absentees: boolean;
    /** a photo or file of the signed resolution */
    resolutionPhoto: boolean;
    /** township cadres (besides the package cadre) who signed the two-committees minutes */
    townshipSignatures: number;
  };
}

export interface MeetingRules {
  /** minimum share of eligibleAtHome that must be present, per kind; kinds absent have no minimum */
  minAttendance: Partial<Record<MeetingKind, number>>;
  /** kinds whose record must carry a vote */
  votesRequired: readonly MeetingKind[];
  /** township cadres who must sign the two-committees minutes besides the package cadre */
  townshipSigners: number;
}

export const DEFAULT_MEETING_RULES: MeetingRules = {
  minAttendance: { villagers_assembly: VILLAGERS_ASSEMBLY_MIN_ATTENDANCE },
  votesRequired: ['villagers_assembly', 'representatives'],
  townshipSigners: 1,
};

/** The rules with the township's setting (township.json campaign.twoCommitteesTownshipSigners, default 1). */
export function meetingRulesOf(config: { twoCommitteesTownshipSigners?: number }): MeetingRules {
  return { ...DEFAULT_MEETING_RULES, townshipSigners: config.twoCommitteesTownshipSigners ?? DEFAULT_MEETING_RULES.townshipSigners };
}

/** Problems that make a record 记录不完整 rather than wrong: what is still to be added. */
export const INCOMPLETE = '记录不完整：';

export type MeetingValidation = { ok: true } | { ok: false; problems: string[] };

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** Percent for display, rounded down so a refused value never reads as reaching the bar. */
function percent(part: number, whole: number): string {
  return `${Math.floor((part * 1000) / whole) / 10}%`;
}

function voteProblems(v: VoteTally, present: number, who: string, majorityRequired = true): string[] {
  const labels: [keyof VoteTally, string][] = [['for', '同意'], ['against', '反对'], ['abstain', '弃权']];
  const bad = labels.filter(([k]) => (k === 'abstain' ? v.abstain !== undefined && !isCount(v.abstain) : !isCount(v[k])));
  if (bad.length > 0) {
    return bad.map(([k, label]) => `${who}${label}票数须为不小于 0 的整数（收到 ${String(v[k])}），请核对后重新填写。`);
  }
  const problems: string[] = [];
  const total = v.for + v.against + (v.abstain ?? 0);
  if (total > present) {
    const parts = `同意 ${v.for}、反对 ${v.against}${v.abstain !== undefined ? `、弃权 ${v.abstain}` : ''}`;
    problems.push(`${who}票数合计 ${total} 票（${parts}）多于实到 ${present} 人，请核对后重新填写。`);
  }
  // More than half of those present: integer form of for > present / 2, so a tie fails.
  if (majorityRequired && !votePasses(v, present)) {
    problems.push(
      `${who}表决未过半数：同意 ${v.for} 票未超过实到 ${present} 人的半数，须至少 ${Math.floor(present / 2) + 1} 票方可通过，请如实填写或重新表决。`,
    );
  }
  return problems;
}

export function validateMeeting(input: MeetingInput, rules: MeetingRules = DEFAULT_MEETING_RULES): MeetingValidation {
  const problems: string[] = [];
  const name = MEETING_NAMES[input.kind];
  const { eligibleAtHome: eligible, present } = input;

  const countsOk = isCount(eligible) && eligible > 0 && isCount(present);
  if (!isCount(eligible) || eligible === 0) problems.push(`应到人数须为正整数（收到 ${String(eligible)}），请核对后重新填写。`);
  if (!isCount(present)) problems.push(`实到人数须为不小于 0 的整数（收到 ${String(present)}），请核对后重新填写。`);

  if (countsOk) {
    if (present > eligible) {
      problems.push(`实到 ${present} 人多于应到 ${eligible} 人，实到人数不能超过在家应参会人数，请核对后重新填写。`);
    }
    const min = rules.minAttendance[input.kind];
    // The epsilon absorbs floating point (0.7 * 100 may be 70.00000000000001) so exactly
    // reaching the bar passes; no real head count is within 1e-9 of it otherwise.
    if (min !== undefined && present + 1e-9 < min * eligible) {
      const bar = `${Math.round(min * 1000) / 10}%`;
      problems.push(
        `到会率 ${percent(present, eligible)}（${present}/${eligible}）低于 ${bar}，按规定须达到在家应参会人数的 ${bar}，请补开或如实填写。`,
      );
    }
  }

  const votes = input.votes;
  const hasVotes = Array.isArray(votes) ? votes.length > 0 : votes !== undefined;
  if (!hasVotes && rules.votesRequired.includes(input.kind)) {
    problems.push(`${name}须对每户申请当场表决，请填写同意、反对票数（如：同意 60 反对 10）。`);
  } else if (hasVotes && isCount(present)) {
    const list: [VoteTally, string][] = Array.isArray(votes)
      ? votes.map((v) => [v, `${v.applicant}的申请`])
      : [[votes as VoteTally, '']];
    for (const [v, who] of list) problems.push(...voteProblems(v, present, who, !Array.isArray(votes)));
  }

  const o = input.overseers;
  if (o.firstSecretaryRequired && !o.firstSecretaryConfirmed) {
    problems.push(`缺少第一书记监督：本村有第一书记，${name}须由第一书记到场监督，请第一书记确认后再登记。`);
  }
  if (!o.packageCadreConfirmed) {
    problems.push(`缺少驻村干部监督：${name}须由驻村干部到场监督，请驻村干部确认后再登记。`);
  }
  if (input.kind === 'two_committees' && input.signatures?.packageCadre !== true) {
    problems.push('两委会议记录缺少驻村干部签署意见：按规定驻村干部须在会议记录上签署意见，请签字后再登记。');
  }
  const e = input.evidence;
  if (e && input.kind === 'villagers_assembly') {
    if (!e.absentees) problems.push(`${INCOMPLETE}缺少缺席人员意见，请发送“缺席意见 具体意见”；无人缺席的，发送“缺席意见 无缺席”。`);
    if (!e.resolutionPhoto) problems.push(`${INCOMPLETE}缺少决议签字照片，请把签字的决议照片回复到本卡片。`);
  }
  if (e && input.kind === 'two_committees' && e.townshipSignatures < rules.townshipSigners) {
    problems.push(
      `${INCOMPLETE}须至少 ${rules.townshipSigners} 名乡干部在会议记录上签署意见（已签 ${e.townshipSignatures} 名），请乡干部在本卡片上按“乡干部签署意见”。`,
    );
  }

  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
