/**
 * Writes examples/roster.csv and examples/roster.xlsx: a made-up roster (建档立卡花名册)
 * for the villages of examples/township.json, ~60 households / ~180 members with
 * valid (computed, fictitious) ID numbers.
 *
 *   npx tsx scripts/make-example-roster.ts
 *
 * The output is deterministic. It deliberately contains one ID number listed in two
 * households (a daughter who married into another household of the village and was
 * not removed from her parents' household) so that the cross-check has a 身份证重复
 * hit to show.
 *
 * generateRoster() is also used by tests to build large rosters.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { makeIdCard } from '../src/core/idcard';
import {
  readRoster,
  writeRosterCsv,
  writeRosterXlsx,
  type DisabilityGrade,
  type Health,
  type Housing,
  type Labor,
  type Relation,
  type RosterHousehold,
  type RosterMember,
  type Zone,
} from '../src/import/roster';
import { loadTownshipFile } from '../src/township/schema';

export interface GenerateVillage {
  name: string;
  poor: boolean;
  /** people who may be a household's 识别责任人 */
  identifiers: string[];
  /** the hazard some of its households live with */
  hazard?: Exclude<Zone, 'normal'>;
  /** number of households to make */
  households: number;
}

export interface GenerateOptions {
  villages: GenerateVillage[];
  seed?: number;
  /** 6-digit region code of the county */
  region?: string;
  /** how many households are new applicants (户状态 申请), spread over the villages */
  applicants?: number;
  /** how many households are away as a whole (全家外出) */
  allAway?: number;
  /** list one married-out daughter in a second household too (the ID then occurs twice) */
  duplicateId?: boolean;
}

/** mulberry32: small, fast, deterministic */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = '杨吴龙石潘王张李罗田韦陈刘黄赵周胡蒙熊邓欧谢罗姚袁彭曾蒋唐余何'.split('');
const MALE_OLD = ['国强', '建军', '文华', '永福', '德明', '光荣', '正刚', '明辉', '德贵', '昌富', '开元', '绍清', '廷福', '仕忠', '正友', '光明', '文斌', '朝贵', '学林', '应祥'];
const FEMALE_OLD = ['秀英', '桂兰', '玉梅', '春花', '小红', '丽娟', '美玲', '金凤', '翠花', '玉兰', '秀珍', '桂芝', '老妹', '银花', '月娥', '凤英', '春燕', '秀琴', '淑芬', '德芬'];
const MALE_YOUNG = ['俊杰', '子豪', '浩然', '宇航', '家乐', '志强', '小龙', '鹏飞', '天佑', '明杰', '文涛', '思远', '博文', '嘉豪', '一鸣', '小军', '海洋', '宇轩', '泽宇', '俊熙'];
const FEMALE_YOUNG = ['雨涵', '欣怡', '梓涵', '诗琪', '佳怡', '思琪', '婷婷', '欢欢', '雪梅', '晓燕', '梦瑶', '紫涵', '可馨', '语桐', '一诺', '丽萍', '小芳', '雅琴', '美娟', '春梅'];
const CAUSES_OTHER = ['缺劳力', '缺资金', '缺技术', '交通条件落后', '自身发展动力不足', '缺土地'];
const NEARBY_REGIONS = ['522631', '522629', '522601', '522632', '431229'];
const PHONE_PREFIXES = ['135', '136', '137', '138', '139', '150', '151', '158', '187', '188'];

/** Makes a deterministic, internally consistent roster (every ID valid, one head per household). */
export function generateRoster(opts: GenerateOptions): RosterHousehold[] {
  const rand = rng(opts.seed ?? 20261208);
  const region = opts.region ?? '522630';
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  const usedIds = new Set<string>();
  const usedNames = new Set<string>();
  const currentYear = 2026;

  const idFor = (birthYear: number, male: boolean, regionCode: string): { id: string; birth: string } => {
    for (;;) {
      const month = int(1, 12);
      const day = int(1, [31, birthYear % 4 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]);
      const birth = `${birthYear}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
      const seq = int(0, 499) * 2 + (male ? 1 : 0);
      const id = makeIdCard(regionCode, birth, seq);
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return { id, birth };
      }
    }
  };
  const givenName = (male: boolean, birthYear: number) =>
    birthYear < 1985 ? pick(male ? MALE_OLD : FEMALE_OLD) : pick(male ? MALE_YOUNG : FEMALE_YOUNG);
  const fullName = (surname: string, male: boolean, birthYear: number): string => {
    // keep names unique within the roster where we can, as villages mostly do
    for (let i = 0; i < 6; i++) {
      const n = surname + givenName(male, birthYear);
      if (!usedNames.has(n)) {
        usedNames.add(n);
        return n;
      }
    }
    return surname + givenName(male, birthYear);
  };

  let row = 2;
  const person = (
    relation: Relation,
    surname: string,
    male: boolean,
    birthYear: number,
    opts2: { regionCode?: string; poorVillage: boolean },
  ): RosterMember => {
    const { id, birth } = idFor(birthYear, male, opts2.regionCode ?? region);
    const age = currentYear - birthYear;
    let health: Health = 'healthy';
    const r = rand();
    const sick = opts2.poorVillage ? 1.3 : 1;
    if (age >= 16) {
      if (r < 0.1 * sick) health = 'chronic';
      else if (r < 0.15 * sick) health = 'major_illness';
      else if (r < 0.19 * sick) health = 'disabled';
      else if (r < 0.2 * sick) health = 'severe_mental';
    } else if (r < 0.03) health = 'disabled';
    const disability: DisabilityGrade = health === 'disabled' ? (int(1, 4) as DisabilityGrade) : 0;
    let labor: Labor;
    if (age < 16 || age > 70 || disability === 1 || disability === 2 || health === 'severe_mental') labor = 'none';
    else if (age > 60 || health !== 'healthy') labor = 'weak';
    else labor = 'able';
    const m: RosterMember = {
      row: 0,
      name: fullName(surname, male, birthYear),
      relation,
      isHead: relation === 'head',
      idCard: id,
      birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`,
      gender: male ? 'male' : 'female',
      labor,
      health,
      disability,
    };
    // second-generation certificate number: ID + category (1-7) + grade
    if (disability > 0 && chance(0.85)) m.disabilityCert = `${id}${int(1, 7)}${disability}`;
    return m;
  };

  const households: RosterHousehold[] = [];
  opts.villages.forEach((v, vi) => {
    for (let seq = 1; seq <= v.households; seq++) {
      const poor = v.poor;
      const surname = pick(SURNAMES);
      const headMale = chance(0.82);
      const withParent = chance(0.12);
      const headYear = withParent ? int(1962, 1990) : int(1945, 1990);
      const members: RosterMember[] = [person('head', surname, headMale, headYear, { poorVillage: poor })];
      const alone = currentYear - headYear > 65 && chance(0.35);
      if (!alone) {
        if (chance(0.8)) {
          members.push(
            person('spouse', pick(SURNAMES), !headMale, headYear + int(-4, 4), {
              poorVillage: poor,
              regionCode: chance(0.25) ? pick(NEARBY_REGIONS) : region,
            }),
          );
        }
        if (withParent) {
          const parentMale = chance(0.4);
          members.push(person(parentMale ? 'father' : 'mother', parentMale ? surname : pick(SURNAMES), parentMale, headYear - int(22, 30), { poorVillage: poor }));
        }
        const children = currentYear - headYear > 70 ? int(0, 1) : chance(0.2) ? 3 : int(0, 2);
        let firstSon: { year: number } | undefined;
        for (let c = 0; c < children; c++) {
          const year = Math.min(2024, headYear + int(20, 34));
          const male = chance(0.5);
          members.push(person(male ? 'son' : 'daughter', surname, male, year, { poorVillage: poor }));
          if (male && !firstSon) firstSon = { year };
        }
        if (firstSon && firstSon.year <= 1998 && chance(0.5)) {
          members.push(person('daughter_in_law', pick(SURNAMES), false, firstSon.year + int(-3, 3), { poorVillage: poor, regionCode: chance(0.4) ? pick(NEARBY_REGIONS) : region }));
          if (chance(0.5)) {
            const g = chance(0.5);
            members.push(person(g ? 'grandson' : 'granddaughter', surname, g, Math.min(2024, firstSon.year + int(22, 28)), { poorVillage: poor }));
          }
        }
      }

      const roll = rand();
      const housing: Housing = roll < (poor ? 0.55 : 0.72) ? 'safe' : roll < (poor ? 0.75 : 0.86) ? 'dangerous' : roll < 0.96 ? 'earth' : 'none';
      const zone: Zone = v.hazard && chance(poor ? 0.35 : 0.2) ? v.hazard : 'normal';
      const youngest = Math.max(...members.map((m) => Number(m.birthDate.slice(0, 4))));
      const cause = members.some((m) => m.health === 'major_illness' || m.health === 'chronic' || m.health === 'severe_mental')
        ? '因病'
        : members.some((m) => m.disability > 0)
          ? '因残'
          : currentYear - youngest >= 6 && currentYear - youngest <= 22 && chance(0.5)
            ? '因学'
            : zone !== 'normal' && chance(0.5)
              ? '因灾'
              : pick(CAUSES_OTHER);
      const head = members[0];
      households.push({
        row: 0,
        householdNo: `${String(vi + 1).padStart(2, '0')}-${String(seq).padStart(3, '0')}`,
        village: v.name,
        headName: head.name,
        status: 'included',
        housing,
        zone,
        povertyCause: cause,
        identifiedBy: pick(v.identifiers),
        allAway: false,
        ...(chance(0.75) ? { phone: pick(PHONE_PREFIXES) + String(int(0, 99_999_999)).padStart(8, '0') } : {}),
        members,
      });
    }
  });

  // New applicants: the last household(s) of villages in turn
  const applicants = opts.applicants ?? 0;
  for (let i = 0; i < applicants; i++) {
    const v = opts.villages[i % opts.villages.length];
    const list = households.filter((h) => h.village === v.name && h.status === 'included');
    const h = list[list.length - 1 - Math.floor(i / opts.villages.length)];
    if (h) h.status = 'applied';
  }
  // Whole families away: households with a working-age member
  const away = households.filter(
    (h) => h.status === 'included' && h.members.length >= 2 && h.members.some((m) => m.labor === 'able'),
  );
  for (let i = 0; i < (opts.allAway ?? 0) && away.length > 0; i++) {
    away.splice(Math.floor(rand() * away.length), 1)[0].allAway = true;
  }
  if (opts.duplicateId) {
    for (const from of households) {
      const daughter = from.members.find((m) => m.relation === 'daughter' && m.birthDate <= '2000');
      if (!daughter) continue;
      const born = Number(daughter.birthDate.slice(0, 4));
      const to = households.find(
        (h) =>
          h !== from &&
          h.village === from.village &&
          !h.members.some((m) => m.relation === 'daughter_in_law') &&
          h.members.some((m) => m.relation === 'son' && Math.abs(Number(m.birthDate.slice(0, 4)) - born) <= 4),
      );
      if (!to) continue;
      to.members.push({ ...daughter, relation: 'daughter_in_law', isHead: false });
      break;
    }
  }

  // Row numbers as they will be in the written file (header on row 1)
  for (const h of households) {
    h.row = row;
    for (const m of h.members) m.row = row++;
  }
  return households;
}

const HAZARDS: Record<string, Exclude<Zone, 'normal'>> = {
  石门村: 'geohazard',
  岩脚村: 'geohazard',
  高坡村: 'high_cold',
  河坝村: 'flood',
  龙井村: 'geohazard',
};

async function main(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const townshipPath = join(root, 'examples/township.json');
  const t = await loadTownshipFile(townshipPath);
  if (!t.ok) throw new Error(t.errors.join('\n'));
  const township = t.value;
  const villages: GenerateVillage[] = township.villages.map((v) => {
    const identifiers = township.people
      .filter((p) => p.roles.some((r) => (r.role === 'village_cadre' || r.role === 'package_cadre') && r.village === v.name))
      .map((p) => p.name);
    return { name: v.name, poor: v.poor, identifiers, hazard: HAZARDS[v.name], households: v.poor ? 12 : 6 };
  });
  const households = generateRoster({ villages, applicants: 5, allAway: 3, duplicateId: true });
  addHouseholdData(households, villages.at(-1)!.name);

  const csvPath = join(root, 'examples/roster.csv');
  const xlsxPath = join(root, 'examples/roster.xlsx');
  await writeRosterCsv(csvPath, households);
  await writeRosterXlsx(xlsxPath, households);

  for (const file of [csvPath, xlsxPath]) {
    const r = await readRoster(file, { villages: township.villages.map((v) => v.name) });
    if (!r.ok) throw new Error(`${file} does not read back:\n${r.errors.map((e) => `${e.row} ${e.column} ${e.reason}`).join('\n')}`);
  }
  const members = households.reduce((n, h) => n + h.members.length, 0);
  const count = (f: (h: RosterHousehold) => boolean) => households.filter(f).length;
  console.log(
    `wrote ${csvPath} and ${xlsxPath}: ${households.length} households, ${members} members; ` +
      `${count((h) => h.status === 'applied')} applicants, ${count((h) => h.allAway)} all away, ` +
      `${count((h) => h.housing !== 'safe')} unsafe housing, ${count((h) => h.zone !== 'normal')} in hazard zones, ` +
      `${count((h) => h.members.some((m) => m.disability > 0))} with a disabled member`,
  );
}

const SKILLS = ['电焊', '泥瓦工', '厨师', '驾驶', '养殖', '种植'];
const PLACES = ['浙江宁波', '广东东莞', '贵阳', '福建泉州'];

/**
 * The optional columns (在校情况, 技能, 务工, 低保, 特困, 人均纯收入) filled for the registered
 * households of one village, from their own generator (the rest of the roster stays as it was):
 * schooling from the age, skills and work for the able adults, 低保 / 特困 for two households.
 */
export function addHouseholdData(households: RosterHousehold[], village: string, seed = 7): void {
  const r = rng(seed);
  const age = (birth: string) => 2026 - Number(birth.slice(0, 4)) - (birth.slice(5) > '12-01' ? 1 : 0);
  let i = 0;
  for (const h of households) {
    if (h.village !== village || h.status !== 'included') continue;
    h.minimumLiving = i === 0;
    h.extremePoverty = i === 1;
    h.income = 2000 + Math.floor(r() * 30) * 100;
    i++;
    for (const m of h.members) {
      const a = age(m.birthDate);
      if (a >= 3 && a <= 21) {
        m.schooling = a <= 5 ? 'preschool' : a <= 11 ? 'primary' : a <= 14 ? 'junior' : a <= 17 ? (r() < 0.3 ? 'vocational' : 'senior') : r() < 0.5 ? 'college' : 'none';
      } else if (a > 21) m.schooling = 'none';
      if (a >= 18 && a <= 60 && m.labor === 'able') {
        if (r() < 0.6) {
          m.skill = 'yes';
          m.skillNote = SKILLS[Math.floor(r() * SKILLS.length)]!;
        } else m.skill = 'no';
        const w = h.allAway ? 0 : r();
        if (w < 0.4) {
          m.work = 'away';
          m.workPlace = PLACES[Math.floor(r() * PLACES.length)]!;
        } else m.work = w < 0.7 ? 'local' : 'none';
      }
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
