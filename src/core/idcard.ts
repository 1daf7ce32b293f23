/**
 * Chinese resident identity card numbers (居民身份证号码), GB 11643-1999.
 *
 * Layout of the 18 characters:
 *   1-6   administrative region code (地区码)
 *   7-14  birth date YYYYMMDD
 *   15-17 sequence number; the 17th digit is odd for men, even for women
 *   18    check character, ISO 7064 MOD 11-2: one of 0-9 or X
 *
 * Nothing in this module logs or throws with a full ID number in the message:
 * reasons only mention the parts that are wrong (date, region, check digit).
 */

import { cstDate, daysInMonth } from './dates';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Province-level codes (first two digits of the region code) with their names. */
export const PROVINCE_CODES: Readonly<Record<string, string>> = {
  '11': '北京市',
  '12': '天津市',
  '13': '河北省',
  '14': '山西省',
  '15': '内蒙古自治区',
  '21': '辽宁省',
  '22': '吉林省',
  '23': '黑龙江省',
  '31': '上海市',
  '32': '江苏省',
  '33': '浙江省',
  '34': '安徽省',
  '35': '福建省',
  '36': '江西省',
  '37': '山东省',
  '41': '河南省',
  '42': '湖北省',
  '43': '湖南省',
  '44': '广东省',
  '45': '广西壮族自治区',
  '46': '海南省',
  '50': '重庆市',
  '51': '四川省',
  '52': '贵州省',
  '53': '云南省',
  '54': '西藏自治区',
  '61': '陕西省',
  '62': '甘肃省',
  '63': '青海省',
  '64': '宁夏回族自治区',
  '65': '新疆维吾尔自治区',
  '71': '台湾省',
  '81': '香港特别行政区',
  '82': '澳门特别行政区',
};

export type IdCardValid = {
  ok: true;
  /** Normalised: trimmed, 18 characters, upper-case X. */
  id: string;
  /** YYYY-MM-DD */
  birthDate: string;
  gender: 'male' | 'female';
  /** The 6-digit administrative region code. */
  region: string;
  /** Name of the province-level division of the region code, e.g. 贵州省. */
  province: string;
};

export type IdCardInvalid = {
  ok: false;
  /** Why the number is not valid, in Chinese. Never contains the full number. */
  reason: string;
};

export type IdCardResult = IdCardValid | IdCardInvalid;

export interface ValidateIdCardOptions {
  /**
   * "Today" for the not-born-in-the-future check: a Date (its calendar day in
   * China Standard Time is used) or a 'YYYY-MM-DD' string. Defaults to now.
   */
  today?: Date | string;
}

/** Check character (0-9 or X) for the first 17 digits. */
export function idCardCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new Error('idCardCheckChar: expected exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  }
  return CHECK_CHARS[sum % 11];
}

/** True when y-m-d is a real Gregorian calendar date. */
function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

/** 'YYYYMMDD' of the given moment in China Standard Time (UTC+8, no DST). */
function cstDayKey(d: Date): string {
  return cstDate(d).replace(/-/g, '');
}

function todayKey(today: Date | string | undefined): string {
  if (today === undefined) return cstDayKey(new Date());
  if (typeof today === 'string') {
    const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(today.trim());
    if (!m) throw new Error(`validateIdCard: bad today option ${JSON.stringify(today)}`);
    return `${m[1]}${m[2]}${m[3]}`;
  }
  return cstDayKey(today);
}

/**
 * Validates an 18-character ID number. Surrounding whitespace and a lower-case
 * x are accepted; the normalised number is returned.
 */
export function validateIdCard(s: string, options: ValidateIdCardOptions = {}): IdCardResult {
  if (typeof s !== 'string') return { ok: false, reason: '身份证号不能为空' };
  const id = s.trim().toUpperCase();
  if (id.length === 0) return { ok: false, reason: '身份证号不能为空' };
  if (id.length !== 18) {
    const hint = /^\d{15}$/.test(id) ? '（这是 15 位旧号码，请改用 18 位新号码）' : '';
    return { ok: false, reason: `身份证号应为 18 位，实际 ${id.length} 位${hint}` };
  }
  if (!/^\d{17}[\dX]$/.test(id)) {
    return { ok: false, reason: '身份证号只能由 17 位数字和末位数字或 X 组成' };
  }

  const region = id.slice(0, 6);
  const province = PROVINCE_CODES[region.slice(0, 2)];
  if (province === undefined) {
    return { ok: false, reason: `地区码 ${region} 无效` };
  }

  const birth = id.slice(6, 14);
  const y = Number(birth.slice(0, 4));
  const mo = Number(birth.slice(4, 6));
  const d = Number(birth.slice(6, 8));
  if (!isRealDate(y, mo, d)) {
    return { ok: false, reason: `出生日期 ${birth} 不存在` };
  }
  if (y < 1900) {
    return { ok: false, reason: `出生日期 ${birth} 早于 1900 年` };
  }
  if (birth > todayKey(options.today)) {
    return { ok: false, reason: `出生日期 ${birth} 晚于今天` };
  }

  const expected = idCardCheckChar(id.slice(0, 17));
  if (id[17] !== expected) {
    return { ok: false, reason: `校验位错误（应为 ${expected}）` };
  }

  return {
    ok: true,
    id,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    gender: (id.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female',
    region,
    province,
  };
}

/** True when `s` is a valid 18-character ID number (see validateIdCard). */
export function isValidIdCard(s: string, options: ValidateIdCardOptions = {}): boolean {
  return validateIdCard(s, options).ok;
}

const MASK = '********';

/**
 * The first 6 and last 4 characters with 8 asterisks between; never reveals
 * more. Input that is too short to keep 10 characters is masked entirely.
 */
export function maskIdCard(id: string): string {
  const s = String(id ?? '').trim().toUpperCase();
  if (s.length < 14) return MASK;
  return s.slice(0, 6) + MASK + s.slice(-4);
}

// ID-like runs in free text (the masking rule, docs/RELIABILITY.md "Masking"): 15 or more digits,
// the last of which may be X, half- or full-width (any Unicode decimal digit), optionally split by
// spaces, dashes, dots, zero-width characters or HTML entities (at most 3 of them between two
// digits), whatever stands around the run: glued to letters (`ID522630…`) or to CJK, after a line
// break. That covers 18-character IDs, 15-digit old IDs, IDs mistyped one or two digits short and
// longer runs (an ID with a stray digit glued to it), in every common spelling. Two things are
// consumed whole and left alone so that a digit run inside them is not taken for an ID: Feishu
// identifiers (`ou_…`, `om_…`, `oc_…`, `on_…`, `cli_…`, `img_…`, `file_…`) and HTML entities
// (`&#60;`), so escaping never splits or creates an ID.
const DIGIT = String.raw`\p{Nd}`;
const SEP = String.raw`(?:[ \t\u00a0\u1680\u2000-\u200f\u202f\u205f\u2060-\u2064\u3000\ufeff\u00ad\u180e\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d.\uff0e\u00b7\u2024\u2027\u30fb\uff65]|&(?:#\d{1,6}|#[xX][0-9a-fA-F]{1,5}|[a-zA-Z]{2,8});)`;
const CHECK = String.raw`[\p{Nd}Xx\uff38\uff58]`;
const ID_IN_TEXT = new RegExp(
  String.raw`(?<![0-9A-Za-z])(?:ou|on|oc|om|cli|img|file)_[0-9A-Za-z_]+|&(?:#\d{1,6}|#[xX][0-9a-fA-F]{1,5}|[a-zA-Z]{2,8});|${DIGIT}(?:${SEP}{0,3}${DIGIT}){13,}${SEP}{0,3}${CHECK}`,
  'gu',
);
const KEPT = /[\p{Nd}Xx\uff38\uff58]/u;

/** The digits (and X) of a matched run, half-width where Unicode maps them so. */
function idChars(run: string): string[] {
  const out: string[] = [];
  for (const ch of run.replace(/&[^;]*;/g, ' ')) if (KEPT.test(ch)) out.push(ch.normalize('NFKC').toUpperCase());
  return out;
}

/**
 * Replaces every ID-like run in free text with its mask (at most the first 6 and last 4 digits
 * kept). The last safety net before anything is sent, shown or logged: src/feishu/safe-out.ts
 * applies it to every string of every outgoing message, card answer, toast and screen.
 */
export function maskIdsInText(text: string): string {
  if (typeof text !== 'string' || text.length < 15) return text;
  return text.replace(ID_IN_TEXT, (m) => {
    const c = m.charCodeAt(0);
    if (c === 38 /* & */ || (c >= 97 && c <= 122) /* a Feishu id */) return m;
    const chars = idChars(m);
    return chars.slice(0, 6).join('') + MASK + chars.slice(-4).join('');
  });
}

/**
 * A typed command line with every ID number written in pieces (`522630 19850612 1231`,
 * `5226-3019-…`, full-width, zero-width characters inside) put back together as one word of
 * half-width characters, so that a command reads it as one argument: split over two words, the
 * second piece alone (12 digits) would be echoed as text no rule recognises. Only runs of 15 to
 * 18 characters are joined (two phone numbers side by side stay two words).
 */
export function joinIdRuns(text: string): string {
  if (typeof text !== 'string' || text.length < 15) return text;
  return text.replace(ID_IN_TEXT, (m) => {
    const c = m.charCodeAt(0);
    if (c === 38 /* & */ || (c >= 97 && c <= 122) /* a Feishu id */) return m;
    const chars = idChars(m);
    return chars.length >= 15 && chars.length <= 18 ? chars.join('') : m;
  });
}

/**
 * Builds a valid ID number from its parts, computing the check character.
 * Used by tests and example generators.
 *
 * @param region6 6-digit region code, e.g. '522630'
 * @param birth   'YYYYMMDD' (or 'YYYY-MM-DD')
 * @param seq3    sequence number 0-999 (odd last digit = male)
 */
export function makeIdCard(region6: string, birth: string, seq3: string | number): string {
  const b = birth.replace(/-/g, '');
  const seq = typeof seq3 === 'number' ? String(seq3).padStart(3, '0') : seq3;
  if (!/^\d{6}$/.test(region6)) throw new Error('makeIdCard: region must be 6 digits');
  if (!/^\d{8}$/.test(b)) throw new Error('makeIdCard: birth must be YYYYMMDD');
  if (!/^\d{3}$/.test(seq)) throw new Error('makeIdCard: seq must be 3 digits or 0-999');
  const first17 = region6 + b + seq;
  return first17 + idCardCheckChar(first17);
}

const ID_SHAPE = /^\d{17}[\dXx]$/;

/**
 * The common case fast (millions of department rows): `s` itself when it is an ID number
 * already in shape that validateIdCard would accept (x upper-cased), else '' — then
 * validateIdCard gives the reason. Same rules: province code, a real birth date from 1900 to
 * `todayKey` (YYYYMMDD), ISO 7064 check character (test/crosscheck/import.test.ts compares).
 */
export function quickIdCard(s: string, todayKey: string): string {
  if (!ID_SHAPE.test(s)) return '';
  const id = s.charCodeAt(17) === 120 ? s.toUpperCase() : s;
  if (PROVINCE_CODES[id.slice(0, 2)] === undefined) return '';
  const birth = id.slice(6, 14);
  if (birth > todayKey || birth < '19000101') return '';
  if (!isRealDate(+birth.slice(0, 4), +birth.slice(4, 6), +birth.slice(6, 8))) return '';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return id[17] === CHECK_CHARS[sum % 11] ? id : '';
}
