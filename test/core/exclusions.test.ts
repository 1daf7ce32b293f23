import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEPARTMENTS,
  DEPARTMENT_KINDS,
  EXCLUSIONS,
  EXCLUSION_NAMES,
  campaignClosingDate,
  departmentsProving,
  describeEvidence,
  exclusionKinds,
  exclusionOf,
  parseDepartment,
  parseExclusion,
  parseRecordKind,
  type Department,
  type Exclusion,
} from '../../src/core/exclusions';

/** What each department can prove, spelled as the departments write it (DESIGN §3.1, §3.2). */
const PROOFS: [Department, string, Exclusion][] = [
  ['房管', '商品房', 'commercial_housing'],
  ['房管', '政策性住房', 'commercial_housing'],
  ['房管', '城镇自建房', 'commercial_housing'],
  ['房管', '经济适用房', 'commercial_housing'],
  ['住建', '商品房', 'commercial_housing'],
  ['住建', '政策性住房', 'commercial_housing'],
  ['住建', '城镇自建房', 'commercial_housing'],
  ['交管', '机动车', 'car'],
  ['交管', '汽车', 'car'],
  ['交管', '小型汽车', 'car'],
  ['公安', '机动车', 'car'],
  ['公安', '汽车', 'car'],
  ['财政', '财政供养', 'public_salary'],
  ['财政', '机关事业单位', 'public_salary'],
  ['人社', '机关事业单位', 'public_salary'],
  ['人社', '财政供养人员', 'public_salary'],
  ['工商', '个体工商户', 'business'],
  ['工商', '个体户', 'business'],
  ['残联', '残疾证注销', 'fake_disability'],
  ['残联', '残疾证不实', 'fake_disability'],
  ['残联', '残疾证不真实', 'fake_disability'],
];

describe('record kinds → exclusions', () => {
  it.each(PROOFS)('%s %s proves %s', (dep, kind, exclusion) => {
    expect(parseRecordKind(dep, kind)?.use).toBe(exclusion);
    expect(exclusionOf(dep, kind)).toBe(exclusion);
  });

  it('knows which departments can prove each exclusion', () => {
    expect(departmentsProving('commercial_housing')).toEqual(['房管', '住建']);
    expect(departmentsProving('car')).toEqual(['公安', '交管']);
    expect(departmentsProving('public_salary')).toEqual(['财政', '人社']);
    expect(departmentsProving('business')).toEqual(['工商']);
    expect(departmentsProving('fake_disability')).toEqual(['残联']);
    expect(departmentsProving('duplicate_id')).toEqual(['公安']);
  });

  it('keeps the population register and informative kinds out of the exclusions', () => {
    expect(parseRecordKind('公安', '户籍')?.use).toBe('register');
    expect(parseRecordKind('公安', '常住人口')?.kind).toBe('户籍');
    for (const [dep, kind] of [
      ['民政', '低保'],
      ['民政', '特困'],
      ['民政', '五保户'],
      ['交管', '摩托车'],
      ['交管', '三轮摩托车'],
      ['交管', '拖拉机'],
      ['住建', '危房改造'],
      ['工商', '农民专业合作社'],
      ['残联', '持证残疾人'],
      ['人社', '城乡居民养老保险'],
    ] as const) {
      expect(parseRecordKind(dep, kind)?.use, `${dep} ${kind}`).toBe('info');
      expect(exclusionOf(dep, kind)).toBeNull();
    }
  });

  it('refuses a kind of another department and unknown kinds', () => {
    expect(parseRecordKind('民政', '商品房')).toBeNull();
    expect(parseRecordKind('房管', '汽车')).toBeNull();
    expect(parseRecordKind('工商', '户籍')).toBeNull();
    expect(parseRecordKind('公安', '飞机')).toBeNull();
  });

  it('reads kinds with stray spaces, full-width letters and lower case', () => {
    expect(parseRecordKind('交管', ' 小型 汽车 ')?.kind).toBe('汽车');
    expect(parseRecordKind('交管', 'ｓｕｖ')?.kind).toBe('汽车');
  });

  it('has no spelling that means two kinds within a department, and every department has kinds', () => {
    for (const dep of DEPARTMENTS) {
      const seen = new Map<string, string>();
      expect(DEPARTMENT_KINDS[dep].length).toBeGreaterThan(0);
      for (const k of DEPARTMENT_KINDS[dep]) {
        for (const s of [k.kind, ...k.aliases]) {
          const key = s.normalize('NFKC').replace(/\s/g, '').toUpperCase();
          expect(seen.get(key), `${dep}: “${s}” is both ${seen.get(key)} and ${k.kind}`).toBeUndefined();
          seen.set(key, k.kind);
        }
      }
    }
  });

  it('gives the cross-check one row per evidence kind, each a real exclusion', () => {
    const rows = exclusionKinds();
    expect(new Set(rows.map((r) => `${r.department}|${r.kind}`)).size).toBe(rows.length);
    for (const r of rows) expect(EXCLUSIONS).toContain(r.exclusion);
    // every exclusion but the duplicate (found by its own rules) has evidence kinds
    expect(new Set(rows.map((r) => r.exclusion))).toEqual(new Set(EXCLUSIONS.filter((x) => x !== 'duplicate_id')));
  });
});

describe('departments', () => {
  it('accepts the key and common names of each office', () => {
    for (const d of DEPARTMENTS) expect(parseDepartment(d)).toBe(d);
    expect(parseDepartment('县公安局')).toBe('公安');
    expect(parseDepartment('交警大队')).toBe('交管');
    expect(parseDepartment('市场监管局')).toBe('工商');
    expect(parseDepartment('住建局')).toBe('住建');
    expect(parseDepartment('县人社局')).toBe('人社');
    expect(parseDepartment('教育局')).toBeNull();
  });
});

describe('docs/CROSSCHECK.md', () => {
  it('shows every record kind of every department', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/CROSSCHECK.md'), 'utf8');
    for (const dep of DEPARTMENTS) {
      for (const k of DEPARTMENT_KINDS[dep]) {
        const line = doc.split('\n').find((l) => l.startsWith(`| ${dep} | ${k.kind} |`));
        expect(line, `${dep} ${k.kind}`).toBeDefined();
        const use = k.use === 'register' ? '身份证重复' : k.use === 'info' ? '不作为线索' : EXCLUSION_NAMES[k.use];
        expect(line).toContain(use);
        for (const a of k.aliases) expect(line).toContain(a);
      }
    }
  });
});

describe('helpers', () => {
  it('finds the campaign’s closing day: the later of the county report deadline and the end date', () => {
    expect(campaignClosingDate({ endDate: '2026-12-20', deadlines: { county_report: '2026-12-19' } })).toBe('2026-12-20');
    expect(campaignClosingDate({ endDate: '2026-12-20', deadlines: { county_report: '2026-12-22' } })).toBe('2026-12-22');
    expect(campaignClosingDate({})).toBeNull();
  });

  it('parses exclusions by key and name', () => {
    expect(parseExclusion('car')).toBe('car');
    expect(parseExclusion('身份证重复')).toBe('duplicate_id');
    expect(parseExclusion('飞机')).toBeNull();
  });

  it('describes evidence in Chinese', () => {
    expect(describeEvidence('交管', { source: 'list', row: 12, kind: '汽车', detail: '贵J12345', date: '2020-05-01' })).toBe(
      '交管名单第 12 行：汽车 贵J12345（2020-05-01）',
    );
    expect(describeEvidence('公安', { source: 'register', row: 3, name: '张三' })).toBe('公安名单第 3 行：公安户籍登记此身份证号的姓名为“张三”，与花名册不同');
    expect(describeEvidence('花名册', { source: 'roster', household: '01-010', head: '赵正刚', village: '石门村', name: '熊语桐' })).toBe(
      '花名册中 石门村 01-010 户（户主 赵正刚）的成员 熊语桐 身份证号相同',
    );
  });
});
