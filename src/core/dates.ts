/**
 * Calendar arithmetic in China Standard Time (UTC+8, no daylight saving).
 *
 * A calendar date is a 'YYYY-MM-DD' string. Such strings compare chronologically with
 * < and >, serialise without surprises and carry no time zone. Local-time getters
 * (getDate, getHours…) are never used: the result must not depend on the process TZ.
 */
export type CalendarDate = string;

const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in month `m` (1–12) of year `y`, Gregorian. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function fromParts(y: number, m: number, d: number): CalendarDate | null {
  if (!Number.isInteger(y) || y < 1000 || y > 9999) return null;
  if (!Number.isInteger(m) || m < 1 || m > 12) return null;
  if (!Number.isInteger(d) || d < 1 || d > daysInMonth(y, m)) return null;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** True for a real date written exactly as 'YYYY-MM-DD' (so '2026-02-30' is false). */
export function isValidCalendarDate(s: unknown): s is CalendarDate {
  if (typeof s !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m !== null && fromParts(Number(m[1]), Number(m[2]), Number(m[3])) === s;
}

/** Epoch ms of 00:00 UTC on the date: a day number in disguise, used only for arithmetic. */
function dayMs(d: CalendarDate): number {
  if (!isValidCalendarDate(d)) throw new RangeError(`invalid calendar date: ${String(d)}`);
  return Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
}

function fromDayMs(ms: number): CalendarDate {
  const t = new Date(ms);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Shift the instant so that its UTC fields read as CST wall-clock fields. */
function cstShifted(now: Date): Date {
  const ms = now.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return new Date(ms + CST_OFFSET_MS);
}

/** 2026-12-20 09:30 (China Standard Time) of an instant in ms; '' for none. */
export function cstDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return cstShifted(new Date(ms)).toISOString().replace('T', ' ').slice(0, 16);
}

/** 'YYYYMMDD-HHMMSS' in China Standard Time, for file names. */
export function cstStamp(now: Date): string {
  return cstShifted(now).toISOString().slice(0, 19).replace(/-|:/g, '').replace('T', '-');
}

/** The CST calendar date of an instant (23:30 UTC is already the next day in China). */
export function cstDate(now: Date): CalendarDate {
  return fromDayMs(cstShifted(now).getTime());
}

/** The CST calendar date and wall-clock hour/minute of an instant. */
export function cstTime(now: Date): { date: CalendarDate; hour: number; minute: number } {
  const t = cstShifted(now);
  return { date: fromDayMs(t.getTime()), hour: t.getUTCHours(), minute: t.getUTCMinutes() };
}

/** The instant at which the CST day begins (00:00 CST = 16:00 UTC the day before). */
export function cstMidnightUtc(d: CalendarDate): Date {
  return new Date(dayMs(d) - CST_OFFSET_MS);
}

export function addDays(d: CalendarDate, n: number): CalendarDate {
  if (!Number.isInteger(n)) throw new RangeError(`addDays needs whole days, got ${n}`);
  return fromDayMs(dayMs(d) + n * DAY_MS);
}

/** b - a in whole calendar days (positive when b is later). */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return Math.round((dayMs(b) - dayMs(a)) / DAY_MS);
}

/** '2026-12-08' → '12月8日' (the year is implied by the campaign). */
export function formatCn(d: CalendarDate): string {
  dayMs(d); // validates
  return `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
}

/** Full-width digits and separators, as typed on Chinese phone keyboards, to ASCII. */
function toHalfWidth(s: string): string {
  return s.replace(/[\uff10-\uff19\uff0d\uff0f\uff0e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * Parse a date as users type it: '2026-12-08', '2026/12/8', '2026.12.8', '2026年12月8日',
 * '12-08', '12/8', '12.8', '12月8日' (or 号). Without a year, `defaultYear` is used; with
 * neither, or for an impossible date such as 02-30, the result is null.
 */
export function parseCalendarDate(input: string, defaultYear?: number): CalendarDate | null {
  const s = toHalfWidth(input.trim()).replace(/\s+/g, '');
  let m = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/.exec(s);
  if (m) return fromParts(Number(m[1]), Number(m[3]), Number(m[4]));
  m = /^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?$/.exec(s);
  if (m) {
    const year = m[1] !== undefined ? Number(m[1]) : defaultYear;
    return year === undefined ? null : fromParts(year, Number(m[2]), Number(m[3]));
  }
  m = /^(\d{1,2})[-/.](\d{1,2})$/.exec(s);
  if (m && defaultYear !== undefined) return fromParts(defaultYear, Number(m[1]), Number(m[2]));
  return null;
}
