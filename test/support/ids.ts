// ID numbers in the spellings people really type, and a check that none of them shows.
import fc from 'fast-check';
import { makeIdCard } from '../../src/core/idcard';
import { decodeEntities } from '../../src/feishu/escape';

const fullWidth = (s: string) => s.replace(/[0-9Xx]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const ZW = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'];

/** The same ID written the ways the issue lists (and a few more). */
export function idSpellings(id: string): string[] {
  const g = (a: string, b: string, _c: string) => `${id.slice(0, 6)}${a}${id.slice(6, 14)}${b}${id.slice(14)}`;
  return [
    id,
    id.toLowerCase(),
    `\n${id}`,
    `ID${id}`,
    `身份证${id}号`,
    `${id}abc`,
    g(' ', '-', ''),
    g(' ', ' ', ' ').trim(),
    g('-', '-', ''),
    g('.', '.', ''),
    g('  ', '  ', ''),
    id.replace(/(\d{4})(?=\d)/g, '$1 '),
    fullWidth(id),
    fullWidth(g(' ', ' ', '')),
    `${id.slice(0, 9)}${ZW[0]}${id.slice(9)}`,
    [...id].join(ZW[2]),
    g('\u3000', '\u3000', ''),
    g('－', '－', ''),
    g('．', '．', ''),
    `${id.slice(0, 6)}&#45;${id.slice(6, 14)}&#45;${id.slice(14)}`,
  ];
}

/** A random valid ID number. */
export const anyId = fc
  .tuple(fc.constantFrom('522630', '110105', '440304', '652201'), fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2020-12-31T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999 }))
  .map(([r, d, s]) => makeIdCard(r, d.toISOString().slice(0, 10), s));

/** An ID in a random spelling. */
export const anySpelledId = anyId.chain((id) => fc.constantFrom(...idSpellings(id)).map((spelled) => ({ id, spelled })));

const SEPARATORS = /[\s\u00a0\u2000-\u200f\u2060-\u2064\ufeff\u3000\-－.．·]/g;

/** What a person could read off `text`: entities decoded, full-width folded, separators gone. */
export const readable = (text: string) => decodeEntities(text).normalize('NFKC').toUpperCase().replace(SEPARATORS, '');

/** True when 11 or more consecutive characters of `id` can be read in `text` (the mask shows at most 6). */
export function leaks(text: string, id: string): boolean {
  const r = readable(text);
  for (let k = 0; k + 11 <= id.length; k++) if (r.includes(id.slice(k, k + 11).toUpperCase())) return true;
  return false;
}

/** Markup a cadre might type into any free-text field. */
export const MARKUP = [
  '<at user_id="all"></at>',
  '<at id=all></at>',
  '<at id="all"></at>',
  '< at id=all></at>',
  '<at user_id="ou_0123456789abcdef">某人</at>',
  '[领取补贴](https://evil.example/x)',
  '![图](img_v2_123)',
  '**加粗**',
  '<font color=red>红字</font>',
  '# 标题',
  '\n## 二级标题',
  '&#60;at id=all&#62;&#60;/at&#62;',
  '&lt;at id=all&gt;',
  '| a | b |\n|---|---|',
  '`代码`',
  '~~删除~~',
  '<b>粗</b><a href="https://evil.example">链接</a>',
  'https://evil.example/领取',
];
export const anyMarkup = fc.constantFrom(...MARKUP);
