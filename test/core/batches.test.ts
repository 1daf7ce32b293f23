import { describe, it, expect } from 'vitest';
import {
  BATCHES,
  BATCH_KEYS,
  batchCounts,
  batchShortNames,
  parseBatch,
  parseBatchList,
  suggestBatches,
  type MemberFacts,
} from '../../src/core/batches';
import { BATCH_NAMES } from '../../src/core/planner';

const m = (name: string, labour: string, health = 'healthy', disability: string | number = '0'): MemberFacts => ({ name, labour, health, disability });

describe('batch names', () => {
  it('agree with the digest names', () => {
    for (const k of BATCH_KEYS) expect(BATCHES[k].name).toBe(BATCH_NAMES[k]);
    expect(Object.keys(BATCH_NAMES).sort()).toEqual([...BATCH_KEYS].sort());
  });

  it('parse keys, full names, short names and aliases', () => {
    expect(parseBatch('生产就业')).toBe('production_employment');
    expect(parseBatch('扶持生产和就业发展一批')).toBe('production_employment');
    expect(parseBatch('易地搬迁')).toBe('relocation');
    expect(parseBatch('移民搬迁安置一批')).toBe('relocation');
    expect(parseBatch('医疗救助')).toBe('medical');
    expect(parseBatch('医疗救助扶持')).toBe('medical');
    expect(parseBatch('低保兜底')).toBe('minimum_living');
    expect(parseBatch('低保')).toBe('minimum_living');
    expect(parseBatch('灾后重建')).toBe('disaster_reconstruction');
    expect(parseBatch('生态补偿')).toBe('ecological_compensation');
    expect(parseBatch('发展教育')).toBe('education');
    expect(parseBatch('发展教育脱贫一批')).toBe('education');
    expect(parseBatch('medical')).toBe('medical');
    expect(parseBatch('“医疗救助”')).toBe('medical');
    expect(parseBatch('养猪')).toBeNull();
  });

  it('parses stacked lists in any separator, deduplicated in table order, unknown words apart', () => {
    expect(parseBatchList(['医疗救助、低保兜底', '生产就业', '医疗'])).toEqual({
      batches: ['production_employment', 'medical', 'minimum_living'],
      unknown: [],
    });
    expect(parseBatchList('易地搬迁，养猪')).toEqual({ batches: ['relocation'], unknown: ['养猪'] });
    expect(batchShortNames(['medical', 'relocation'])).toBe('易地搬迁、医疗救助');
    expect(batchShortNames([])).toBe('未分类');
  });
});

describe('suggestBatches', () => {
  it('suggests relocation for an earth house, medical and minimum living for a major illness, production for the able', () => {
    const s = suggestBatches({
      housing: 'earth',
      zone: 'normal',
      members: [m('蒋应祥', 'able'), m('熊桂兰', 'none', 'major_illness'), m('罗春花', 'weak', 'chronic')],
    });
    expect(s.household.map((x) => x.batch)).toEqual(['production_employment', 'relocation', 'medical', 'minimum_living']);
    const by = Object.fromEntries(s.household.map((x) => [x.batch, x]));
    expect(by.relocation!.reasons).toEqual(['住房为土坯房']);
    expect(by.medical!.reasons).toEqual(['熊桂兰 大病', '罗春花 长期慢性病']);
    expect(by.minimum_living!.reasons).toEqual(['熊桂兰 大病']);
    expect(by.minimum_living!.members).toEqual(['熊桂兰']);
    expect(by.production_employment!.reasons).toEqual(['蒋应祥有劳动能力']);
    expect(s.members).toEqual([
      { name: '蒋应祥', batches: ['production_employment', 'relocation'] },
      { name: '熊桂兰', batches: ['relocation', 'medical', 'minimum_living'] },
      { name: '罗春花', batches: ['relocation', 'medical'] },
    ]);
  });

  it('suggests relocation for a hazard zone, a dangerous house or no house', () => {
    expect(suggestBatches({ housing: 'safe', zone: 'geohazard', members: [m('a', 'able')] }).household[1]).toMatchObject({ batch: 'relocation', reasons: ['居住在地质灾害区'] });
    expect(suggestBatches({ housing: 'dangerous', zone: 'flood', members: [] }).household[0]!.reasons).toEqual(['住房为危房', '居住在洪涝区']);
    expect(suggestBatches({ housing: 'none', zone: 'high_cold', members: [] }).household[0]!.reasons).toEqual(['无房', '居住在高寒区']);
    expect(suggestBatches({ housing: 'safe', zone: 'normal', members: [m('a', 'able')] }).household.map((x) => x.batch)).toEqual(['production_employment']);
  });

  it('uses the optional roster data: education from schooling, employment from skills and work, 兜底 from 低保 / 特困', () => {
    const s = suggestBatches({
      housing: 'safe',
      zone: 'normal',
      minimumLiving: 'yes',
      extremePoverty: 'no',
      members: [
        { ...m('杨国强', 'able'), skill: 'yes', skillNote: '电焊' },
        { ...m('罗春花', 'weak'), work: 'away', workPlace: '浙江宁波' },
        { ...m('杨俊杰', 'none'), schooling: 'junior' },
        { ...m('杨小妹', 'none'), schooling: 'preschool' },
        { ...m('杨爷爷', 'none'), schooling: 'none', skill: 'no', work: 'none' },
      ],
    });
    const by = Object.fromEntries(s.household.map((x) => [x.batch, x]));
    expect(by.education).toEqual({ batch: 'education', reasons: ['杨俊杰 在读初中', '杨小妹 在读学前教育'], members: ['杨俊杰', '杨小妹'] });
    expect(by.production_employment).toEqual({ batch: 'production_employment', reasons: ['杨国强 有劳动能力、有技能（电焊）', '罗春花 外出务工（浙江宁波）'], members: ['杨国强', '罗春花'] });
    expect(by.minimum_living).toEqual({ batch: 'minimum_living', reasons: ['享受低保'], members: ['杨国强', '罗春花', '杨俊杰', '杨小妹', '杨爷爷'] });
    expect(s.members.find((x) => x.name === '杨爷爷')!.batches).toEqual(['minimum_living']);
    // 特困 alone, and none of the data: nothing from it
    expect(suggestBatches({ housing: 'safe', zone: 'normal', extremePoverty: 'yes', members: [m('a', 'able')] }).household.find((x) => x.batch === 'minimum_living')!.reasons).toEqual(['特困供养']);
    const plain = suggestBatches({ housing: 'safe', zone: 'normal', minimumLiving: 'no', extremePoverty: 'no', members: [{ ...m('a', 'able'), schooling: 'none', skill: 'no', work: 'none' }] });
    expect(plain.household).toEqual([{ batch: 'production_employment', reasons: ['a有劳动能力'], members: ['a'] }]);
  });

  it('treats a grade 1-2 disability and severe mental illness as minimum living, a grade 3-4 disability as medical only', () => {
    const s = suggestBatches({
      housing: 'safe',
      zone: 'normal',
      members: [m('甲', 'able'), m('乙', 'none', 'disabled', '2'), m('丙', 'weak', 'disabled', '3'), m('丁', 'none', 'severe_mental')],
    });
    const by = Object.fromEntries(s.household.map((x) => [x.batch, x]));
    expect(by.medical!.reasons).toEqual(['乙 二级残疾', '丙 三级残疾', '丁 重度精神病']);
    expect(by.minimum_living!.reasons).toEqual(['乙 二级残疾', '丁 重度精神病']);
    expect(by.minimum_living!.members).toEqual(['乙', '丁']);
  });

  it('puts the whole household under minimum living when nobody is able to work', () => {
    const s = suggestBatches({ housing: 'safe', zone: 'normal', members: [m('老人', 'none'), m('老伴', 'weak')] });
    expect(s.household.map((x) => x.batch)).toEqual(['minimum_living']);
    expect(s.household[0]!.reasons).toEqual(['家中无劳动能力成员']);
    expect(s.members.every((x) => x.batches.includes('minimum_living'))).toBe(true);
  });

  it('suggests nothing for a safe, healthy household without signals and never the extra batches', () => {
    const s = suggestBatches({ housing: 'safe', zone: 'normal', members: [m('a', 'able'), m('b', 'able')] });
    expect(s.household.map((x) => x.batch)).toEqual(['production_employment']);
    expect(s.household[0]!.reasons).toEqual(['a、b有劳动能力']);
    const many = suggestBatches({ housing: 'safe', zone: 'normal', members: ['一', '二', '三', '四'].map((n) => m(n, 'able')) });
    expect(many.household[0]!.reasons).toEqual(['一、二、三 等 4 人有劳动能力']);
  });
});

describe('batchCounts', () => {
  it('counts 户数, 户内人口 and 逐人分类 separately: a member without own labels is in 户内人口 only', () => {
    const c = batchCounts([
      // household in two batches; one member only medical, the others inherit both
      { batches: ['production_employment', 'medical'], members: [{ batches: ['medical'] }, { batches: [] }, { batches: [] }] },
      // member-level relocation on top of the household's
      { batches: ['relocation'], members: [{ batches: ['relocation', 'education'] }] },
      { batches: [], members: [{ batches: [] }] },
    ]);
    expect(c.households).toBe(3);
    expect(c.persons).toBe(5);
    expect(c.classifiedHouseholds).toBe(2);
    expect(c.byHousehold).toMatchObject({ production_employment: 1, medical: 1, relocation: 1, education: 0 });
    // 户内人口: every member of the batch's households
    expect(c.inHouseholds).toMatchObject({ production_employment: 3, medical: 3, relocation: 1, education: 0 });
    // 逐人分类: only members with the label of their own
    expect(c.individually).toMatchObject({ production_employment: 0, medical: 1, relocation: 1, education: 1 });
  });

  it('one disabled member of six under 医疗救助: 1 户, 户内人口 6 人, 逐人分类 1 人', () => {
    const c = batchCounts([{ batches: ['medical'], members: [{ batches: ['medical'] }, ...Array.from({ length: 5 }, () => ({ batches: [] }))] }]);
    expect([c.byHousehold.medical, c.inHouseholds.medical, c.individually.medical]).toEqual([1, 6, 1]);
  });
});
