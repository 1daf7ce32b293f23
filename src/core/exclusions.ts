/**
 * The six exclusions (六个不纳入, DESIGN §3.1) and what each of the nine county departments'
 * lists (§3.2) can prove. Pure data and lookups: the importer validates a row's record kind
 * (记录类型) against its department's table, the cross-check joins the table as SQL values.
 *
 * A record kind is used in one of three ways:
 *   - an exclusion: a row of this kind on a member's ID number is evidence (a hit) for it;
 *   - 'register': the public-security population register (户籍), used to find ID numbers
 *     that belong to someone else (the same number with another name → 身份证重复);
 *   - 'info': accepted and kept (e.g. 低保, 摩托车), never a hit.
 * A kind not in the department's table is refused at import: a township must not think a
 * list was checked when its rows were silently ignored.
 *
 * docs/CROSSCHECK.md shows this table; test/core/exclusions.test.ts keeps the two in step.
 */
import { own } from './lookup';

export const EXCLUSIONS = ['commercial_housing', 'car', 'public_salary', 'business', 'duplicate_id', 'fake_disability'] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];

/** Names as the township's documents write them (DESIGN §3.1, in its order). */
export const EXCLUSION_NAMES: Readonly<Record<Exclusion, string>> = {
  commercial_housing: '商品房/政策性住房/城镇自建房',
  car: '汽车',
  public_salary: '财政供养人员',
  business: '个体工商户',
  duplicate_id: '身份证重复',
  fake_disability: '残疾证不真实',
};

/** Short names for tight places (buttons, tables). */
export const EXCLUSION_SHORT: Readonly<Record<Exclusion, string>> = {
  commercial_housing: '城镇住房',
  car: '汽车',
  public_salary: '财政供养',
  business: '个体工商户',
  duplicate_id: '身份证重复',
  fake_disability: '残疾证不实',
};

export const DEPARTMENTS = ['公安', '房管', '财政', '人社', '交管', '工商', '残联', '民政', '住建'] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** The department of a duplicate found inside the roster itself (exclusion_hits.department). */
export const ROSTER_SOURCE = '花名册';

export const DEPARTMENT_FULL_NAMES: Readonly<Record<Department, string>> = {
  公安: '县公安局',
  房管: '县房产管理局',
  财政: '县财政局',
  人社: '县人力资源和社会保障局',
  交管: '县公安局交通管理大队',
  工商: '县市场监督管理局（工商）',
  残联: '县残疾人联合会',
  民政: '县民政局',
  住建: '县住房和城乡建设局',
};

const DEPARTMENT_ALIASES: Readonly<Record<string, Department>> = {
  公安局: '公安',
  县公安局: '公安',
  派出所: '公安',
  房管局: '房管',
  房产局: '房管',
  房产管理局: '房管',
  不动产: '房管',
  不动产登记: '房管',
  财政局: '财政',
  县财政局: '财政',
  人社局: '人社',
  人力资源和社会保障局: '人社',
  社保: '人社',
  交管局: '交管',
  交警: '交管',
  交警大队: '交管',
  车管所: '交管',
  工商局: '工商',
  市场监管: '工商',
  市场监管局: '工商',
  市场监督管理局: '工商',
  残联: '残联',
  残疾人联合会: '残联',
  民政局: '民政',
  住建局: '住建',
  住房和城乡建设局: '住建',
};

export type KindUse = Exclusion | 'register' | 'info';

export interface RecordKind {
  /** the canonical spelling, stored in department_records.kind */
  kind: string;
  /** other spellings accepted on input */
  aliases: readonly string[];
  use: KindUse;
  /** why, when it is not obvious (shown in docs/CROSSCHECK.md) */
  note?: string;
}

const HOUSING: readonly RecordKind[] = [
  { kind: '商品房', aliases: ['商品住房', '商品住宅', '二手房', '存量房'], use: 'commercial_housing' },
  { kind: '政策性住房', aliases: ['保障性住房', '经济适用房', '经济适用住房', '限价房', '限价商品房'], use: 'commercial_housing' },
  { kind: '城镇自建房', aliases: ['自建房', '城镇私房', '城镇私有住房'], use: 'commercial_housing' },
  { kind: '商业用房', aliases: ['商铺', '门面', '门面房', '商业门面'], use: 'commercial_housing', note: '城镇中的门面、商铺按城镇房产对待' },
];

const CARS: readonly RecordKind[] = [
  { kind: '汽车', aliases: ['小型汽车', '小型轿车', '轿车', '小型普通客车', '小型客车', '中型客车', '大型客车', '客车', '货车', '轻型货车', '重型货车', '面包车', '越野车', 'SUV'], use: 'car' },
  { kind: '机动车', aliases: ['机动车登记'], use: 'car', note: '未分车型的机动车登记按汽车对待；摩托车请写“摩托车”' },
  { kind: '摩托车', aliases: ['两轮摩托车', '三轮摩托车', '电动摩托车', '轻便摩托车'], use: 'info', note: '摩托车不是汽车' },
  { kind: '农用车', aliases: ['拖拉机', '农用运输车', '三轮汽车', '低速货车', '变型拖拉机'], use: 'info', note: '农用车、拖拉机不是汽车' },
];

const PUBLIC_SALARY: readonly RecordKind[] = [
  { kind: '财政供养', aliases: ['财政供养人员', '财政统发工资', '工资统发'], use: 'public_salary' },
  { kind: '机关事业单位', aliases: ['机关事业单位人员', '机关事业单位工作人员', '公务员', '事业编制', '参公人员', '机关事业单位养老保险'], use: 'public_salary' },
];

/** Each department's record kinds (the full table of docs/CROSSCHECK.md). */
export const DEPARTMENT_KINDS: Readonly<Record<Department, readonly RecordKind[]>> = {
  公安: [
    { kind: '户籍', aliases: ['户籍人口', '常住人口', '人口登记', '户口'], use: 'register', note: '人口底册：同一身份证号登记的姓名与花名册不同 → 身份证重复' },
    ...CARS,
    { kind: '户籍注销', aliases: ['死亡注销', '注销户口', '死亡'], use: 'info', note: '供核实家庭人口，不是六个不纳入' },
  ],
  房管: HOUSING,
  住建: [
    ...HOUSING,
    { kind: '危房改造', aliases: ['农村危房改造', '危改'], use: 'info', note: '农村危房改造是扶贫措施，不是城镇住房' },
  ],
  财政: PUBLIC_SALARY,
  人社: [
    ...PUBLIC_SALARY,
    { kind: '城乡居民养老保险', aliases: ['城乡居保', '居民养老保险'], use: 'info' },
    { kind: '企业职工养老保险', aliases: ['职工养老保险', '企业养老保险'], use: 'info', note: '企业职工不是财政供养人员' },
  ],
  交管: CARS,
  工商: [
    { kind: '个体工商户', aliases: ['个体户', '个体经营', '个体工商户登记'], use: 'business' },
    { kind: '企业法人', aliases: ['法定代表人', '企业负责人', '企业股东', '股东'], use: 'business', note: '开办企业按经营主体登记对待，由乡扶贫办确认或排除' },
    { kind: '农民专业合作社', aliases: ['合作社', '专业合作社', '合作社成员'], use: 'info', note: '加入合作社是产业扶贫措施，不是个体工商户' },
  ],
  残联: [
    { kind: '残疾证注销', aliases: ['注销残疾证', '残疾证已注销'], use: 'fake_disability' },
    { kind: '残疾证不实', aliases: ['残疾证不真实', '残疾证造假', '假残疾证', '残疾证无效', '残疾等级不实'], use: 'fake_disability' },
    { kind: '持证残疾人', aliases: ['残疾证', '持证', '残疾人'], use: 'info', note: '有效的残疾证，供核对' },
  ],
  民政: [
    { kind: '低保', aliases: ['最低生活保障', '农村低保', '城市低保', '低保对象'], use: 'info' },
    { kind: '特困', aliases: ['特困供养', '特困人员', '五保', '五保户'], use: 'info' },
    { kind: '临时救助', aliases: ['临时救助对象'], use: 'info' },
  ],
};

/** What users may type: the department key or a common name of the office. */
export function parseDepartment(text: string): Department | null {
  const t = text.normalize('NFKC').replace(/[\s“”"']/g, '');
  if ((DEPARTMENTS as readonly string[]).includes(t)) return t as Department;
  return own(DEPARTMENT_ALIASES, t) ?? own(DEPARTMENT_ALIASES, t.replace(/^县/, '')) ?? null;
}

const normKind = (s: string) => s.normalize('NFKC').replace(/[\s　]/g, '').toUpperCase();

const KIND_LOOKUP: ReadonlyMap<Department, ReadonlyMap<string, RecordKind>> = new Map(
  DEPARTMENTS.map((dep) => [
    dep,
    new Map(DEPARTMENT_KINDS[dep].flatMap((k) => [k.kind, ...k.aliases].map((s) => [normKind(s), k] as const))),
  ]),
);

/** The record kind a cell's text names for this department, or null when it is not one of its kinds. */
export function parseRecordKind(department: Department, text: string): RecordKind | null {
  return KIND_LOOKUP.get(department)!.get(normKind(text)) ?? null;
}

/** The exclusion a (canonical) record kind of a department proves, or null. */
export function exclusionOf(department: string, kind: string): Exclusion | null {
  const dep = parseDepartment(department);
  const k = dep ? parseRecordKind(dep, kind) : null;
  return k && k.use !== 'register' && k.use !== 'info' ? k.use : null;
}

/** Every (department, canonical kind, exclusion) that is evidence, for the cross-check's join. */
export function exclusionKinds(): { department: Department; kind: string; exclusion: Exclusion }[] {
  const out: { department: Department; kind: string; exclusion: Exclusion }[] = [];
  for (const department of DEPARTMENTS) {
    for (const k of DEPARTMENT_KINDS[department]) {
      if (k.use !== 'register' && k.use !== 'info') out.push({ department, kind: k.kind, exclusion: k.use });
    }
  }
  return out;
}

/** The departments whose lists can prove an exclusion. */
export function departmentsProving(exclusion: Exclusion): Department[] {
  if (exclusion === 'duplicate_id') return ['公安'];
  return DEPARTMENTS.filter((d) => DEPARTMENT_KINDS[d].some((k) => k.use === exclusion));
}

/** The canonical kind of the population register (公安 户籍). */
export const REGISTER_KIND = '户籍';

/** Chinese label of a use, for tables and errors. */
export function useLabel(use: KindUse): string {
  if (use === 'register') return '人口底册（查身份证重复）';
  if (use === 'info') return '仅供参考，不作为线索';
  return EXCLUSION_NAMES[use];
}

export function parseExclusion(text: string): Exclusion | null {
  const t = text.trim();
  if ((EXCLUSIONS as readonly string[]).includes(t)) return t as Exclusion;
  for (const x of EXCLUSIONS) if (EXCLUSION_NAMES[x] === t || EXCLUSION_SHORT[x] === t) return x;
  return null;
}

/**
 * The day after which a newly found hit on an included household is flagged to the
 * discipline committee: the later of the county-report deadline and the campaign's end.
 */
export function campaignClosingDate(campaign: { endDate?: string; deadlines?: Partial<Record<string, string>> }): string | null {
  const dates = [campaign.endDate, campaign.deadlines?.county_report].filter((d): d is string => typeof d === 'string' && d !== '');
  if (dates.length === 0) return null;
  return dates.sort()[dates.length - 1]!;
}

/** Household statuses that count as included (在册) for the post-campaign flag. */
export const INCLUDED_STATUSES: readonly string[] = ['included', 'county_approved'];

/** The evidence recorded with a hit (exclusion_hits.evidence). */
export type HitEvidence =
  | {
      /** a department row whose kind proves the exclusion, or a 公安 户籍 row under another name */
      source: 'list' | 'register';
      listId?: number;
      file?: string;
      row?: number;
      recordId?: number;
      kind?: string;
      name?: string | null;
      detail?: string | null;
      date?: string | null;
    }
  | {
      /** the same ID number in another household of the roster */
      source: 'roster';
      township?: string;
      household?: string;
      head?: string;
      village?: string | null;
      name?: string;
      relation?: string;
      /** the other township's name, when the duplicate is in another township of the deployment */
      otherTownship?: string | null;
    };

/** The evidence in a Chinese phrase, e.g. “交管名单第 12 行：汽车 贵J12345（2020-05-01）”. */
export function describeEvidence(department: string, e: HitEvidence): string {
  if (e.source === 'roster') {
    const where = [e.otherTownship, e.village, e.household ? `${e.household} 户` : ''].filter(Boolean).join(' ');
    return `花名册中 ${where}${e.head ? `（户主 ${e.head}）` : ''}的成员 ${e.name ?? ''} 身份证号相同`;
  }
  const row = e.row ? `${department}名单第 ${e.row} 行` : `${department}名单`;
  if (e.source === 'register') return `${row}：公安户籍登记此身份证号的姓名为“${e.name ?? ''}”，与花名册不同`;
  return `${row}：${e.kind ?? ''}${e.detail ? ` ${e.detail}` : ''}${e.date ? `（${e.date}）` : ''}`;
}
