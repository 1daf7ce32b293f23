/**
 * The roster's value sets (建档立卡花名册), defined once: each choice's key (as stored), its
 * label (as written in spreadsheets and shown to people) and the other spellings accepted on
 * input. Used by the roster reader and writer (src/import/roster), the bot's household texts
 * (src/bot/household-info.ts) and the county report. Pure: no I/O.
 */

export interface EnumDef<K extends string> {
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

export const YES_NO: EnumDef<'yes' | 'no'> = {
  labels: { yes: '是', no: '否' },
  aliases: { y: 'yes', n: 'no', yes: 'yes', no: 'no', true: 'yes', false: 'no', '1': 'yes', '0': 'no' },
};

// Every accepted spelling of a set → its key, built once per set (a Map: a cell saying
// __proto__ or constructor is just an unknown value). Labels win over aliases.
const SPELLINGS = new WeakMap<EnumDef<string>, Map<string, string>>();
function spellings<K extends string>(def: EnumDef<K>): Map<string, K> {
  let m = SPELLINGS.get(def) as Map<string, K> | undefined;
  if (!m) {
    m = new Map<string, K>();
    for (const [alias, k] of Object.entries(def.aliases) as [string, K][]) m.set(alias, k);
    for (const [k, label] of Object.entries(def.labels) as [K, string][]) m.set(label, k);
    SPELLINGS.set(def, m);
  }
  return m;
}

export function lookup<K extends string>(def: EnumDef<K>, text: string): K | undefined {
  const m = spellings(def);
  // fast path: the cell as written (nearly every cell of a roster is a label as is)
  const exact = m.get(text);
  if (exact !== undefined) return exact;
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  return m.get(t) ?? m.get(t.toLowerCase());
}

export const allowed = (def: EnumDef<string>): string => Object.values(def.labels).join('/');

/** Labour as said in a sentence (a helper's household summary): 有劳动能力 rather than 有. */
export const LABOR_PHRASES: Readonly<Record<Labor, string>> = { able: '有劳动能力', weak: '弱劳动能力', none: '无劳动能力' };

/** The label of a stored key, or the key itself when it is not one of the set's (old data). */
export function labelOf<K extends string>(def: EnumDef<K>, key: string | null | undefined): string {
  if (key === null || key === undefined || key === '') return '';
  return Object.hasOwn(def.labels, key) ? def.labels[key as K] : key;
}

// ---------------------------------------------------------------------------
// Optional household data for the batches (DESIGN §4): schooling, skills, work, 低保 / 特困, income

export type Schooling = 'preschool' | 'primary' | 'junior' | 'senior' | 'vocational' | 'college' | 'none';
/** 在校情况 */
export const SCHOOLING: EnumDef<Schooling> = {
  labels: { preschool: '学前', primary: '小学', junior: '初中', senior: '高中', vocational: '中职', college: '大学', none: '不在校' },
  aliases: {
    学龄前: 'preschool',
    幼儿园: 'preschool',
    在读小学: 'primary',
    小学在读: 'primary',
    在读初中: 'junior',
    初中在读: 'junior',
    在读高中: 'senior',
    高中在读: 'senior',
    中专: 'vocational',
    职高: 'vocational',
    技校: 'vocational',
    职业高中: 'vocational',
    中等职业学校: 'vocational',
    大专: 'college',
    高职: 'college',
    本科: 'college',
    研究生: 'college',
    大学在读: 'college',
    否: 'none',
    无: 'none',
    未在校: 'none',
    非在校: 'none',
    辍学: 'none',
    已毕业: 'none',
  },
};
/** In school at some level (the education batch's signal). */
export const IN_SCHOOL: readonly Schooling[] = ['preschool', 'primary', 'junior', 'senior', 'vocational', 'college'];

export type Skill = 'yes' | 'no';
/** 技能: 有 (and which, e.g. 有（电焊）) or 无 */
export const SKILL: EnumDef<Skill> = {
  labels: { yes: '有', no: '无' },
  aliases: { 是: 'yes', 有技能: 'yes', 否: 'no', 没有: 'no', 无技能: 'no' },
};

export type Work = 'local' | 'away' | 'none';
/** 务工: 本地 / 外出 (and where, e.g. 外出（浙江宁波）) or 无 */
export const WORK: EnumDef<Work> = {
  labels: { local: '本地', away: '外出', none: '无' },
  aliases: {
    本地务工: 'local',
    就近: 'local',
    就近务工: 'local',
    县内: 'local',
    乡内: 'local',
    外出务工: 'away',
    外地: 'away',
    县外: 'away',
    省外: 'away',
    省内: 'away',
    否: 'none',
    不务工: 'none',
    未务工: 'none',
    没有: 'none',
  },
};

/**
 * A choice with an optional note after it: 有（电焊）, 有 电焊, 有：电焊, 外出（浙江宁波）, 外出 浙江.
 * The choice is looked up in `def`; the note is what follows it (brackets and separators dropped).
 * Undefined when the text does not start with one of the choices.
 */
export function choiceWithNote<K extends string>(def: EnumDef<K>, text: string): { key: K; note: string } | undefined {
  const t = text.normalize('NFKC').trim();
  const whole = lookup(def, t);
  if (whole !== undefined) return { key: whole, note: '' };
  const m = /^([^\s(（:：,，、;；/-]+)[\s(（:：,，、;；/-]+(.*?)[)）]?$/.exec(t);
  if (!m) return undefined;
  const key = lookup(def, m[1]!);
  if (key === undefined) return undefined;
  return { key, note: m[2]!.trim() };
}

/** 人均纯收入 (元/年): a whole number of yuan, 0 … 1,000,000; 3,500 and 3500元 accepted. Undefined when not one. */
export function parseIncome(text: string): number | undefined {
  const t = text.normalize('NFKC').replace(/[\s,，]/g, '').replace(/(元\/年|元每年|元\/人|元)$/, '');
  if (!/^\d+(\.\d+)?$/.test(t)) return undefined;
  const n = Math.round(Number(t));
  return n >= 0 && n <= 1_000_000 ? n : undefined;
}

/** 有（电焊） / 外出（浙江宁波） / 小学: a stored choice and its note as a sheet or a chat shows it. */
export function labelWithNote<K extends string>(def: EnumDef<K>, key: string | null | undefined, note: string | null | undefined): string {
  const l = labelOf(def, key);
  return l && note ? `${l}（${note}）` : l;
}
