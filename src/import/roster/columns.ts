/**
 * The roster's columns and header matching: which columns there are (with the header written
 * in exported files and the other spellings accepted), and finding the header row — within
 * the first 10 non-blank rows, the one matching the most columns. Also the result types.
 */
import type { DisabilityGrade, Health, HouseholdStatus, Housing, Labor, Relation, Schooling, Skill, Work, Zone } from '../../core/roster-values';
import { cellText, clean, normaliseHeader } from '../../sheet/cells';

export type RosterField =
  | 'householdNo'
  | 'village'
  | 'headName'
  | 'memberName'
  | 'relation'
  | 'idCard'
  | 'labor'
  | 'health'
  | 'disability'
  | 'disabilityCert'
  | 'housing'
  | 'zone'
  | 'povertyCause'
  | 'status'
  | 'identifiedBy'
  | 'allAway'
  | 'phone'
  | 'schooling'
  | 'skill'
  | 'work'
  | 'minimumLiving'
  | 'extremePoverty'
  | 'income';

export interface RosterColumn {
  field: RosterField;
  /** The header written in exported files and named in errors. */
  header: string;
  /** Other header texts accepted on input. */
  aliases: readonly string[];
  /** The header must be present. */
  required: boolean;
  /** 'household' values are the same on every row of a household and may be left blank on all but one. */
  level: 'member' | 'household';
  /** Value used for a blank cell; a blank cell without default is an error when required. */
  blankMeans?: string;
  description: string;
}

/** The roster's columns, in the order exported files use. Input files may order them freely. */
export const ROSTER_COLUMNS: readonly RosterColumn[] = [
  { field: 'householdNo', header: '户编号', aliases: ['户号', '户码', '户编码', '家庭编号'], required: true, level: 'member', description: '户的编号，在全乡唯一；同一户的成员行填同一个编号' },
  { field: 'village', header: '村名', aliases: ['行政村', '所在村', '村'], required: true, level: 'household', description: '与 township.json 中的村名一致' },
  { field: 'headName', header: '户主姓名', aliases: ['户主'], required: true, level: 'household', description: '须是本户关系为“户主”或“本人”的成员' },
  { field: 'memberName', header: '成员姓名', aliases: ['姓名', '家庭成员姓名', '成员'], required: true, level: 'member', description: '本行成员的姓名' },
  { field: 'relation', header: '与户主关系', aliases: ['与户主的关系', '关系'], required: true, level: 'member', description: '户主/本人、配偶、之子、之女、之父、之母、之孙子、之孙女、之儿媳、之女婿、之祖父、之祖母、之兄弟姐妹、之岳父/公公、之岳母/婆婆、其他' },
  { field: 'idCard', header: '身份证号', aliases: ['身份证号码', '证件号码', '公民身份号码', '身份证'], required: true, level: 'member', description: '18 位居民身份证号，末位 X 大小写均可；Excel 中请设为文本格式' },
  { field: 'labor', header: '劳动能力', aliases: ['劳动力状况', '劳动技能'], required: true, level: 'member', description: '有/无/弱' },
  { field: 'health', header: '健康状况', aliases: ['健康情况'], required: true, level: 'member', description: '健康/长期慢性病/大病/重度精神病/残疾' },
  { field: 'disability', header: '残疾情况', aliases: ['残疾等级', '残疾状况'], required: true, level: 'member', blankMeans: '无', description: '无/一级/二级/三级/四级；空白视为无' },
  { field: 'disabilityCert', header: '残疾证号', aliases: ['残疾证号码', '残疾人证号'], required: false, level: 'member', description: '有残疾证的填写（可选）' },
  { field: 'housing', header: '住房情况', aliases: ['住房状况', '住房'], required: true, level: 'household', description: '安全/危房/土坯房/无房' },
  { field: 'zone', header: '所在区域', aliases: ['居住区域', '区域类型'], required: true, level: 'household', description: '一般/地灾/洪涝/高寒' },
  { field: 'povertyCause', header: '致贫原因', aliases: ['主要致贫原因'], required: true, level: 'household', description: '如 因病、因残、因学、缺劳力、缺资金、缺技术' },
  { field: 'status', header: '户状态', aliases: ['状态', '户类型'], required: false, level: 'household', blankMeans: '已纳入', description: '已纳入/申请/已清退；空白或无此列视为已纳入' },
  { field: 'identifiedBy', header: '识别责任人', aliases: ['识别人', '责任人'], required: true, level: 'household', description: '对本户识别负责的干部姓名' },
  { field: 'allAway', header: '全家外出', aliases: ['是否全家外出'], required: true, level: 'household', blankMeans: '否', description: '是/否；空白视为否' },
  { field: 'phone', header: '联系电话', aliases: ['电话', '手机号', '手机号码', '联系方式'], required: false, level: 'household', description: '户的联系电话（可选）' },
  { field: 'schooling', header: '在校情况', aliases: ['在校生情况', '就学情况', '上学情况', '在校'], required: false, level: 'member', description: '学前/小学/初中/高中/中职/大学/不在校（可选）' },
  { field: 'skill', header: '技能', aliases: ['技能情况', '劳动技能情况', '专业技能'], required: false, level: 'member', description: '有/无，有的可写明技能，如：有（电焊）（可选）' },
  { field: 'work', header: '务工', aliases: ['务工情况', '务工状况', '就业情况'], required: false, level: 'member', description: '本地/外出/无，外出的可写明地点，如：外出（浙江宁波）（可选）' },
  { field: 'minimumLiving', header: '低保', aliases: ['是否低保', '低保户', '享受低保'], required: false, level: 'household', description: '是/否（可选）' },
  { field: 'extremePoverty', header: '特困', aliases: ['是否特困', '特困供养', '特困户', '五保'], required: false, level: 'household', description: '是/否（可选）' },
  { field: 'income', header: '人均纯收入', aliases: ['人均收入', '家庭人均纯收入', '年人均纯收入'], required: false, level: 'household', description: '元/年，整数（可选）' },
];

export const COLUMN: Readonly<Record<RosterField, RosterColumn>> = Object.fromEntries(
  ROSTER_COLUMNS.map((c) => [c.field, c]),
) as Record<RosterField, RosterColumn>;

export const HEADER_LOOKUP: ReadonlyMap<string, RosterField> = new Map(
  ROSTER_COLUMNS.flatMap((c) => [c.header, ...c.aliases].map((h) => [normaliseHeader(h), c.field] as const)),
);

// ---------------------------------------------------------------------------
// Result types

export interface RosterMember {
  /** spreadsheet row number */
  row: number;
  name: string;
  relation: Relation;
  isHead: boolean;
  /** normalised 18-character ID number (full: never put it in a message, use maskIdCard) */
  idCard: string;
  birthDate: string;
  gender: 'male' | 'female';
  labor: Labor;
  health: Health;
  disability: DisabilityGrade;
  disabilityCert?: string;
  /** optional: 在校情况, 技能 (+ which), 务工 (+ where) */
  schooling?: Schooling;
  skill?: Skill;
  skillNote?: string;
  work?: Work;
  workPlace?: string;
}

export interface RosterHousehold {
  /** first spreadsheet row of the household */
  row: number;
  householdNo: string;
  village: string;
  headName: string;
  status: HouseholdStatus;
  housing: Housing;
  zone: Zone;
  povertyCause: string;
  /** 识别责任人 */
  identifiedBy: string;
  /** 全家外出 */
  allAway: boolean;
  phone?: string;
  /** optional: 低保, 特困, 人均纯收入 (元/年) */
  minimumLiving?: boolean;
  extremePoverty?: boolean;
  income?: number;
  members: RosterMember[];
}

export interface RosterError {
  /** spreadsheet row number (1-based); 0 for problems with the file itself */
  row: number;
  /** column header, '' when the problem is not about one column */
  column: string;
  /** Chinese; never contains an ID number */
  reason: string;
  householdNo?: string;
}

export type RosterResult =
  | {
      ok: true;
      households: RosterHousehold[];
      /** data rows read (blank rows not counted), including rejected ones */
      rows: number;
      /** with skipInvalid: the problems of the households left out; otherwise empty */
      rejects: RosterError[];
    }
  | { ok: false; errors: RosterError[] };

export interface ReadRosterOptions {
  /** Leave out households with any invalid row and return them as rejects instead of failing. */
  skipInvalid?: boolean;
  /** Village names that exist (township.json); other names are errors. */
  villages?: Iterable<string>;
  /** 'today' for the ID birth-date check (default: now, China Standard Time). */
  today?: Date | string;
  /** Force the format instead of guessing from the file name and content. */
  format?: 'xlsx' | 'csv';
  /** the worksheet to read (0-based); default: the one whose header matches the most columns */
  sheet?: number;
}

// ---------------------------------------------------------------------------
// The header row

export interface HeaderInfo {
  /** its row number */
  row: number;
  /** how many roster columns it names */
  score: number;
  /** field → 0-based column index */
  columns: Map<RosterField, number>;
  duplicates: { header: string; field: RosterField }[];
}

/** How one row reads as a header. */
export function headerOf(row: number, values: readonly unknown[]): HeaderInfo {
  const columns = new Map<RosterField, number>();
  const duplicates: HeaderInfo['duplicates'] = [];
  values.forEach((v, c) => {
    const field = HEADER_LOOKUP.get(normaliseHeader(cellText(v)));
    if (field === undefined) return;
    if (columns.has(field)) duplicates.push({ header: clean(cellText(v)), field });
    else columns.set(field, c);
  });
  return { row, score: columns.size, columns, duplicates };
}

/** The best header among the first rows (the earliest on ties), with its index in `rows`. */
export function findHeader(rows: readonly { row: number; values: readonly unknown[] }[]): HeaderInfo & { index: number } {
  let best: HeaderInfo & { index: number } = { ...headerOf(rows[0]?.row ?? 1, []), index: 0 };
  for (let i = 0; i < Math.min(rows.length, 10); i++) {
    const h = headerOf(rows[i]!.row, rows[i]!.values);
    if (h.score > best.score) best = { ...h, index: i };
  }
  return best;
}

/** The file-level problems of a header: missing required columns, columns given twice. */
export function headerErrors(h: HeaderInfo): RosterError[] {
  const errors: RosterError[] = [];
  for (const c of ROSTER_COLUMNS) if (c.required && !h.columns.has(c.field)) errors.push({ row: h.row, column: c.header, reason: `缺少必填列“${c.header}”` });
  for (const d of h.duplicates) errors.push({ row: h.row, column: d.header, reason: `“${COLUMN[d.field].header}”列出现了不止一次` });
  if (errors.length > 0 && h.score === 0) {
    errors.unshift({
      row: 0,
      column: '',
      reason: `前 10 行中找不到表头：第一行应为列名，如 ${ROSTER_COLUMNS.filter((c) => c.required).map((c) => c.header).join('、')}`,
    });
  }
  return errors;
}
