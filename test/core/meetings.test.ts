import { describe, it, expect } from 'vitest';
import {
  DEFAULT_MEETING_RULES,
  VILLAGERS_ASSEMBLY_MIN_ATTENDANCE,
  parseMeetingKind,
  meetingRulesOf,
  validateMeeting,
  votePasses,
  type MeetingInput,
} from '../../src/core/meetings';

const overseen = { firstSecretaryRequired: true, firstSecretaryConfirmed: true, packageCadreConfirmed: true };

function assembly(over: Partial<MeetingInput> = {}): MeetingInput {
  return { kind: 'villagers_assembly', eligibleAtHome: 100, present: 80, votes: { for: 60, against: 10 }, overseers: overseen, ...over };
}

const problemsOf = (input: MeetingInput): string[] => {
  const r = validateMeeting(input);
  return r.ok ? [] : r.problems;
};

describe('parseMeetingKind', () => {
  it('maps the Chinese names and keys', () => {
    expect(parseMeetingKind('村民大会')).toBe('villagers_assembly');
    expect(parseMeetingKind('村民代表大会')).toBe('representatives');
    expect(parseMeetingKind('两委会议')).toBe('two_committees');
    expect(parseMeetingKind('村“两委”会议')).toBe('two_committees');
    expect(parseMeetingKind(' 村两委会 ')).toBe('two_committees');
    expect(parseMeetingKind('representatives')).toBe('representatives');
    expect(parseMeetingKind('党员大会')).toBeNull();
  });
});

describe('validateMeeting: attendance', () => {
  it('exports the 70% threshold', () => {
    expect(VILLAGERS_ASSEMBLY_MIN_ATTENDANCE).toBe(0.7);
    expect(DEFAULT_MEETING_RULES.minAttendance.villagers_assembly).toBe(0.7);
  });

  it('accepts exactly 70%', () => {
    expect(validateMeeting(assembly({ present: 70, votes: { for: 36, against: 30 } }))).toEqual({ ok: true });
    expect(validateMeeting(assembly({ eligibleAtHome: 10, present: 7, votes: { for: 4, against: 3 } }))).toEqual({ ok: true });
  });

  it('refuses 69% with the rule and the numbers', () => {
    expect(problemsOf(assembly({ present: 69, votes: { for: 40, against: 20 } }))).toEqual([
      '到会率 69%（69/100）低于 70%，按规定须达到在家应参会人数的 70%，请补开或如实填写。',
    ]);
  });

  it('never shows a refused rate rounded up to the bar', () => {
    const p = problemsOf(assembly({ eligibleAtHome: 1000, present: 699, votes: { for: 400, against: 200 } }));
    expect(p).toEqual(['到会率 69.9%（699/1000）低于 70%，按规定须达到在家应参会人数的 70%，请补开或如实填写。']);
  });

  it('does not apply the assembly threshold to the other meetings', () => {
    const r = validateMeeting({ kind: 'representatives', eligibleAtHome: 30, present: 12, votes: { for: 7, against: 5 }, overseers: overseen });
    expect(r).toEqual({ ok: true });
  });

  it('refuses more present than eligible, and bad counts', () => {
    expect(problemsOf(assembly({ present: 101, votes: { for: 60, against: 10 } }))).toEqual([
      '实到 101 人多于应到 100 人，实到人数不能超过在家应参会人数，请核对后重新填写。',
    ]);
    const p = problemsOf(assembly({ eligibleAtHome: 0, present: -1 }));
    expect(p).toContain('应到人数须为正整数（收到 0），请核对后重新填写。');
    expect(p).toContain('实到人数须为不小于 0 的整数（收到 -1），请核对后重新填写。');
    expect(problemsOf(assembly({ present: 80.5 }))[0]).toBe('实到人数须为不小于 0 的整数（收到 80.5），请核对后重新填写。');
  });
});

describe('validateMeeting: votes', () => {
  it('refuses a tie: more than half is required', () => {
    expect(problemsOf(assembly({ present: 100, votes: { for: 50, against: 50 } }))).toEqual([
      '表决未过半数：同意 50 票未超过实到 100 人的半数，须至少 51 票方可通过，请如实填写或重新表决。',
    ]);
    expect(validateMeeting(assembly({ present: 100, votes: { for: 51, against: 49 } }))).toEqual({ ok: true });
  });

  it('with an odd attendance, half rounded down plus one passes', () => {
    expect(validateMeeting(assembly({ present: 71, votes: { for: 36, against: 35 } }))).toEqual({ ok: true });
    expect(problemsOf(assembly({ present: 71, votes: { for: 35, against: 30 } }))[0]).toContain('同意 35 票未超过实到 71 人的半数，须至少 36 票');
  });

  it('refuses more votes than people present', () => {
    expect(problemsOf(assembly({ present: 80, votes: { for: 60, against: 15, abstain: 10 } }))).toEqual([
      '票数合计 85 票（同意 60、反对 15、弃权 10）多于实到 80 人，请核对后重新填写。',
    ]);
  });

  it('checks each application separately and names it; a household below the majority is an outcome, not a refusal', () => {
    const p = problemsOf(
      assembly({
        votes: [
          { applicant: '张三', for: 70, against: 5 },
          { applicant: '李四', for: 40, against: 40 },
          { applicant: '王五', for: 79, against: 2 },
        ],
      }),
    );
    expect(p).toEqual(['王五的申请票数合计 81 票（同意 79、反对 2）多于实到 80 人，请核对后重新填写。']);
    expect(votePasses({ for: 40, against: 40 }, 80)).toBe(false);
    expect(votePasses({ for: 41, against: 39 }, 80)).toBe(true);
  });

  it('requires a vote at the assembly and the representatives meeting, not at the two committees', () => {
    const { votes: _omit, ...noVotes } = assembly();
    expect(problemsOf(noVotes)).toEqual(['村民大会须对每户申请当场表决，请填写同意、反对票数（如：同意 60 反对 10）。']);
    expect(problemsOf({ ...noVotes, votes: [] })).toHaveLength(1);
    expect(problemsOf({ ...noVotes, kind: 'representatives' })[0]).toContain('村民代表大会须对每户申请当场表决');
    expect(validateMeeting({ ...noVotes, kind: 'two_committees', signatures: { packageCadre: true } })).toEqual({ ok: true });
  });

  it('refuses negative or fractional vote counts', () => {
    expect(problemsOf(assembly({ votes: { for: -3, against: 1 } }))).toEqual(['同意票数须为不小于 0 的整数（收到 -3），请核对后重新填写。']);
    expect(problemsOf(assembly({ votes: { for: 50, against: 1, abstain: 0.5 } }))).toEqual([
      '弃权票数须为不小于 0 的整数（收到 0.5），请核对后重新填写。',
    ]);
  });
});

describe('validateMeeting: overseers and signatures', () => {
  it('refuses a missing first secretary when the village has one', () => {
    const p = problemsOf(assembly({ overseers: { ...overseen, firstSecretaryConfirmed: false } }));
    expect(p).toEqual(['缺少第一书记监督：本村有第一书记，村民大会须由第一书记到场监督，请第一书记确认后再登记。']);
  });

  it('does not ask for a first secretary where there is none', () => {
    const r = validateMeeting(assembly({ overseers: { firstSecretaryRequired: false, firstSecretaryConfirmed: false, packageCadreConfirmed: true } }));
    expect(r).toEqual({ ok: true });
  });

  it('always requires the package cadre', () => {
    const p = problemsOf(
      assembly({ overseers: { firstSecretaryRequired: false, firstSecretaryConfirmed: false, packageCadreConfirmed: false } }),
    );
    expect(p).toEqual(['缺少驻村干部监督：村民大会须由驻村干部到场监督，请驻村干部确认后再登记。']);
  });

  it('requires the package cadre to sign the two-committees minutes', () => {
    const base: MeetingInput = { kind: 'two_committees', eligibleAtHome: 7, present: 7, overseers: overseen };
    expect(problemsOf(base)).toEqual(['两委会议记录缺少驻村干部签署意见：按规定驻村干部须在会议记录上签署意见，请签字后再登记。']);
    expect(problemsOf({ ...base, signatures: { packageCadre: false } })).toHaveLength(1);
    expect(validateMeeting({ ...base, signatures: { packageCadre: true } })).toEqual({ ok: true });
  });
});

describe('validateMeeting: all problems at once', () => {
  it('lists every broken rule', () => {
    const p = problemsOf({
      kind: 'villagers_assembly',
      eligibleAtHome: 100,
      present: 60,
      votes: { for: 30, against: 20 },
      overseers: { firstSecretaryRequired: true, firstSecretaryConfirmed: false, packageCadreConfirmed: false },
    });
    expect(p).toHaveLength(4);
    expect(p[0]).toMatch(/^到会率 60%（60\/100）低于 70%/);
    expect(p[1]).toMatch(/^表决未过半数：同意 30 票未超过实到 60 人的半数/);
    expect(p[2]).toMatch(/^缺少第一书记监督/);
    expect(p[3]).toMatch(/^缺少驻村干部监督/);
  });

  it('a 村民大会 without the absentees’ opinions or the resolution photo is 记录不完整, saying what is missing', () => {
    const none = { absentees: false, resolutionPhoto: false, townshipSignatures: 0 };
    expect(problemsOf(assembly({ evidence: none }))).toEqual([
      '记录不完整：缺少缺席人员意见，请发送“缺席意见 具体意见”；无人缺席的，发送“缺席意见 无缺席”。',
      '记录不完整：缺少决议签字照片，请把签字的决议照片回复到本卡片。',
    ]);
    expect(validateMeeting(assembly({ evidence: { ...none, absentees: true, resolutionPhoto: true } }))).toEqual({ ok: true });
    // the representatives meeting needs neither
    expect(validateMeeting(assembly({ kind: 'representatives', evidence: none }))).toEqual({ ok: true });
  });

  it('the two-committees meeting needs the configured number of township cadres signing', () => {
    const tc: MeetingInput = { kind: 'two_committees', eligibleAtHome: 7, present: 7, overseers: overseen, signatures: { packageCadre: true }, evidence: { absentees: false, resolutionPhoto: false, townshipSignatures: 0 } };
    expect(problemsOf(tc)).toEqual(['记录不完整：须至少 1 名乡干部在会议记录上签署意见（已签 0 名），请乡干部在本卡片上按“乡干部签署意见”。']);
    expect(validateMeeting({ ...tc, evidence: { ...tc.evidence!, townshipSignatures: 1 } })).toEqual({ ok: true });
    const two = meetingRulesOf({ twoCommitteesTownshipSigners: 2 });
    expect(validateMeeting({ ...tc, evidence: { ...tc.evidence!, townshipSignatures: 1 } }, two).ok).toBe(false);
    expect(validateMeeting(tc, meetingRulesOf({ twoCommitteesTownshipSigners: 0 }))).toEqual({ ok: true });
    expect(meetingRulesOf({}).townshipSigners).toBe(1);
  });

  it('honours custom rules', () => {
    const rules = { minAttendance: { representatives: 2 / 3 }, votesRequired: [], townshipSigners: 1 };
    expect(validateMeeting({ kind: 'representatives', eligibleAtHome: 30, present: 20, overseers: overseen }, rules)).toEqual({ ok: true });
    const r = validateMeeting({ kind: 'representatives', eligibleAtHome: 30, present: 19, overseers: overseen }, rules);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]).toBe('到会率 63.3%（19/30）低于 66.7%，按规定须达到在家应参会人数的 66.7%，请补开或如实填写。');
  });
});
