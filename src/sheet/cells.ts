// Cells as read from a spreadsheet: the text a person sees, numbers told apart, whitespace
// cleaned, header texts normalised for matching. Shared by the roster and department readers.

/** Text of a cell as a person sees it. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return o.richText.map((r: { text?: string }) => r.text ?? '').join('');
    if ('result' in o) return cellText(o.result);
    if (typeof o.text === 'string') return o.text;
    if (typeof o.error === 'string') return o.error;
  }
  return String(v);
}

/** The underlying value is a number (the cell was not text), looking through formulas. */
export function isNumericCell(v: unknown): boolean {
  if (typeof v === 'number') return true;
  if (v && typeof v === 'object' && 'result' in v) return isNumericCell((v as { result: unknown }).result);
  return false;
}

export const clean = (s: string): string => s.replace(/[\u200b\u00a0\u3000]/g, ' ').replace(/\s+/g, ' ').trim();

/** Chinese names are written without spaces; keep spaces only between Latin words. */
export function cleanName(s: string): string {
  const t = clean(s);
  return /[\u4e00-\u9fff]/.test(t) ? t.replace(/ /g, '') : t;
}

const NEEDS_CLEAN = /[\s\u200b]/;
/** clean(), skipping the work for the common cell that needs none */
export const cleanFast = (s: string) => (NEEDS_CLEAN.test(s) ? clean(s) : s);
export const cleanNameFast = (s: string) => (NEEDS_CLEAN.test(s) ? cleanName(s) : s);
export const textOf = (v: unknown): string => (typeof v === 'string' ? v : cellText(v));

/** A header text as compared: full-width folded, notes in brackets, spaces, * and : removed. */
export function normaliseHeader(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .replace(/[(（][^)）]*[)）]/g, '')
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}

export const isBlankRow = (values: readonly unknown[]) =>
  values.every((v) => v === null || v === undefined || cleanFast(textOf(v)) === '');
