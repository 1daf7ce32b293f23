import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findPerson,
  findVillage,
  formatJsonPath,
  loadTownshipFile,
  parseJsonText,
  parseRole,
  parseTownship,
  ROLE_KEYS,
  type Township,
} from '../../src/township/schema';

const EXAMPLE = join(import.meta.dirname, '../../examples/township.json');

/** A small valid township; tests mutate a fresh copy. */
function minimal() {
  return {
    township: { code: 'qingshui', name: '清水乡', county: '某县' },
    campaign: { year: 2026 },
    chats: { leaders: 'oc_leaders01', inspectors: 'oc_inspectors01' },
    villages: [
      { name: '石门村', poor: true, chatId: 'oc_shimen01', areaLeader: 'yang', packageCadre: '王磊', firstSecretary: '马超' },
      { name: '清水村', poor: false, packageCadre: '王磊' },
    ],
    people: [
      { key: 'zhou', name: '周建华', openId: 'ou_0001', roles: [{ role: 'office' }] },
      { key: 'yang', name: '杨国平', openId: 'ou_0002', roles: [{ role: 'leader' }] },
      { name: '陈静', email: 'chenjing@example.cn', roles: [{ role: 'inspector' }] },
      {
        name: '王磊',
        mobile: '13800000001',
        roles: [
          { role: 'package_cadre', village: '石门村' },
          { role: 'package_cadre', village: '清水村' },
        ],
        partyMember: true,
      },
      { name: '马超', openId: 'ou_0005', roles: [{ role: 'first_secretary', village: '石门村' }], department: '县交通局' },
      { name: '杨光明', openId: 'ou_0006', roles: [{ role: 'village_cadre', village: '石门村' }, { role: 'helper', village: '石门村' }], partyMember: true },
    ],
  };
}

type Doc = ReturnType<typeof minimal>;

function errorsOf(mutate: (d: Doc & Record<string, any>) => void): string[] {
  const d = minimal() as Doc & Record<string, any>;
  mutate(d);
  const r = parseTownship(d);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

describe('examples/township.json', () => {
  it('parses without errors or warnings', async () => {
    const r = await loadTownshipFile(EXAMPLE);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.warnings).toEqual([]);
    const t = r.value;
    expect(t.township).toEqual({ code: 'qingshui', name: '清水乡', county: '某县' });
    expect(t.campaign.year).toBe(2026);
    expect(t.chats?.leaders).toMatch(/^oc_[0-9a-f]{32}$/);
    expect(t.chats?.inspectors).toMatch(/^oc_[0-9a-f]{32}$/);
  });

  it('has 3 poor and 4 other villages, each with a chat, a package cadre and an area leader', async () => {
    const r = await loadTownshipFile(EXAMPLE);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const t = r.value;
    expect(t.villages.filter((v) => v.poor)).toHaveLength(3);
    expect(t.villages.filter((v) => !v.poor)).toHaveLength(4);
    for (const v of t.villages) {
      expect(v.chatId, v.name).toMatch(/^oc_[0-9a-f]{32}$/);
      expect(findPerson(t, v.packageCadre ?? '')?.roles.some((x) => x.role === 'package_cadre' && x.village === v.name)).toBe(true);
      expect(findPerson(t, v.areaLeader ?? '')?.roles.some((x) => x.role === 'leader')).toBe(true);
      if (v.poor) {
        expect(findPerson(t, v.firstSecretary ?? '')?.roles.some((x) => x.role === 'first_secretary' && x.village === v.name)).toBe(true);
        expect(v.assistingDepartment).toBeTruthy();
      }
      const cadres = t.people.filter((p) => p.roles.some((x) => x.role === 'village_cadre' && x.village === v.name));
      expect(cadres.length, v.name).toBeGreaterThanOrEqual(1);
      expect(cadres.length, v.name).toBeLessThanOrEqual(2);
    }
  });

  it('covers every role, with ~20 party-member helpers, non-party members and mobile-only people', async () => {
    const r = await loadTownshipFile(EXAMPLE);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const t = r.value;
    const withRole = (role: string) => t.people.filter((p) => p.roles.some((x) => x.role === role));
    for (const role of ROLE_KEYS) expect(withRole(role).length, role).toBeGreaterThan(0);
    expect(withRole('office')).toHaveLength(2);
    expect(withRole('leader')).toHaveLength(2);
    expect(withRole('inspector')).toHaveLength(2);
    // each leader heads some villages
    for (const leader of withRole('leader')) {
      expect(t.villages.some((v) => findPerson(t, v.areaLeader ?? '') === leader), leader.name).toBe(true);
    }
    const helpers = withRole('helper');
    expect(helpers.length).toBeGreaterThanOrEqual(18);
    expect(helpers.every((p) => p.partyMember === true)).toBe(true);
    expect(t.people.filter((p) => p.partyMember === false).length).toBeGreaterThanOrEqual(2);
    const mobileOnly = t.people.filter((p) => p.openId === undefined && p.email === undefined);
    expect(mobileOnly.length).toBeGreaterThanOrEqual(1);
    expect(mobileOnly.every((p) => /^1\d{10}$/.test(p.mobile ?? ''))).toBe(true);
    for (const p of t.people) if (p.openId) expect(p.openId).toMatch(/^ou_[0-9a-f]{32}$/);
  });
});

describe('parseTownship: shape', () => {
  it('accepts a minimal township and keeps absent settings absent', () => {
    const r = parseTownship(minimal());
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.warnings).toEqual([]);
    expect(r.value.campaign).toEqual({ year: 2026 });
    expect(r.value.people[3].mobile).toBe('13800000001');
  });

  it('names the path of an empty village name', () => {
    const errors = errorsOf((d) => {
      d.villages.push({ name: '  ', poor: false } as any);
    });
    expect(errors).toContain('villages[2].name: 村名不能为空');
  });

  it('requires one of openId, mobile or email', () => {
    const errors = errorsOf((d) => {
      d.people[0] = { name: '周建华', roles: [{ role: 'office' }] } as any;
    });
    expect(errors).toEqual(['people[0]: 需要 openId、mobile 或 email 之一']);
  });

  it('checks openId, mobile, email, chat id and date formats', () => {
    const errors = errorsOf((d) => {
      d.people[0].openId = 'on_123';
      (d.people[3] as any).mobile = '1380000000';
      (d.people[2] as any).email = 'not-an-email';
      d.villages[0].chatId = 'chat1';
      (d.campaign as any).deadlines = { village_evaluation: '2026-02-30' };
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'people[0].openId: openId 应以 ou_ 开头，如 ou_a1b2c3…',
        'people[3].mobile: 手机号应为 11 位数字（以 1 开头）',
        'people[2].email: 邮箱格式不正确',
        expect.stringMatching(/^villages\[0\]\.chatId: 群 ID 应以 oc_ 开头/),
        'campaign.deadlines.village_evaluation: 日期应为 YYYY-MM-DD 格式的真实日期，如 2026-12-10',
      ]),
    );
  });

  it('normalises mobiles written with +86, spaces or as a number', () => {
    const d = minimal();
    (d.people[3] as any).mobile = '+86 138-0000-0001';
    (d.people[2] as any).mobile = 13800000002;
    const r = parseTownship(d);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.value.people[3].mobile).toBe('13800000001');
    expect(r.value.people[2].mobile).toBe('13800000002');
  });

  it('reports missing fields, wrong types and unknown keys in Chinese', () => {
    const errors = errorsOf((d) => {
      delete (d as any).township.county;
      (d.campaign as any).year = '2026';
      (d.villages[1] as any).poor = 'yes';
      (d as any).villagers = [];
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'township.county: 缺少必填字段',
        'campaign.year: 应为数字，实际是文字',
        'villages[1].poor: poor 应为 true（贫困村）或 false',
        '未知字段 villagers（请检查拼写）',
      ]),
    );
  });

  it('refuses unknown roles and accepts Chinese role names', () => {
    const bad = errorsOf((d) => {
      (d.people[0].roles[0] as any).role = 'boss';
    });
    expect(bad[0]).toMatch(/^people\[0\]\.roles\[0\]\.role: 角色应为 office（乡扶贫办）、/);

    const d = minimal();
    (d.people[0].roles[0] as any).role = '乡扶贫办';
    (d.people[4].roles[0] as any).role = '第一书记';
    const r = parseTownship(d);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.value.people[0].roles[0].role).toBe('office');
    expect(r.value.people[4].roles[0].role).toBe('first_secretary');
    expect(parseRole('帮扶责任人')).toBe('helper');
    expect(parseRole('nobody')).toBeNull();
  });

  it('checks campaign numbers', () => {
    const errors = errorsOf((d) => {
      Object.assign(d.campaign, { noticeMinDays: 0, helperMaxHouseholds: 2.5, reminderOffsets: [2, -1] });
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'campaign.noticeMinDays: 公示最少天数应在 1 到 60 之间',
        'campaign.helperMaxHouseholds: 每名帮扶责任人最多帮扶户数应为整数',
        'campaign.reminderOffsets[1]: 提醒提前天数应在 0 到 60 之间',
      ]),
    );
  });

  it('refuses a non-object and an empty village list', () => {
    const r = parseTownship('hello');
    expect(r).toEqual({ ok: false, errors: ['应为对象 {…}，实际是文字'] });
    expect(errorsOf((d) => (d.villages = []))).toContain('villages: 至少需要一个村');
  });
});

describe('parseTownship: cross-field rules', () => {
  it('village names are unique', () => {
    const errors = errorsOf((d) => d.villages.push({ name: '石门村', poor: false } as any));
    expect(errors).toEqual(['villages[2].name: 村名“石门村”重复（与 villages[0] 相同）']);
  });

  it('roles refer to existing villages', () => {
    const errors = errorsOf((d) => ((d.people[5].roles[1] as any).village = '石门'));
    expect(errors).toEqual(['people[5].roles[1].village: 村“石门”不存在（villages 中没有这个村）']);
  });

  it('village-scoped roles need a village', () => {
    const errors = errorsOf((d) => d.people[5].roles.push({ role: 'village_cadre' } as any));
    expect(errors).toEqual(['people[5].roles[2]: village_cadre（村干部）角色需要指定 village']);
  });

  it('referenced people exist (by name or key) and hold the matching role', () => {
    const errors = errorsOf((d) => {
      d.villages[0].areaLeader = '杨某';
      d.villages[1].packageCadre = '马超';
    });
    expect(errors).toEqual([
      'villages[0].areaLeader: 找不到人员“杨某”（应为 people 中某人的 name 或 key）',
      'villages[1].packageCadre: 马超 没有 清水村 的 package_cadre（驻村干部）角色，请在 people[4].roles 中加上',
    ]);
    const r = parseTownship(minimal());
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(findPerson(r.value, 'yang')?.name).toBe('杨国平');
    expect(findPerson(r.value, '马超')?.key).toBeUndefined();
    expect(findVillage(r.value, ' 清水村 ')?.poor).toBe(false);
  });

  it('names, keys, openIds, mobiles and chats are unique', () => {
    const errors = errorsOf((d) => {
      d.people.push({ key: 'yang', name: '周建华', openId: 'ou_0001', mobile: '13800000001', roles: [{ role: 'helper' }] } as any);
      (d.villages[1] as any).chatId = 'oc_leaders01';
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^people\[6\]\.name: 姓名“周建华”重复（与 people\[0\] 相同）/),
        'people[6].key: key“yang”重复（与 people[1] 相同）',
        'people[6].openId: openId 重复（与 people[0] 相同）',
        'people[6].mobile: 手机号 13800000001 重复（与 people[3] 相同）',
        'villages[1].chatId: 群 oc_leaders01 已用于 chats.leaders，一个群只能绑定一处',
      ]),
    );
  });

  it('deadlines are in stage order, also against the template defaults', () => {
    const swapped = errorsOf((d) => {
      (d.campaign as any).deadlines = { township_review: '2026-12-19', county_report: '2026-12-18' };
    });
    expect(swapped).toEqual([
      'campaign.deadlines.county_report: 「上报县扶贫移民局，乡扶贫办存档」截止日期 2026-12-18 早于上一阶段「乡政府办公会审核并公示」截止日期 2026-12-19，截止日期须按阶段先后排列',
    ]);
    const againstDefault = errorsOf((d) => {
      (d.campaign as any).deadlines = { village_evaluation: '2026-12-09' };
    });
    expect(againstDefault[0]).toMatch(/^campaign\.deadlines\.village_evaluation: .*2026-12-09 早于.*2026-12-10（默认）/);
    const endBeforeStart = errorsOf((d) => Object.assign(d.campaign, { start: '2026-12-08', end: '2026-12-01' }));
    expect(endBeforeStart).toContain('campaign.end: 结束日期 2026-12-01 早于开始日期 2026-12-08');

    const d = minimal();
    Object.assign(d.campaign, {
      year: 2027,
      start: '2027-11-20',
      end: '2027-12-05',
      deadlines: { qualification_review: '2027-11-25', village_evaluation: '2027-12-01', township_review: '2027-12-03', county_report: '2027-12-05' },
    });
    expect(parseTownship(d).ok).toBe(true);
  });

  it('warns (without failing) about a helper who is not a party member and a missing office', () => {
    const d = minimal();
    d.people[5].partyMember = false;
    d.people[0].roles = [{ role: 'helper' }];
    const r = parseTownship(d);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.warnings).toEqual([
      'people[5]: 杨光明 不是党员：帮扶责任人原则上由党员干部担任',
      'people: 没有 office（乡扶贫办）人员，无人能导入数据、绑定群和配置复核工作',
    ]);
  });
});

describe('loadTownshipFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'township-'));

  it('reports bad JSON with file, line and column', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{\n  "township": { "code": "x", "name": "a", "county": "b" },\n  "villages": [],\n}\n');
    const r = await loadTownshipFile(file);
    expect(r).toEqual({ ok: false, errors: [`${file} 第 3 行第 17 列: JSON 格式错误：最后一项后面多了逗号`] });
  });

  it('points at Chinese punctuation', async () => {
    const file = join(dir, 'cn.json');
    writeFileSync(file, '{\n  "township"：{}\n}');
    const r = await loadTownshipFile(file);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toBe(`${file} 第 2 行第 13 列: JSON 格式错误：使用了中文冒号“：”，应为英文冒号 :`);
  });

  it('reports a missing file', async () => {
    const file = join(dir, 'nope.json');
    expect(await loadTownshipFile(file)).toEqual({ ok: false, errors: [`${file}: 找不到文件`] });
  });

  it('prefixes validation errors with the file and accepts a UTF-8 BOM', async () => {
    const file = join(dir, 'bom.json');
    const doc = minimal();
    doc.villages[0].name = '';
    writeFileSync(file, `\uFEFF${JSON.stringify(doc, null, 2)}`);
    const r = await loadTownshipFile(file);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toBe(`${file}: villages[0].name: 村名不能为空`);

    const good = join(dir, 'good.json');
    writeFileSync(good, `\uFEFF${readFileSync(EXAMPLE, 'utf8')}`);
    const ok = await loadTownshipFile(good);
    expect(ok.ok && (ok.value as Township).villages).toHaveLength(7);
  });
});

describe('parseJsonText / formatJsonPath', () => {
  it.each([
    ['{"a": 1 "b": 2}', 1, 9, '上一项后面缺少逗号 ,'],
    ['[1, 2,]', 1, 6, '最后一项后面多了逗号'],
    ["{'a': 1}", 1, 2, '字符串须用英文双引号 "，不能用单引号'],
    ['{\n  // note\n  "a": 1}', 2, 3, 'JSON 中不能写注释'],
    ['{"a": "x', 1, 7, '字符串没有结束（缺少右引号 "）'],
    ['{"a": yes}', 1, 7, '无法识别“yes”：文字须加英文双引号，布尔值写 true / false'],
    ['{a: 1}', 1, 2, '字段名须加英文双引号'],
    ['{"a": 1}}', 1, 9, 'JSON 已结束，后面还有多余的内容'],
    ['  ', 1, 1, '文件为空'],
    ['{"a": [1,', 1, 10, '文件意外结束（缺少 } 或 ]？）'],
  ])('%j fails at %i:%i', (input, lineNo, column, reason) => {
    expect(parseJsonText(input)).toEqual({ ok: false, line: lineNo, column, reason: `JSON 格式错误：${reason}` });
  });

  it('formats paths', () => {
    expect(formatJsonPath(['villages', 2, 'name'])).toBe('villages[2].name');
    expect(formatJsonPath([])).toBe('');
    expect(formatJsonPath(['a', 'b-c'])).toBe('a["b-c"]');
  });
});

describe('parseTownship: every error in one pass', () => {
  it('reports the checks across entries beside shape errors', () => {
    const errors = errorsOf((d) => {
      d.people[2].email = 'not-an-email'; // shape
      d.people[5].name = '周建华'; // duplicate name (the entry itself fits)
      d.villages[1].packageCadre = '不存在的人'; // unknown reference
      (d.people as unknown[]).push({ name: '李四', roles: [{ role: 'helper', village: '石门村' }] }); // no contact: shape
      (d.villages as unknown[]).push({ name: '石门村', poor: 'yes' }); // shape, and a duplicate village name
    });
    expect(errors).toContain('people[2].email: 邮箱格式不正确');
    expect(errors.some((e) => e.startsWith('people[6]') && e.includes('需要 openId、mobile 或 email 之一'))).toBe(true);
    expect(errors.some((e) => e.startsWith('villages[2].poor'))).toBe(true);
    expect(errors).toContain('people[5].name: 姓名“周建华”重复（与 people[0] 相同）；同名的人请在姓名后加以区分，如“周建华（石门村）”');
    expect(errors).toContain('villages[1].packageCadre: 找不到人员“不存在的人”（应为 people 中某人的 name 或 key）');
    // an entry wrong in its shape still takes part in the checks across entries (its name is)
    expect(errors).toContain('villages[2].name: 村名“石门村”重复（与 villages[0] 相同）');
    expect(errors).toHaveLength(6);
  });

  it('still resolves a reference to a person whose own entry is wrong, without guessing their roles', () => {
    const errors = errorsOf((d) => {
      d.people[3].mobile = '123'; // 王磊, referenced by both villages
    });
    expect(errors).toEqual(['people[3].mobile: 手机号应为 11 位数字（以 1 开头）']);
  });

  it('checks campaign dates only when the campaign itself reads', () => {
    const errors = errorsOf((d) => {
      (d as Record<string, unknown>).campaign = { year: 2026, deadlines: { qualification_review: '2026-12-20', village_evaluation: '2026-12-10' } };
      d.people[0].openId = 'bad';
    });
    expect(errors.some((e) => e.startsWith('people[0].openId'))).toBe(true);
    expect(errors.some((e) => e.startsWith('campaign.deadlines.village_evaluation') && e.includes('早于上一阶段'))).toBe(true);
  });
});
