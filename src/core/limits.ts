// Length limits on everything people type (docs/RELIABILITY.md "Limits"). A text over its limit is
// refused with a Chinese answer that names the limit, and nothing is recorded. Counted in
// characters (code points), as a person counts them.

export const INPUT_LIMITS = {
  /** a whole command message, or one value of a card form */
  message: 2000,
  /** 公示 异议 content, 公示 处理 result */
  objection: 500,
  /** 会议 缺席意见 */
  absentees: 500,
  /** 走访 content */
  visit: 500,
  /** 规划 脱贫措施 */
  measures: 1000,
  /** 帮扶卡: each field (家庭情况, 致贫原因, 帮扶措施, 联系方式) */
  helpCard: 500,
  /** 督办 / 记录督查: what was found */
  finding: 500,
  /** 记录督查: the action taken */
  action: 200,
  /** 督查: the person concerned (name, or post and name) */
  person: 40,
  /** 追责 处理结果: the note (required for 其他) */
  outcome: 300,
  /** reasons: 资格 不通过, 清退, 核查, 帮扶 超限理由 */
  reason: 300,
  /** notes: 申请 说明, 联系 情况 */
  note: 300,
  /** a person's name: 申请 户主姓名, 规划 责任人 */
  name: 20,
  /** a household number or head's name used to find a household, a village name */
  ref: 30,
} as const;

export type InputKind = keyof typeof INPUT_LIMITS;

/** Characters as a person counts them. */
export const charCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * The refusal when `text` is over the limit of its kind (`label` names the field, e.g. 异议内容),
 * or null when it fits.
 */
export function tooLong(kind: InputKind, label: string, text: string | null | undefined): string | null {
  if (!text) return null;
  const max = INPUT_LIMITS[kind];
  const n = charCount(text);
  return n > max ? `${label}太长（${n} 字），请控制在 ${max} 字以内。` : null;
}

/** A word echoed back in an answer, shortened so a long one cannot blow the answer up. */
export function shortWord(s: string, max = 20): string {
  const cps = [...s];
  return cps.length > max ? `${cps.slice(0, max).join('')}…` : s;
}
