// The text form of `会议`: a household number written like a date (01-012, 3-12) is the
// household when its votes follow it, and a date otherwise.
import { describe, it, expect } from 'vitest';
import { parseMeetingText } from '../../src/bot/features/review-meetings';

const TODAY = '2026-12-10';

describe('会议: household numbers that look like dates', () => {
  it('reads 01-012 followed by its votes as the household, and the meeting dated today', () => {
    const d = parseMeetingText('村民代表大会 应到50 实到40 01-012 同意30 反对5', 2026, TODAY);
    expect(typeof d).not.toBe('string');
    if (typeof d === 'string') return;
    expect(d.applicants).toEqual([{ ref: '01-012', for: 30, against: 5 }]);
    expect(d.date).toBe(TODAY);
  });

  it('reads 3-12 with votes as a household and a later 12-09 as the date', () => {
    const d = parseMeetingText('村民大会 应到100 实到80 3-12 同意60 反对10 张三 同意50 反对20 12-09', 2026, TODAY);
    if (typeof d === 'string') throw new Error(d);
    expect(d.applicants.map((a) => a.ref)).toEqual(['3-12', '张三']);
    expect(d.date).toBe('2026-12-09');
  });

  it('still reads a date without votes after it as the date', () => {
    const d = parseMeetingText('村民大会 应到100 实到80 同意60 反对10 12-09', 2026, TODAY);
    if (typeof d === 'string') throw new Error(d);
    expect(d.applicants).toEqual([]);
    expect(d.date).toBe('2026-12-09');
  });

  it('refuses a date that is no date, in Chinese', () => {
    expect(parseMeetingText('村民大会 应到100 实到80 同意60 反对10 01-012', 2026, TODAY)).toMatch(/日期“01-012”无法识别/);
  });
});
