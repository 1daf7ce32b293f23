import { describe, expect, it } from 'vitest';
import {
  idCardCheckChar,
  isValidIdCard,
  makeIdCard,
  maskIdCard,
  maskIdsInText,
  validateIdCard,
} from '../../src/core/idcard';

const TODAY = { today: '2026-12-01' };

describe('makeIdCard / idCardCheckChar', () => {
  it('reproduces the check digit of the published GB 11643 example', () => {
    // The standard's worked example: 11010519491231002X
    expect(idCardCheckChar('11010519491231002')).toBe('X');
    expect(makeIdCard('110105', '19491231', '002')).toBe('11010519491231002X');
  });

  it('pads numeric sequence numbers and accepts YYYY-MM-DD birth dates', () => {
    const id = makeIdCard('522630', '1985-03-07', 7);
    expect(id).toHaveLength(18);
    expect(id.slice(0, 17)).toBe('52263019850307007');
    expect(validateIdCard(id, TODAY).ok).toBe(true);
  });

  it('refuses malformed parts', () => {
    expect(() => makeIdCard('52263', '19850307', '001')).toThrow();
    expect(() => makeIdCard('522630', '198503', '001')).toThrow();
    expect(() => makeIdCard('522630', '19850307', '1234')).toThrow();
    expect(() => idCardCheckChar('123')).toThrow();
  });
});

describe('validateIdCard', () => {
  it('accepts valid numbers and decodes birth date, gender and region', () => {
    const male = makeIdCard('522630', '19780516', '013');
    const r = validateIdCard(male, TODAY);
    expect(r).toEqual({
      ok: true,
      id: male,
      birthDate: '1978-05-16',
      gender: 'male',
      region: '522630',
      province: '贵州省',
    });

    const female = makeIdCard('110101', '20000229', '024');
    const f = validateIdCard(female, TODAY);
    expect(f.ok && f.gender).toBe('female');
    expect(f.ok && f.birthDate).toBe('2000-02-29');
  });

  it('accepts every province code in the list, including 71, 81 and 82', () => {
    for (const p of ['11', '15', '21', '23', '31', '37', '41', '46', '50', '54', '61', '65', '71', '81', '82']) {
      const id = makeIdCard(`${p}0102`, '19900101', '001');
      expect(validateIdCard(id, TODAY).ok, p).toBe(true);
    }
  });

  it('accepts lower-case x and surrounding whitespace, returning the normalised number', () => {
    const id = makeIdCard('110105', '19491231', '002');
    expect(id.endsWith('X')).toBe(true);
    const r = validateIdCard(`  ${id.toLowerCase()}\t`, TODAY);
    expect(r.ok).toBe(true);
    expect(r.ok && r.id).toBe(id);
  });

  it('reports the wrong length', () => {
    const id = makeIdCard('522630', '19780516', '013');
    expect(validateIdCard(id.slice(0, 17), TODAY)).toEqual({
      ok: false,
      reason: '身份证号应为 18 位，实际 17 位',
    });
    expect(validateIdCard(`${id}1`, TODAY)).toEqual({ ok: false, reason: '身份证号应为 18 位，实际 19 位' });
    const old = validateIdCard('522630780516013', TODAY);
    expect(old.ok).toBe(false);
    expect(!old.ok && old.reason).toMatch(/^身份证号应为 18 位，实际 15 位/);
    expect(validateIdCard('   ', TODAY)).toEqual({ ok: false, reason: '身份证号不能为空' });
  });

  it('reports characters other than digits and a final X', () => {
    const r = validateIdCard('52263019780516O13X', TODAY);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain('17 位数字');
    expect(validateIdCard('5226301978051601X3', TODAY).ok).toBe(false);
  });

  it('reports a bad check digit with the expected one', () => {
    const id = makeIdCard('522630', '19780516', '013');
    const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(validateIdCard(wrong, TODAY)).toEqual({ ok: false, reason: `校验位错误（应为 ${id[17]}）` });
  });

  it('reports a birth date that does not exist (Feb 30, month 13, Feb 29 in a non-leap year)', () => {
    const feb30 = makeIdCard('522630', '19900230', '011');
    expect(validateIdCard(feb30, TODAY)).toEqual({ ok: false, reason: '出生日期 19900230 不存在' });
    expect(validateIdCard(makeIdCard('522630', '19901301', '011'), TODAY)).toEqual({
      ok: false,
      reason: '出生日期 19901301 不存在',
    });
    expect(validateIdCard(makeIdCard('522630', '19000229', '011'), TODAY)).toEqual({
      ok: false,
      reason: '出生日期 19000229 不存在',
    });
  });

  it('reports birth dates before 1900 or after today', () => {
    const r1899 = validateIdCard(makeIdCard('522630', '18991231', '011'), TODAY);
    expect(!r1899.ok && r1899.reason).toBe('出生日期 18991231 早于 1900 年');
    const future = validateIdCard(makeIdCard('522630', '20261202', '011'), TODAY);
    expect(!future.ok && future.reason).toBe('出生日期 20261202 晚于今天');
    // born today is fine
    expect(validateIdCard(makeIdCard('522630', '20261201', '011'), TODAY).ok).toBe(true);
    // today given as a Date uses the China Standard Time calendar day:
    // 2026-12-01T17:00Z is already 12-02 in Shanghai
    const bornDec2 = makeIdCard('522630', '20261202', '011');
    expect(validateIdCard(bornDec2, { today: new Date('2026-12-01T17:00:00Z') }).ok).toBe(true);
    expect(validateIdCard(bornDec2, { today: new Date('2026-12-01T15:00:00Z') }).ok).toBe(false);
  });

  it('reports region codes with an unknown province', () => {
    expect(validateIdCard(makeIdCard('000000', '19900101', '011'), TODAY)).toEqual({
      ok: false,
      reason: '地区码 000000 无效',
    });
    for (const p of ['10', '16', '20', '24', '30', '38', '40', '47', '49', '55', '60', '66', '70', '72', '80', '83', '91', '99']) {
      const r = validateIdCard(makeIdCard(`${p}0101`, '19900101', '011'), TODAY);
      expect(r, p).toEqual({ ok: false, reason: `地区码 ${p}0101 无效` });
    }
  });

  it('isValidIdCard mirrors validateIdCard', () => {
    expect(isValidIdCard(makeIdCard('522630', '19780516', '013'), TODAY)).toBe(true);
    expect(isValidIdCard(makeIdCard('522630', '19900230', '013'), TODAY)).toBe(false);
  });
});

describe('maskIdCard', () => {
  it('keeps the first 6 and last 4 characters only', () => {
    const id = makeIdCard('110105', '19491231', '002');
    expect(maskIdCard(id)).toBe('110105********002X');
    expect(maskIdCard(id.toLowerCase())).toBe('110105********002X');
    expect(maskIdCard('110105491231002')).toBe('110105********1002');
  });

  it('never reveals more than 10 characters, and hides short input entirely', () => {
    const long = '1234567890123456789012';
    const masked = maskIdCard(long);
    expect(masked.replace(/\*/g, '')).toHaveLength(10);
    expect(maskIdCard('12345')).toBe('********');
    expect(maskIdCard('')).toBe('********');
  });
});

describe('maskIdsInText', () => {
  const a = makeIdCard('522630', '19780516', '013');
  const x = makeIdCard('110105', '19491231', '002');

  it('masks 18-character IDs anywhere in Chinese text', () => {
    const text = `户主张三（身份证${a}）与其妻李四${x.toLowerCase()}，已核实。`;
    const out = maskIdsInText(text);
    expect(out).toBe(`户主张三（身份证522630********${a.slice(-4)}）与其妻李四110105********002X，已核实。`);
    expect(out).not.toContain(a);
    expect(out.toUpperCase()).not.toContain(x);
  });

  it('masks 15-digit old IDs, grouped IDs and mistyped IDs one digit short', () => {
    expect(maskIdsInText('旧证 110105491231002 已换')).toBe('旧证 110105********1002 已换');
    expect(maskIdsInText(`号码 ${a.slice(0, 6)} ${a.slice(6, 14)} ${a.slice(14)} 有误`)).toBe(
      `号码 522630********${a.slice(-4)} 有误`,
    );
    expect(maskIdsInText(`输入的 ${a.slice(0, 17)} 少一位`)).toBe(`输入的 522630********${a.slice(13, 17)} 少一位`);
  });

  it('masks IDs at the start and end of the text and several in a row', () => {
    expect(maskIdsInText(`${a},${x}`)).toBe(`522630********${a.slice(-4)},110105********002X`);
  });

  it('leaves ordinary numbers, phone numbers, dates and Feishu ids alone', () => {
    const text =
      '电话 13800000000，2026-12-10 截止，共 1234567 人，<at user_id="ou_1234567890123456789abcdef0123456"></at> om_9876543210987654321';
    expect(maskIdsInText(text)).toBe(text);
    expect(maskIdsInText('')).toBe('');
  });

  it('masks a longer digit run too: it may be an ID number with a stray digit glued to it', () => {
    const id = makeIdCard('522630', '20010521', '822');
    expect(maskIdsInText(`“${id}76”不是有效的住房情况`)).toBe(`“522630********${id.slice(-2)}76”不是有效的住房情况`);
    expect(maskIdsInText('流水号 12345678901234567890')).toBe('流水号 123456********7890');
    expect(maskIdsInText('')).toBe('');
  });
});
