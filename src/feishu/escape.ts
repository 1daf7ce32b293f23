// Text from people is data, never markup: one escaping function per Feishu format.
//
// - Card markdown (`markdown` / `lark_md`): builders pass every user-supplied string through
//   `esc` (or `escCell` inside a table row) before placing it in markdown; Feishu renders the
//   numeric HTML entities as the characters themselves, so the text shows as typed but can
//   never become a mention, link, image, emphasis, heading, font tag, table or code.
// - Text messages: the whole text is neutralised at the exit (`neutralizeText`, called by
//   src/feishu/safe-out.ts), because the bot's own text messages carry no markup at all.
// - Markdown at the exit (`neutralizeMarkdown`): a second line of defence over whole markdown
//   contents: every tag except the bot's own mention of an open_id (`<at id=ou_…></at>`) and
//   every link or image is defused, whatever a builder forgot to escape.
// plain_text needs nothing: Feishu shows it as it is (escaping it would show the entities).

/** Characters with a meaning in Feishu card markdown, as numeric entities. */
const MD_ENTITIES: Record<string, string> = {
  '<': '&#60;',
  '>': '&#62;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '`': '&#96;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
  '#': '&#35;',
  '|': '&#124;',
  '\\': '&#92;',
  '!': '&#33;',
  $: '&#36;',
};
const MD_SPECIAL = /[<>*_~`[\]()#|\\!$]|&(?=#?[0-9A-Za-z]{1,10};)|:(?=\/\/)/g;

/** A user-supplied string for card markdown: shown as typed, never markup. */
export function esc(s: string | null | undefined): string {
  if (s === null || s === undefined) return '';
  // a run of exactly 8 asterisks is the mask of an ID number (maskIdCard) and is shown as it is
  return String(s)
    .split(/(?<!\*)(\*{8})(?!\*)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(MD_SPECIAL, (c) => MD_ENTITIES[c] ?? (c === '&' ? '&#38;' : '&#58;'))))
    .join('');
}

/** A user-supplied string for a cell of a markdown table: escaped, on one line. */
export const escCell = (s: string | null | undefined): string => esc(s).replace(/[\r\n]+/g, ' ');

// A tag opener: `<` then optional spaces or `/`, then a letter (`<at`, `</at>`, `<font`, `<b>`,
// `< a href`), or `<!` / `<?`. `<户>` or `<5` are ordinary text.
const TAG_OPEN = /<(?=[\s/]*[A-Za-z!?])/g;
// The bot's own mention of a person in card markdown, exactly as the builders write it.
const BOT_MENTION = /<at id="?ou_[0-9A-Za-z_]+"?><\/at>/g;

/** Exit for a whole text message: mentions, tags, links, emphasis and entities become plain characters. */
export function neutralizeText(s: string): string {
  return s
    .replace(TAG_OPEN, '＜')
    .replace(/\[([^[\]\n]*)\]\(/g, '［$1］(')
    // emphasis; a run of exactly 8 is the mask of an ID number (maskIdsInText) and stays
    .replace(/\*{2,}/g, (m) => (m.length === 8 ? m : '＊'.repeat(m.length)))
    .replace(/~~/g, '～～')
    .replace(/__/g, '＿＿')
    .replace(/&(?=#?[0-9A-Za-z]{1,10};)/g, '＆')
    .replace(/:\/\//g, '：//');
}

/** Exit for a whole markdown content: only the bot's own mentions stay tags; links and images are defused. */
export function neutralizeMarkdown(s: string): string {
  const kept: string[] = [];
  const held = s.replace(/\u0000/g, '').replace(BOT_MENTION, (m) => `\u0000${kept.push(m) - 1}\u0000`);
  const safe = held
    .replace(TAG_OPEN, '&#60;')
    .replace(/\]\(/g, ']&#40;')
    .replace(/!\[/g, '&#33;[')
    .replace(/:\/\//g, '&#58;//');
  return safe.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => kept[Number(i)] ?? '');
}

const ENTITY = /&(?:#(\d{1,6})|#[xX]([0-9a-fA-F]{1,5})|(nbsp|ensp|emsp|lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { nbsp: ' ', ensp: ' ', emsp: ' ', lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** What Feishu shows for entities in markdown (for the chat simulator and the offline log). */
export function decodeEntities(s: string): string {
  return s.replace(ENTITY, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name] ?? m;
    const cp = dec !== undefined ? Number(dec) : Number.parseInt(hex!, 16);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/**
 * The bot's own mention of a person in card markdown (`<at id=ou_…></at>`); anything that is not
 * an open_id is shown as text, so no value can turn it into `<at id=all>`.
 */
export const botMention = (openId: string | null | undefined): string =>
  typeof openId === 'string' && /^ou_[0-9A-Za-z_]+$/.test(openId) ? `<at id=${openId}></at>` : esc(openId ?? '');
