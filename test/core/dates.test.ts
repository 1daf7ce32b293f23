import { describe, it, expect } from 'vitest';
import {
  addDays,
  cstDate,
  cstMidnightUtc,
  cstTime,
  daysBetween,
  formatCn,
  isValidCalendarDate,
  parseCalendarDate,
} from '../../src/core/dates';

describe('cstDate / cstTime', () => {
  it('23:30 UTC is already the next day in China', () => {
    const now = new Date('2026-12-07T23:30:00Z');
    expect(cstDate(now)).toBe('2026-12-08');
    expect(cstTime(now)).toEqual({ date: '2026-12-08', hour: 7, minute: 30 });
  });

  it('15:59 UTC is still the same CST day, 16:00 UTC is the next', () => {
    expect(cstDate(new Date('2026-12-08T15:59:59Z'))).toBe('2026-12-08');
    expect(cstDate(new Date('2026-12-08T16:00:00Z'))).toBe('2026-12-09');
  });

  it('crosses the year boundary', () => {
    expect(cstDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(cstTime(new Date('2026-12-31T17:05:00Z'))).toEqual({ date: '2027-01-01', hour: 1, minute: 5 });
  });

  it('does not depend on the process time zone', () => {
    // The suite is also run with TZ=America/New_York and TZ=UTC; these values are fixed.
    const now = new Date(Date.UTC(2026, 11, 8, 1, 5));
    expect(cstTime(now)).toEqual({ date: '2026-12-08', hour: 9, minute: 5 });
    expect(cstMidnightUtc('2026-12-08').toISOString()).toBe('2026-12-07T16:00:00.000Z');
  });

  it('rejects an invalid Date', () => {
    expect(() => cstDate(new Date('nonsense'))).toThrow(RangeError);
  });
});

describe('cstMidnightUtc', () => {
  it('is the instant CST starts the day, and maps back to the same date', () => {
    const m = cstMidnightUtc('2026-03-01');
    expect(m.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(cstDate(m)).toBe('2026-03-01');
    expect(cstDate(new Date(m.getTime() - 1))).toBe('2026-02-28');
  });
});

describe('addDays / daysBetween', () => {
  it('crosses month and year ends', () => {
    expect(addDays('2026-11-28', 7)).toBe('2026-12-05');
    expect(addDays('2026-12-28', 6)).toBe('2027-01-03');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-12-08', 0)).toBe('2026-12-08');
  });

  it('counts b - a in whole days', () => {
    expect(daysBetween('2026-12-08', '2026-12-10')).toBe(2);
    expect(daysBetween('2026-12-10', '2026-12-08')).toBe(-2);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
  });

  it('refuses malformed input instead of guessing', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2026-12-08', 1.5)).toThrow(RangeError);
    expect(() => daysBetween('12-08', '2026-12-08')).toThrow(RangeError);
  });
});

describe('isValidCalendarDate', () => {
  it('accepts only real dates in YYYY-MM-DD form', () => {
    expect(isValidCalendarDate('2026-12-08')).toBe(true);
    expect(isValidCalendarDate('2028-02-29')).toBe(true);
    expect(isValidCalendarDate('2026-02-29')).toBe(false);
    expect(isValidCalendarDate('2100-02-29')).toBe(false);
    expect(isValidCalendarDate('2000-02-29')).toBe(true);
    expect(isValidCalendarDate('2026-04-31')).toBe(false);
    expect(isValidCalendarDate('2026-13-01')).toBe(false);
    expect(isValidCalendarDate('2026-12-8')).toBe(false);
    expect(isValidCalendarDate(' 2026-12-08')).toBe(false);
    expect(isValidCalendarDate(20261208)).toBe(false);
  });
});

describe('parseCalendarDate', () => {
  it.each([
    ['2026-12-08', '2026-12-08'],
    ['2026/12/8', '2026-12-08'],
    ['2026.12.8', '2026-12-08'],
    ['2026年12月8日', '2026-12-08'],
    ['12-08', '2026-12-08'],
    ['12/8', '2026-12-08'],
    ['12.8', '2026-12-08'],
    ['12月8日', '2026-12-08'],
    ['12月8号', '2026-12-08'],
    ['12月8', '2026-12-08'],
    [' 12月 8日 ', '2026-12-08'],
    ['１２月８日', '2026-12-08'],
    ['2027-01-03', '2027-01-03'],
  ])('%s → %s', (input, expected) => {
    expect(parseCalendarDate(input, 2026)).toBe(expected);
  });

  it.each(['02-30', '2026-02-30', '13月1日', '0.5', '12-32', '2026/12-08', '明天', '', '12', '2026-12'])(
    '%s is null',
    (input) => {
      expect(parseCalendarDate(input, 2026)).toBeNull();
    },
  );

  it('needs a year from somewhere', () => {
    expect(parseCalendarDate('12-08')).toBeNull();
    expect(parseCalendarDate('12月8日')).toBeNull();
    expect(parseCalendarDate('2026-12-08')).toBe('2026-12-08');
    expect(parseCalendarDate('02-29', 2028)).toBe('2028-02-29');
    expect(parseCalendarDate('02-29', 2026)).toBeNull();
  });
});

describe('formatCn', () => {
  it('drops leading zeros and the year', () => {
    expect(formatCn('2026-12-08')).toBe('12月8日');
    expect(formatCn('2027-01-10')).toBe('1月10日');
  });
});
