/**
 * The roster (建档立卡花名册): one spreadsheet row per household member, read from
 * .xlsx or .csv (UTF-8 with or without BOM, or GBK/GB18030 as saved by Chinese Excel).
 *
 * Columns are matched by their header text, in any order; extra columns are ignored
 * and the header row may sit below a title row. Household-level columns (村名, 户主姓名,
 * 住房情况…) may be repeated on every member row or filled on one row only (e.g. merged
 * cells); when they are filled twice they must agree.
 *
 * An ID number repeated in different households is not an error here: the cross-check
 * (六个不纳入 No. 5, 身份证重复) reports it. A member listed twice in one household is.
 *
 * Errors carry the spreadsheet row number (1-based, as Excel shows it; 0 for the file
 * itself), the column header and a Chinese reason. No reason ever contains an ID number.
 */
import { createReadStream } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import ExcelJS from 'exceljs';
import { maskIdsInText, validateIdCard } from '../core/idcard';

// ---------------------------------------------------------------------------
// Value sets

interface EnumDef<K extends string> {
  /** key → label written in spreadsheets */
  labels: Readonly<Record<K, string>>;
  /** extra spellings accepted on input → key */
  aliases: Readonly<Record<string, K>>;
}

export type Relation =
  | 'head'
  | 'spouse'
  | 'son'
  | 'daughter'
  | 'father'
  | 'mother'
  | 'grandson'
  | 'granddaughter'
  | 'daughter_in_law'
  | 'son_in_law'
  | 'grandfather'
  | 'grandmother'
  | 'sibling'
  | 'father_in_law'
  | 'mother_in_law'
  | 'other';
export type Labor = 'able' | 'weak' | 'none';
export type Health = 'healthy' | 'chronic' | 'major_illness' | 'severe_mental' | 'disabled';
/** 0 = 无, 1-4 = 一级…四级 (一级 is the most severe) */
export type DisabilityGrade = 0 | 1 | 2 | 3 | 4;
export type Housing = 'safe' | 'dangerous' | 'earth' | 'none';
export type Zone = 'normal' | 'geohazard' | 'flood' | 'high_cold';
/** 已纳入 (registered), 申请 (applied this campaign), 已清退 (removed earlier) */
export type HouseholdStatus = 'included' | 'applied' | 'removed';

export const RELATIONS: EnumDef<Relation> = {
  labels: {
    head: '户主',
    spouse: '配偶',
    son: '之子',
    daughter: '之女',
    father: '之父',
    mother: '之母',
    grandson: '之孙子',
    granddaughter: '之孙女',
    daughter_in_law: '之儿媳',
    son_in_law: '之女婿',
    grandfather: '之祖父',
    grandmother: '之祖母',
    sibling: '之兄弟姐妹',
    father_in_law: '之岳父/公公',
    mother_in_law: '之岳母/婆婆',
    other: '其他',
  },
  aliases: {
    本人: 'head',
    妻: 'spouse',
    妻子: 'spouse',
    夫: 'spouse',
    丈夫: 'spouse',
    之妻: 'spouse',
    之夫: 'spouse',
    子: 'son',
    儿子: 'son',
    长子: 'son',
    次子: 'son',
    三子: 'son',
    养子: 'son',
    女: 'daughter',
    女儿: 'daughter',
    长女: 'daughter',
    次女: 'daughter',
    三女: 'daughter',
    养女: 'daughter',
    父: 'father',
    父亲: 'father',
    母: 'mother',
    母亲: 'mother',
    孙: 'grandson',
    孙子: 'grandson',
    之孙: 'grandson',
    外孙: 'grandson',
    外孙子: 'grandson',
    之外孙子: 'grandson',
    孙女: 'granddaughter',
    外孙女: 'granddaughter',
    之外孙女: 'granddaughter',
    儿媳: 'daughter_in_law',
    儿媳妇: 'daughter_in_law',
    之儿媳妇: 'daughter_in_law',
    女婿: 'son_in_law',
    祖父: 'grandfather',
    爷爷: 'grandfather',
    祖母: 'grandmother',
    奶奶: 'grandmother',
    兄: 'sibling',
    弟: 'sibling',
    姐: 'sibling',
    妹: 'sibling',
    兄弟: 'sibling',
    姐妹: 'sibling',
    兄弟姐妹: 'sibling',
    之兄: 'sibling',
    之弟: 'sibling',
    之姐: 'sibling',
    之妹: 'sibling',
    之岳父: 'father_in_law',
    之公公: 'father_in_law',
    岳父: 'father_in_law',
    公公: 'father_in_law',
    之岳母: 'mother_in_law',
    之婆婆: 'mother_in_law',
    岳母: 'mother_in_law',
    婆婆: 'mother_in_law',
    其他亲属: 'other',
    其它: 'other',
  },
};

export const LABOR: EnumDef<Labor> = {
  labels: { able: '有', none: '无', weak: '弱' },
  aliases: {
    有劳动能力: 'able',
    有劳动力: 'able',
    普通劳动力: 'able',
    技能劳动力: 'able',
    弱劳动能力: 'weak',
    弱劳动力: 'weak',
    半劳动力: 'weak',
    部分丧失劳动能力: 'weak',
    无劳动能力: 'none',
    无劳动力: 'none',
    丧失劳动能力: 'none',
    丧失劳动力: 'none',
  },
};

export const HEALTH: EnumDef<Health> = {
  labels: { healthy: '健康', chronic: '长期慢性病', major_illness: '大病', severe_mental: '重度精神病', disabled: '残疾' },
  aliases: {
    良好: 'healthy',
    慢性病: 'chronic',
    患有大病: 'major_illness',
    重大疾病: 'major_illness',
    重病: 'major_illness',
    精神病: 'severe_mental',
    严重精神障碍: 'severe_mental',
    重度精神障碍: 'severe_mental',
  },
};

export const DISABILITY: EnumDef<'0' | '1' | '2' | '3' | '4'> = {
  labels: { '0': '无', '1': '一级', '2': '二级', '3': '三级', '4': '四级' },
  aliases: {
    否: '0',
    无残疾: '0',
    健全: '0',
    '1级': '1',
    '2级': '2',
    '3级': '3',
    '4级': '4',
    一级残疾: '1',
    二级残疾: '2',
    三级残疾: '3',
    四级残疾: '4',
    残疾一级: '1',
    残疾二级: '2',
    残疾三级: '3',
    残疾四级: '4',
  },
};

export const HOUSING: EnumDef<Housing> = {
  labels: { safe: '安全', dangerous: '危房', earth: '土坯房', none: '无房' },
  aliases: {
    安全住房: 'safe',
    安全房: 'safe',
    住房安全: 'safe',
    C级危房: 'dangerous',
    D级危房: 'dangerous',
    c级危房: 'dangerous',
    d级危房: 'dangerous',
    土坯: 'earth',
    无住房: 'none',
  },
};

export const ZONES: EnumDef<Zone> = {
  labels: { normal: '一般', geohazard: '地灾', flood: '洪涝', high_cold: '高寒' },
  aliases: {
    一般地区: 'normal',
    无: 'normal',
    地质灾害: 'geohazard',
    地灾区: 'geohazard',
    地质灾害区: 'geohazard',
    地质灾害隐患区: 'geohazard',
    洪涝区: 'flood',
    洪涝灾害区: 'flood',
    高寒山区: 'high_cold',
    高寒区: 'high_cold',
  },
};

export const HOUSEHOLD_STATUSES: EnumDef<HouseholdStatus> = {
  labels: { included: '已纳入', applied: '申请', removed: '已清退' },
  aliases: { 纳入: 'included', 在册: 'included', 新申请: 'applied', 申请纳入: 'applied', 清退: 'removed' },
};

const YES_NO: EnumDef<'yes' | 'no'> = {
  labels: { yes: '是', no: '否' },
  aliases: { y: 'yes', n: 'no', yes: 'yes', no: 'no', true: 'yes', false: 'no', '1': 'yes', '0': 'no' },
};

function lookup<K extends string>(def: EnumDef<K>, text: string): K | undefined {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  for (const [k, label] of Object.entries(def.labels) as [K, string][]) if (label === t) return k;
  return def.aliases[t] ?? def.aliases[t.toLowerCase()];
}

const allowed = (def: EnumDef<string>): string => Object.values(def.labels).join('/');

// ---------------------------------------------------------------------------
// Columns

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
  | 'phone';

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
];

const COLUMN: Readonly<Record<RosterField, RosterColumn>> = Object.fromEntries(
  ROSTER_COLUMNS.map((c) => [c.field, c]),
) as Record<RosterField, RosterColumn>;

export function normaliseHeader(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .replace(/[(（][^)）]*[)）]/g, '')
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}

const HEADER_LOOKUP: ReadonlyMap<string, RosterField> = new Map(
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
}

export type RosterSource = string | { data: Uint8Array; name?: string };

// ---------------------------------------------------------------------------
// Reading files

const fileError = (reason: string): RosterResult => ({ ok: false, errors: [{ row: 0, column: '', reason }] });

export async function sniff(source: RosterSource): Promise<Uint8Array> {
  if (typeof source !== 'string') return source.data.subarray(0, 8);
  const fh = await open(source, 'r');
  try {
    const buf = new Uint8Array(8);
    const { bytesRead } = await fh.read(buf, 0, 8, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Reads a roster from a file path, or from bytes (e.g. a file sent in a chat) whose
 * name tells the format. See the module comment for the rules.
 */
export async function readRoster(source: RosterSource, options: ReadRosterOptions = {}): Promise<RosterResult> {
  const name = typeof source === 'string' ? source : (source.name ?? '');
  let head: Uint8Array;
  try {
    head = await sniff(source);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fileError(`找不到文件 ${name}`);
    if (code === 'EISDIR') return fileError(`${name} 是一个目录，不是文件`);
    return fileError(`无法读取文件 ${name}（${code ?? String(e)}）`);
  }
  if (head.length === 0) return fileError('文件为空，没有表头和数据');

  const isZip = head[0] === 0x50 && head[1] === 0x4b;
  const isOle = head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;
  const ext = extname(name).toLowerCase();
  if (isOle || ext === '.xls' || ext === '.et') {
    return fileError('不支持旧版 .xls（或加密的）Excel 文件：请在 Excel 中“另存为” .xlsx 或 CSV（UTF-8）后再导入');
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return fileError('文件是 UTF-16（Unicode 文本）编码：请在 Excel 中另存为 .xlsx 或“CSV UTF-8（逗号分隔）”后再导入');
  }
  const format = options.format ?? (isZip || ext === '.xlsx' || ext === '.xlsm' ? 'xlsx' : 'csv');

  let sheets: SheetRows[];
  try {
    sheets = format === 'xlsx' ? await xlsxSheets(source) : [await csvSheet(source)];
  } catch (e) {
    const what = format === 'xlsx' ? 'Excel 文件' : 'CSV 文件';
    // The parser's message quotes the offending line: keep only its first sentence, ID numbers masked.
    const detail = maskIdsInText((e instanceof Error ? e.message : String(e)).split(/ in line|\n/)[0]!.slice(0, 120));
    return fileError(`无法读取${what}：文件可能已损坏或格式不对（${detail}）`);
  }
  return readRosterRows(pickSheet(sheets), options);
}

/** Rows of one sheet: [rowNumber, cell values (index 0 = column A)] in order. */
type SheetRows = Array<[number, unknown[]]>;

async function xlsxSheets(source: RosterSource): Promise<SheetRows[]> {
  const wb = new ExcelJS.Workbook();
  if (typeof source === 'string') await wb.xlsx.readFile(source);
  // exceljs types its Buffer as an ArrayBuffer; JSZip reads either. A copy has exactly the file's bytes.
  else await wb.xlsx.load(new Uint8Array(source.data).buffer);
  return wb.worksheets.map(sheetRows);
}

/** A worksheet's non-empty rows with their numbers. */
function sheetRows(ws: ExcelJS.Worksheet): SheetRows {
  const rows: SheetRows = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values: unknown[] = [];
    // row.values is 1-based and sparse; merged cells report the master's value via getCell
    const n = row.cellCount;
    for (let c = 1; c <= n; c++) values.push(row.getCell(c).value);
    rows.push([rowNumber, values]);
  });
  return rows;
}

/** The sheet whose header row matches the most roster columns (the first one on ties). */
function pickSheet(sheets: SheetRows[]): SheetRows {
  let best = sheets[0] ?? [];
  let bestScore = -1;
  for (const s of sheets) {
    const score = findHeader(s).score;
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Decodes bytes to UTF-8 text: UTF-8 (BOM removed) unless the first 64 KiB are not
 * valid UTF-8, then GB18030 (a superset of GBK), as Chinese Excel saves "CSV".
 */
export class CsvDecoder extends Transform {
  private decoder: TextDecoder | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.decoder) {
      const text = this.decoder.decode(chunk, { stream: true });
      if (text) this.push(text);
      done();
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= 65536) this.start();
    done();
  }

  override _flush(done: TransformCallback): void {
    if (!this.decoder) this.start();
    const rest = this.decoder!.decode();
    if (rest) this.push(rest);
    done();
  }

  private start(): void {
    const head = Buffer.concat(this.pending);
    this.pending = [];
    let encoding = 'utf-8';
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    } catch {
      encoding = 'gb18030';
    }
    // ignoreBOM false (the default) drops a leading UTF-8 BOM
    this.decoder = new TextDecoder(encoding);
    const text = this.decoder.decode(head, { stream: true });
    if (text) this.push(text);
  }
}

async function csvSheet(source: RosterSource): Promise<SheetRows> {
  const input: Readable =
    typeof source === 'string' ? createReadStream(source) : Readable.from([Buffer.from(source.data)]);
  const decoded = input.pipe(new CsvDecoder());
  input.on('error', (e: Error) => decoded.destroy(e));
  const wb = new ExcelJS.Workbook();
  // map keeps every cell as text: the default would turn ID numbers into floats
  return sheetRows(await wb.csv.read(decoded, { map: (v: unknown) => v, parserOptions: { ignoreEmpty: false } }));
}

// ---------------------------------------------------------------------------
// Cells

/** Text of a cell as a person sees it. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return o.richText.map((r: { text?: string }) => r.text ?? '').join('');
    if ('result' in o) return cellText(o.result);
    if (typeof o.text === 'string') return o.text;
    if (typeof o.error === 'string') return o.error;
  }
  return String(v);
}

/** The underlying value is a number (the cell was not text), looking through formulas. */
export function isNumericCell(v: unknown): boolean {
  if (typeof v === 'number') return true;
  if (v && typeof v === 'object' && 'result' in v) return isNumericCell((v as { result: unknown }).result);
  return false;
}

export const clean = (s: string): string => s.replace(/[\u200b\u00a0\u3000]/g, ' ').replace(/\s+/g, ' ').trim();

/** Chinese names are written without spaces; keep spaces only between Latin words. */
export function cleanName(s: string): string {
  const t = clean(s);
  return /[\u4e00-\u9fff]/.test(t) ? t.replace(/ /g, '') : t;
}

// ---------------------------------------------------------------------------
// The core: rows → households

interface HeaderInfo {
  row: number;
  index: number;
  score: number;
  /** field → 0-based column index */
  columns: Map<RosterField, number>;
  duplicates: { header: string; field: RosterField }[];
}

function findHeader(rows: SheetRows): HeaderInfo {
  let best: HeaderInfo = { row: rows[0]?.[0] ?? 1, index: 0, score: 0, columns: new Map(), duplicates: [] };
  for (let i = 0; i < Math.min(rows.length, 10); i++) {
    const [rowNumber, values] = rows[i];
    const columns = new Map<RosterField, number>();
    const duplicates: HeaderInfo['duplicates'] = [];
    values.forEach((v, c) => {
      const field = HEADER_LOOKUP.get(normaliseHeader(cellText(v)));
      if (field === undefined) return;
      if (columns.has(field)) duplicates.push({ header: clean(cellText(v)), field });
      else columns.set(field, c);
    });
    if (columns.size > best.score) best = { row: rowNumber, index: i, score: columns.size, columns, duplicates };
  }
  return best;
}

type RowValues = Partial<Record<RosterField, string>>;

const HOUSEHOLD_ENUMS: Partial<Record<RosterField, EnumDef<string>>> = {
  housing: HOUSING,
  zone: ZONES,
  status: HOUSEHOLD_STATUSES,
  allAway: YES_NO,
};

/** Comparable form of a household-level value: spellings of one choice (危房 / D级危房) agree. */
function sameValue(field: RosterField, value: string): string {
  const def = HOUSEHOLD_ENUMS[field];
  return (def && lookup(def, value)) ?? value;
}

interface PendingHousehold {
  householdNo: string;
  row: number;
  /** first row (and value) where each household-level field was filled */
  fields: Partial<Record<RosterField, { value: string; row: number }>>;
  members: RosterMember[];
  headRows: number[];
  /** a row's 与户主关系 could not be read, so the head rules cannot be judged */
  relationUnknown: boolean;
  seenIds: Map<string, number>;
  invalid: boolean;
}

/**
 * Reads roster rows already taken out of a spreadsheet: each item is
 * [row number, cell values from column A]. Plain arrays (row numbers 1, 2, …) are
 * accepted too. readRoster() uses this after opening the file.
 */
export function readRosterRows(
  input: Iterable<readonly [number, readonly unknown[]]> | readonly (readonly unknown[])[],
  options: ReadRosterOptions = {},
): RosterResult {
  const rows: SheetRows = [];
  let i = 0;
  for (const item of input as Iterable<unknown>) {
    i++;
    const pair =
      Array.isArray(item) && item.length === 2 && typeof item[0] === 'number' && Array.isArray(item[1]);
    rows.push(pair ? [item[0] as number, item[1] as unknown[]] : [i, item as unknown[]]);
  }
  const nonBlank = rows.filter(([, values]) => values.some((v) => clean(cellText(v)) !== ''));
  if (nonBlank.length === 0) return fileError('文件为空，没有表头和数据');

  const header = findHeader(nonBlank);
  const errors: RosterError[] = [];
  const missing = ROSTER_COLUMNS.filter((c) => c.required && !header.columns.has(c.field));
  for (const c of missing) {
    errors.push({ row: header.row, column: c.header, reason: `缺少必填列“${c.header}”` });
  }
  for (const d of header.duplicates) {
    errors.push({ row: header.row, column: d.header, reason: `“${COLUMN[d.field].header}”列出现了不止一次` });
  }
  if (errors.length > 0) {
    if (header.score === 0) {
      errors.unshift({
        row: 0,
        column: '',
        reason: `前 10 行中找不到表头：第一行应为列名，如 ${ROSTER_COLUMNS.filter((c) => c.required).map((c) => c.header).join('、')}`,
      });
    }
    return { ok: false, errors };
  }
  const dataRows = nonBlank.slice(header.index + 1);
  if (dataRows.length === 0) {
    return { ok: false, errors: [{ row: header.row, column: '', reason: '文件只有表头，没有数据行' }] };
  }

  const knownVillages = options.villages ? new Set(options.villages) : undefined;
  const households = new Map<string, PendingHousehold>();
  const rowErrors: RosterError[] = [];

  for (const [rowNumber, values] of dataRows) {
    const raw: RowValues = {};
    for (const [field, col] of header.columns) raw[field] = cellText(values[col]);
    const idRaw = values[header.columns.get('idCard') as number];
    const errs: RosterError[] = [];
    // values are echoed in reasons; an ID number typed into the wrong column is masked
    const err = (field: RosterField, reason: string) =>
      errs.push({ row: rowNumber, column: COLUMN[field].header, reason: maskIdsInText(reason) });
    const text = (field: RosterField): string => {
      const v = clean(raw[field] ?? '');
      return v === '' ? (COLUMN[field].blankMeans ?? '') : v;
    };
    const required = (field: RosterField, value: string): string => {
      if (value === '') err(field, `${COLUMN[field].header}不能为空`);
      return value;
    };
    const enumValue = <K extends string>(field: RosterField, def: EnumDef<K>): K | undefined => {
      const v = text(field);
      if (v === '') {
        err(field, `${COLUMN[field].header}不能为空，应为 ${allowed(def)}`);
        return undefined;
      }
      const k = lookup(def, v);
      if (k === undefined) err(field, `“${v}”不是有效的${COLUMN[field].header}，应为 ${allowed(def)}`);
      return k;
    };

    const householdNo = required('householdNo', clean(raw.householdNo ?? ''));
    const name = required('memberName', cleanName(raw.memberName ?? ''));
    const relation = enumValue('relation', RELATIONS);

    // ID number: never echo it, it may be a real one
    let id: ReturnType<typeof validateIdCard> | undefined;
    const idText = clean(raw.idCard ?? '').normalize('NFKC').replace(/^'/, '').replace(/[\s-]/g, '');
    if (idText === '') err('idCard', '身份证号不能为空');
    else if (isNumericCell(idRaw) && idText.length > 15) {
      err('idCard', '身份证号被 Excel 存成了数字，后几位已丢失：请把该列设为“文本”格式后重新录入');
    } else {
      id = validateIdCard(idText, { today: options.today });
      if (!id.ok) err('idCard', id.reason);
    }

    const labor = enumValue('labor', LABOR);
    const health = enumValue('health', HEALTH);
    const disabilityKey = enumValue('disability', DISABILITY);
    const disability = disabilityKey === undefined ? undefined : (Number(disabilityKey) as DisabilityGrade);
    const cert = clean(raw.disabilityCert ?? '').normalize('NFKC').replace(/\s/g, '');
    if (cert !== '') {
      if (!/^[0-9A-Za-z-]{6,30}$/.test(cert)) err('disabilityCert', '残疾证号只能包含数字、字母和 -');
      else if (disability === 0) err('disabilityCert', '残疾情况为“无”，却填了残疾证号');
    }
    if (health === 'disabled' && disability === 0) {
      err('disability', '健康状况为“残疾”，残疾情况却为“无”：请填写残疾等级');
    }

    // household-level values of this row (validated once per distinct value)
    const hv: Partial<Record<RosterField, string>> = {};
    for (const c of ROSTER_COLUMNS) {
      if (c.level !== 'household' || !header.columns.has(c.field)) continue;
      const v = c.field === 'headName' ? cleanName(raw[c.field] ?? '') : clean(raw[c.field] ?? '');
      if (v !== '') hv[c.field] = v;
    }
    if (hv.village !== undefined && knownVillages && !knownVillages.has(hv.village)) {
      const guess = [...knownVillages].find((k) => k === `${hv.village}村` || k.replace(/村$/, '') === hv.village);
      err('village', `村名“${hv.village}”不在 township.json 的村名单中${guess ? `，是否应为“${guess}”？` : ''}`);
    }
    for (const [field, def] of Object.entries(HOUSEHOLD_ENUMS) as [RosterField, EnumDef<string>][]) {
      const v = hv[field];
      if (v !== undefined && lookup(def, v) === undefined) {
        err(field, `“${v}”不是有效的${COLUMN[field].header}，应为 ${allowed(def)}`);
      }
    }
    if (hv.phone !== undefined) {
      const p = hv.phone.normalize('NFKC');
      if (!/^[0-9+\-()\s/、,，;；]+$/.test(p) || (p.match(/\d/g)?.length ?? 0) < 7) {
        err('phone', '联系电话格式不正确：应为手机号或座机号，多个号码用“/”分隔');
      }
    }

    if (householdNo === '') {
      rowErrors.push(...errs);
      continue;
    }
    let h = households.get(householdNo);
    if (!h) {
      h = { householdNo, row: rowNumber, fields: {}, members: [], headRows: [], relationUnknown: false, seenIds: new Map(), invalid: false };
      households.set(householdNo, h);
    }
    for (const [field, value] of Object.entries(hv) as [RosterField, string][]) {
      const first = h.fields[field];
      if (!first) h.fields[field] = { value, row: rowNumber };
      else if (sameValue(field, first.value) !== sameValue(field, value)) {
        err(field, `户编号 ${householdNo} 在第 ${first.row} 行的${COLUMN[field].header}是“${first.value}”，这一行却是“${value}”`);
      }
    }
    if (id?.ok) {
      const dup = h.seenIds.get(id.id);
      if (dup !== undefined) err('idCard', `同一户内成员重复：与第 ${dup} 行的身份证号相同`);
      else h.seenIds.set(id.id, rowNumber);
    }
    if (relation === 'head') h.headRows.push(rowNumber);
    if (relation === undefined) h.relationUnknown = true;

    if (errs.length > 0) {
      h.invalid = true;
      for (const e of errs) rowErrors.push({ ...e, householdNo });
      continue;
    }
    h.members.push({
      row: rowNumber,
      name,
      relation: relation as Relation,
      isHead: relation === 'head',
      idCard: (id as { id: string }).id,
      birthDate: (id as { birthDate: string }).birthDate,
      gender: (id as { gender: 'male' | 'female' }).gender,
      labor: labor as Labor,
      health: health as Health,
      disability: disability as DisabilityGrade,
      ...(cert !== '' ? { disabilityCert: cert } : {}),
    });
  }

  // Household-level rules
  const result: RosterHousehold[] = [];
  for (const h of households.values()) {
    const errs: RosterError[] = [];
    const err = (row: number, field: RosterField, reason: string) =>
      errs.push({ row, column: COLUMN[field].header, reason: maskIdsInText(reason), householdNo: h.householdNo });
    for (const c of ROSTER_COLUMNS) {
      if (c.level === 'household' && c.required && c.blankMeans === undefined && h.fields[c.field] === undefined) {
        err(h.row, c.field, `户编号 ${h.householdNo} 的${c.header}没有填写`);
      }
    }
    const headName = h.fields.headName?.value;
    if (h.relationUnknown) {
      // already reported on the row; 户主 rules are judged once it is fixed
    } else if (h.headRows.length === 0) {
      err(h.row, 'relation', `户编号 ${h.householdNo} 没有与户主关系为“户主”或“本人”的成员`);
    } else if (h.headRows.length > 1) {
      err(h.headRows[1], 'relation', `户编号 ${h.householdNo} 有 ${h.headRows.length} 名成员的关系为户主（第 ${h.headRows.join('、')} 行），只能有一名`);
    } else if (headName !== undefined) {
      const head = h.members.find((m) => m.isHead);
      if (head && head.name !== headName) {
        err(head.row, 'headName', `户主姓名“${headName}”与关系为户主的成员“${head.name}”不一致`);
      }
    }
    if (errs.length > 0 || h.invalid) {
      rowErrors.push(...errs);
      continue;
    }
    const f = (field: RosterField): string => h.fields[field]?.value ?? COLUMN[field].blankMeans ?? '';
    const phone = h.fields.phone?.value;
    result.push({
      row: h.row,
      householdNo: h.householdNo,
      village: f('village'),
      headName: f('headName'),
      status: lookup(HOUSEHOLD_STATUSES, f('status')) as HouseholdStatus,
      housing: lookup(HOUSING, f('housing')) as Housing,
      zone: lookup(ZONES, f('zone')) as Zone,
      povertyCause: f('povertyCause'),
      identifiedBy: f('identifiedBy'),
      allAway: lookup(YES_NO, f('allAway')) === 'yes',
      ...(phone !== undefined ? { phone } : {}),
      members: h.members,
    });
  }

  const order = new Map(ROSTER_COLUMNS.map((c, idx) => [c.header, idx]));
  rowErrors.sort((a, b) => a.row - b.row || (order.get(a.column) ?? -1) - (order.get(b.column) ?? -1));
  if (rowErrors.length > 0 && !options.skipInvalid) return { ok: false, errors: rowErrors };
  return { ok: true, households: result, rows: dataRows.length, rejects: rowErrors };
}

// ---------------------------------------------------------------------------
// Writing

/** Cell texts of each member row, in ROSTER_COLUMNS order. */
function rosterRecords(households: readonly RosterHousehold[]): string[][] {
  const out: string[][] = [];
  for (const h of households) {
    for (const m of h.members) {
      const values: Record<RosterField, string> = {
        householdNo: h.householdNo,
        village: h.village,
        headName: h.headName,
        memberName: m.name,
        relation: RELATIONS.labels[m.relation],
        idCard: m.idCard,
        labor: LABOR.labels[m.labor],
        health: HEALTH.labels[m.health],
        disability: DISABILITY.labels[String(m.disability) as '0'],
        disabilityCert: m.disabilityCert ?? '',
        housing: HOUSING.labels[h.housing],
        zone: ZONES.labels[h.zone],
        povertyCause: h.povertyCause,
        status: HOUSEHOLD_STATUSES.labels[h.status],
        identifiedBy: h.identifiedBy,
        allAway: h.allAway ? '是' : '否',
        phone: h.phone ?? '',
      };
      out.push(ROSTER_COLUMNS.map((c) => values[c.field]));
    }
  }
  return out;
}

/**
 * Writes households in the roster's columns, one row per member, with full ID
 * numbers (the file is for the office) stored as text so Excel keeps every digit.
 */
export async function writeRosterXlsx(path: string, households: readonly RosterHousehold[]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '扶贫复核助手';
  const ws = wb.addWorksheet('建档立卡花名册', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = ROSTER_COLUMNS.map((c) => ({
    header: c.header,
    key: c.field,
    width: c.field === 'idCard' || c.field === 'disabilityCert' ? 22 : c.field === 'povertyCause' ? 14 : Math.max(8, c.header.length * 2 + 2),
    style: c.field === 'idCard' || c.field === 'disabilityCert' || c.field === 'phone' || c.field === 'householdNo' ? { numFmt: '@' } : {},
  }));
  ws.getRow(1).font = { bold: true };
  for (const record of rosterRecords(households)) ws.addRow(record);
  await wb.xlsx.writeFile(path);
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvText(rows: readonly (readonly string[])[]): string {
  // UTF-8 with BOM: Excel on Windows opens it with the right encoding
  return `\uFEFF${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Writes households as a roster CSV (UTF-8 with BOM), same columns as writeRosterXlsx. */
export async function writeRosterCsv(path: string, households: readonly RosterHousehold[]): Promise<void> {
  await writeFile(path, csvText([ROSTER_COLUMNS.map((c) => c.header), ...rosterRecords(households)]), 'utf8');
}

/** Writes rejected rows as CSV (UTF-8 with BOM): 行号, 列, 户编号, 原因. */
export async function writeRejects(path: string, rejects: readonly RosterError[]): Promise<void> {
  const rows = rejects.map((r) => [r.row === 0 ? '' : String(r.row), r.column, r.householdNo ?? '', r.reason]);
  await writeFile(path, csvText([['行号', '列', '户编号', '原因'], ...rows]), 'utf8');
}
