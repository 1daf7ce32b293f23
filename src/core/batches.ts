/**
 * Five batches (五个一批) and the two more (DESIGN §4): names, parsing of what users type,
 * suggestions from a household's roster attributes, and the counts per household and per
 * person. Pure: no I/O. A suggestion is advice with its reasons; the person decides.
 */

export const BATCH_KEYS = [
  'production_employment',
  'relocation',
  'medical',
  'minimum_living',
  'disaster_reconstruction',
  'ecological_compensation',
  'education',
] as const;
export type BatchKey = (typeof BATCH_KEYS)[number];

export interface BatchInfo {
  key: BatchKey;
  /** official name */
  name: string;
  /** what users type and what short lists show */
  short: string;
}

export const BATCHES: Record<BatchKey, BatchInfo> = {
  production_employment: { key: 'production_employment', name: '扶持生产和就业发展一批', short: '生产就业' },
  relocation: { key: 'relocation', name: '移民搬迁安置一批', short: '易地搬迁' },
  medical: { key: 'medical', name: '医疗救助扶持一批', short: '医疗救助' },
  minimum_living: { key: 'minimum_living', name: '低保政策兜底一批', short: '低保兜底' },
  disaster_reconstruction: { key: 'disaster_reconstruction', name: '灾后重建帮扶一批', short: '灾后重建' },
  ecological_compensation: { key: 'ecological_compensation', name: '生态补偿脱贫一批', short: '生态补偿' },
  education: { key: 'education', name: '发展教育脱贫一批', short: '发展教育' },
};

const ALIASES: Record<string, BatchKey> = {
  生产: 'production_employment',
  就业: 'production_employment',
  发展生产: 'production_employment',
  生产和就业: 'production_employment',
  扶持生产: 'production_employment',
  产业: 'production_employment',
  搬迁: 'relocation',
  移民搬迁: 'relocation',
  搬迁安置: 'relocation',
  移民: 'relocation',
  医疗: 'medical',
  医疗扶持: 'medical',
  低保: 'minimum_living',
  兜底: 'minimum_living',
  政策兜底: 'minimum_living',
  重建: 'disaster_reconstruction',
  灾后: 'disaster_reconstruction',
  生态: 'ecological_compensation',
  生态脱贫: 'ecological_compensation',
  教育: 'education',
  教育脱贫: 'education',
  发展教育脱贫: 'education',
};

const LOOKUP: ReadonlyMap<string, BatchKey> = new Map<string, BatchKey>([
  ...BATCH_KEYS.flatMap((k): [string, BatchKey][] => [
    [k, k],
    [BATCHES[k].name, k],
    [BATCHES[k].short, k],
    // the name without its trailing 一批, e.g. 医疗救助扶持
    [BATCHES[k].name.replace(/一批$/, ''), k],
  ]),
  ...Object.entries(ALIASES),
]);

/** A batch key from its key, official name, short name or a common alias; null otherwise. */
export function parseBatch(text: string): BatchKey | null {
  const t = text.normalize('NFKC').trim().replace(/[“”"'、，,。;；\s]/g, '');
  return LOOKUP.get(t) ?? LOOKUP.get(t.toLowerCase()) ?? null;
}

/** Splits free text (spaces, 、 or commas) into batch keys; unknown words are returned apart. */
export function parseBatchList(input: string | readonly string[]): { batches: BatchKey[]; unknown: string[] } {
  const words = (typeof input === 'string' ? [input] : input)
    .flatMap((w) => w.normalize('NFKC').split(/[\s、，,;；+＋]+/))
    .filter((w) => w.length > 0);
  const found: BatchKey[] = [];
  const unknown: string[] = [];
  for (const w of words) {
    const k = parseBatch(w);
    if (k) found.push(k);
    else unknown.push(w);
  }
  return { batches: sortBatches(found), unknown };
}

/** Known keys only, deduplicated, in the table's order. */
export function sortBatches(list: readonly string[]): BatchKey[] {
  const set = new Set(list);
  return BATCH_KEYS.filter((k) => set.has(k));
}

export const batchShortNames = (list: readonly string[]): string =>
  sortBatches(list).map((k) => BATCHES[k].short).join('、') || '未分类';

export const batchChoices = (): string => BATCH_KEYS.map((k) => BATCHES[k].short).join('、');

// ---------------------------------------------------------------------------
// Suggestions

/** What the roster says about a member (values as stored: labour able|weak|none, …). */
export interface MemberFacts {
  name: string;
  labour: string | null;
  /** healthy | chronic | major_illness | severe_mental | disabled */
  health: string | null;
  /** disability grade '0'…'4' (1 is the most severe) */
  disability: string | number | null;
  /** 在校情况 (SCHOOLING key), optional */
  schooling?: string | null;
  /** 技能: yes | no, and which */
  skill?: string | null;
  skillNote?: string | null;
  /** 务工: local | away | none, and where */
  work?: string | null;
  workPlace?: string | null;
}

export interface HouseholdFacts {
  /** safe | dangerous | earth | none */
  housing: string | null;
  /** normal | geohazard | flood | high_cold */
  zone: string | null;
  /** 低保 / 特困: 'yes' | 'no' (optional roster columns) */
  minimumLiving?: string | null;
  extremePoverty?: string | null;
  members: MemberFacts[];
}

export interface BatchSuggestion {
  batch: BatchKey;
  /** why, in Chinese, e.g. 住房为土坯房 */
  reasons: string[];
  /** names of the members it applies to */
  members: string[];
}

export interface Suggestions {
  /** for the household, in table order */
  household: BatchSuggestion[];
  /** per member, in roster order */
  members: { name: string; batches: BatchKey[] }[];
}

const HOUSING_REASON: Record<string, string> = { dangerous: '住房为危房', earth: '住房为土坯房', none: '无房' };
const ZONE_REASON: Record<string, string> = { geohazard: '居住在地质灾害区', flood: '居住在洪涝区', high_cold: '居住在高寒区' };
const GRADE = ['', '一级', '二级', '三级', '四级'];

const grade = (m: MemberFacts): number => {
  const n = Number(m.disability ?? 0);
  return Number.isInteger(n) && n >= 1 && n <= 4 ? n : 0;
};
const isAble = (m: MemberFacts) => m.labour === 'able';
const SCHOOL_NAMES: Record<string, string> = { preschool: '学前教育', primary: '小学', junior: '初中', senior: '高中', vocational: '中职', college: '大学' };
/** Why a member is a production-and-employment case ('' when not): able to work, a skill, or work. */
function employmentReason(m: MemberFacts): string {
  const why: string[] = [];
  if (isAble(m)) why.push('有劳动能力');
  if (m.skill === 'yes') why.push(m.skillNote ? `有技能（${m.skillNote}）` : '有技能');
  if (m.work === 'local') why.push(m.workPlace ? `本地务工（${m.workPlace}）` : '本地务工');
  if (m.work === 'away') why.push(m.workPlace ? `外出务工（${m.workPlace}）` : '外出务工');
  return why.length ? `${m.name} ${why.join('、')}` : '';
}

/** Why a member is a medical case ('' when not): illness or disability. */
function medicalReason(m: MemberFacts): string {
  if (m.health === 'major_illness') return `${m.name} 大病`;
  if (m.health === 'severe_mental') return `${m.name} 重度精神病`;
  if (m.health === 'chronic') return `${m.name} 长期慢性病`;
  const g = grade(m);
  if (g > 0) return `${m.name} ${GRADE[g]}残疾`;
  if (m.health === 'disabled') return `${m.name} 残疾`;
  return '';
}

/** Why a member is a minimum-living case on their own ('' when not). */
function severeReason(m: MemberFacts): string {
  const g = grade(m);
  if (g === 1 || g === 2) return `${m.name} ${GRADE[g]}残疾`;
  if (m.health === 'severe_mental') return `${m.name} 重度精神病`;
  if (m.health === 'major_illness') return `${m.name} 大病`;
  return '';
}

const nameList = (names: string[], max = 3) =>
  names.length > max ? `${names.slice(0, max).join('、')} 等 ${names.length} 人` : names.join('、');

/**
 * Suggested batches (DESIGN §4 signals):
 * - relocation: a dangerous or earth house or none, or a geohazard / flood / high-cold zone (every member);
 * - medical: a member with a major or chronic illness, severe mental illness or a disability (those members);
 * - minimum_living: a member with a grade 1-2 disability, severe mental illness or a major illness
 *   (those members), or no able-bodied member at all (every member),
 *   or the household receives 低保 or 特困 support (every member);
 * - production_employment: a member able to work, with a skill or in work, local or away (those members);
 * - education: a member in school, from 学前 to 大学 (those members).
 * Disaster reconstruction and ecological compensation have no roster signal.
 */
export function suggestBatches(h: HouseholdFacts): Suggestions {
  const all = h.members.map((m) => m.name);
  const out = new Map<BatchKey, BatchSuggestion>();
  const add = (batch: BatchKey, reasons: string[], members: string[]) => {
    if (reasons.length > 0) out.set(batch, { batch, reasons, members });
  };

  const reloc = [HOUSING_REASON[h.housing ?? ''], ZONE_REASON[h.zone ?? '']].filter((r): r is string => Boolean(r));
  add('relocation', reloc, all);

  const medical = h.members.map((m) => ({ m, r: medicalReason(m) })).filter((x) => x.r);
  add('medical', medical.map((x) => x.r), medical.map((x) => x.m.name));

  const able = h.members.filter(isAble);
  const severe = h.members.map((m) => ({ m, r: severeReason(m) })).filter((x) => x.r);
  const support = [h.minimumLiving === 'yes' ? '享受低保' : '', h.extremePoverty === 'yes' ? '特困供养' : ''].filter(Boolean);
  if ((h.members.length > 0 && able.length === 0) || support.length > 0) {
    add('minimum_living', [...severe.map((x) => x.r), ...(h.members.length > 0 && able.length === 0 ? ['家中无劳动能力成员'] : []), ...support], all);
  } else {
    add('minimum_living', severe.map((x) => x.r), severe.map((x) => x.m.name));
  }

  const working = h.members.filter((m) => !isAble(m) && employmentReason(m));
  if (able.length > 0 || working.length > 0) {
    const reasons = [
      ...(able.length > 0 && able.every((m) => employmentReason(m) === `${m.name} 有劳动能力`) ? [`${nameList(able.map((m) => m.name))}有劳动能力`] : able.map(employmentReason)),
      ...working.map(employmentReason),
    ];
    add('production_employment', reasons, h.members.filter((m) => isAble(m) || working.includes(m)).map((m) => m.name));
  }

  const pupils = h.members.filter((m) => m.schooling && Object.hasOwn(SCHOOL_NAMES, m.schooling));
  add('education', pupils.map((m) => `${m.name} 在读${SCHOOL_NAMES[m.schooling!]}`), pupils.map((m) => m.name));

  const household = BATCH_KEYS.filter((k) => out.has(k)).map((k) => out.get(k)!);
  const members = h.members.map((m) => ({
    name: m.name,
    batches: household.filter((s) => s.members.includes(m.name)).map((s) => s.batch),
  }));
  return { household, members };
}

// ---------------------------------------------------------------------------
// Counts

export interface BatchCounts {
  households: number;
  persons: number;
  classifiedHouseholds: number;
  /** 户数: households in the batch */
  byHousehold: Record<BatchKey, number>;
  /** 户内人口: all members of the households in the batch (the county's “X户Y人”) */
  inHouseholds: Record<BatchKey, number>;
  /** 逐人分类: members classified in the batch on their own (e.g. only the ill member under 医疗救助) */
  individually: Record<BatchKey, number>;
}

/** The three figures of a batch as every card and sheet labels them (DESIGN §4: never mixed in one column). */
export const BATCH_FIGURES = { households: '户数', inHouseholds: '户内人口', individually: '逐人分类' } as const;

const zero = (): Record<BatchKey, number> =>
  Object.fromEntries(BATCH_KEYS.map((k) => [k, 0])) as Record<BatchKey, number>;

/**
 * Counts by household and by person (统计到户到人) over the households given (callers pass
 * the included ones), three separate figures per batch (DESIGN §4): 户数 (a household once under
 * each of its batches), 户内人口 (all its members under each of the household's batches) and 逐人分类
 * (a member under the batches classified for that member; a member without labels of their own
 * counts under none).
 */
export function batchCounts(households: readonly { batches: readonly string[]; members: readonly { batches: readonly string[] }[] }[]): BatchCounts {
  const c: BatchCounts = { households: 0, persons: 0, classifiedHouseholds: 0, byHousehold: zero(), inHouseholds: zero(), individually: zero() };
  for (const h of households) {
    c.households++;
    const hb = sortBatches(h.batches);
    if (hb.length > 0) c.classifiedHouseholds++;
    for (const k of hb) {
      c.byHousehold[k]++;
      c.inHouseholds[k] += h.members.length;
    }
    for (const m of h.members) {
      c.persons++;
      for (const k of sortBatches(m.batches)) c.individually[k]++;
    }
  }
  return c;
}
