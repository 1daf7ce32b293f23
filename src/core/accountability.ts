// 追责 after the campaign (DESIGN §7): the sources a finding comes from, the outcomes the
// discipline committee records (处理结果), and the 编号 a finding is named by in chat
// (`处理 <编号> <结果> [说明]`): the source's prefix and the source row's id, known as soon as
// the finding is, so a card can show it the moment it is sent.

export const ACCOUNTABILITY_SOURCES = ['hit', 'removal', 'inspection', 'open_hit'] as const;
export type AccountabilitySource = (typeof ACCOUNTABILITY_SOURCES)[number];

/** How each source reads on the card and in the report. */
export const SOURCE_NAMES: Record<AccountabilitySource, string> = {
  hit: '新比对疑点',
  removal: '乡扶贫办清退',
  inspection: '督查确认',
  open_hit: '结束时未处理的疑点',
};

export const OUTCOMES = ['约谈', '通报', '免职', '党纪政纪处分', '其他'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const isOutcome = (s: unknown): s is Outcome => typeof s === 'string' && (OUTCOMES as readonly string[]).includes(s);

const PREFIX: Record<AccountabilitySource, string> = { hit: '疑点', open_hit: '疑点', removal: '清退', inspection: '督查' };

/**
 * `疑点12` (an exclusion hit: a new one after the close, or one still open at it — a hit is one
 * or the other, never both), `清退7` (the household removed), `督查3` (the inspection).
 */
export const findingCode = (source: AccountabilitySource, sourceId: number): string => `${PREFIX[source]}${sourceId}`;

/** The sources and source id a 编号 names, or null when it is not one. */
export function parseFindingCode(code: string): { sources: AccountabilitySource[]; sourceId: number } | null {
  const m = /^(疑点|清退|督查)(\d{1,9})$/.exec(code.normalize('NFKC').trim());
  if (!m) return null;
  const sources: AccountabilitySource[] = m[1] === '疑点' ? ['hit', 'open_hit'] : m[1] === '清退' ? ['removal'] : ['inspection'];
  return { sources, sourceId: Number(m[2]) };
}

export const INSPECTION_KINDS = ['明察', '暗访'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];
export const isInspectionKind = (s: unknown): s is InspectionKind => typeof s === 'string' && (INSPECTION_KINDS as readonly string[]).includes(s);
