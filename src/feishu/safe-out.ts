// The one exit for everything a person sees: every message queued (text or card), every card a
// callback answers with, every toast, every chat-simulator screen line and every log line passes
// here. It works on the structured value, never on JSON text:
// - every string is masked (maskIdsInText: at most the first 6 and last 4 digits of anything
//   ID-like); the only strings left alone are the machine fields a person never sees (the
//   callback `value` a button carries, `behaviors`, component `name`s and `tag`s);
// - markdown contents are neutralised (only the bot's own `<at id=ou_…></at>` stays a tag, no
//   link, no image), text messages entirely (no mention, tag, link or emphasis at all);
// - the result is checked against Feishu's limits before it is queued: a text over 150 KB is
//   split into several messages at line ends, a card over 30 KB, 200 components or 5 charts into
//   several cards ("（2/3）" in the title), an element too big on its own is shortened. Nothing
//   is queued to fail.
import { maskIdsInText } from '../core/idcard';
import { neutralizeMarkdown, neutralizeText } from './escape';

type Json = Record<string, unknown>;
export type CardJson = Record<string, unknown>;

/** Feishu's limits on what the bot sends (bytes of the message content as sent). */
export const FEISHU_LIMITS = {
  textBytes: 150 * 1024,
  cardBytes: 30 * 1024,
  cardElements: 200,
  cardCharts: 5,
  /** a toast is one short line on the user's screen; longer answers go to the chat */
  toastChars: 300,
} as const;

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

/** Keys whose strings no person sees: callback payloads, component names and kinds. */
const MACHINE_KEYS = new Set(['tag', 'name', 'element_id', 'behaviors', 'value', 'initial_option', 'selected_values', 'form_action_type', 'type', 'template', 'schema']);
const MARKDOWN_TAGS = new Set(['markdown', 'lark_md']);

/** One string as a person will see it in plain text (card plain_text, toasts, screens, logs). */
export const safePlain = (s: string): string => maskIdsInText(s);

/** A markdown content: masked, then only the bot's own mentions stay markup. */
export const safeMarkdown = (s: string): string => neutralizeMarkdown(maskIdsInText(s));

/** A text message's text: masked, and no markup at all. */
export const safeTextBody = (s: string): string => neutralizeText(maskIdsInText(s));

/** Every string of a card (or any structured value) as a person will see it. */
export function safeValue<T>(value: T): T {
  return walk(value, false) as T;
}

/** `o[k] = v` that keeps a key named `__proto__` a key (a plain assignment would set the prototype). */
function put(o: Json, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function walk(v: unknown, markdown: boolean): unknown {
  if (typeof v === 'string') return markdown ? safeMarkdown(v) : safePlain(v);
  if (Array.isArray(v)) return v.map((x) => walk(x, false));
  if (!v || typeof v !== 'object') return v;
  const o = v as Json;
  const isMd = typeof o.tag === 'string' && MARKDOWN_TAGS.has(o.tag);
  const out: Json = {};
  for (const [k, x] of Object.entries(o)) {
    put(out, k, MACHINE_KEYS.has(k) ? x : walk(x, isMd && k === 'content'));
  }
  return out;
}

// ---- sizes -------------------------------------------------------------------------------

/** Components of a card as Feishu counts them: every object with a tag except text objects. */
function countComponents(v: unknown): { elements: number; charts: number } {
  let elements = 0;
  let charts = 0;
  const visit = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (!x || typeof x !== 'object') return;
    const o = x as Json;
    if (typeof o.tag === 'string' && o.tag !== 'plain_text' && o.tag !== 'lark_md') {
      elements++;
      if (o.tag === 'chart') charts++;
    }
    for (const [k, y] of Object.entries(o)) if (k !== 'chart_spec' && k !== 'behaviors') visit(y);
  };
  visit(v);
  return { elements, charts };
}

export const cardSize = (c: CardJson) => ({ bytes: bytes(JSON.stringify(c)), ...countComponents(c) });

/** Whether Feishu accepts the card as it is. */
export function cardFits(c: CardJson): boolean {
  const s = cardSize(c);
  return s.bytes <= FEISHU_LIMITS.cardBytes && s.elements <= FEISHU_LIMITS.cardElements && s.charts <= FEISHU_LIMITS.cardCharts;
}

const elementsOf = (c: CardJson): unknown[] | null => {
  const body = c.body as Json | undefined;
  if (body && Array.isArray(body.elements)) return body.elements;
  return Array.isArray(c.elements) ? (c.elements as unknown[]) : null;
};

function withElements(c: CardJson, els: unknown[], suffix = ''): CardJson {
  const out: CardJson = { ...c };
  if (c.body && typeof c.body === 'object' && Array.isArray((c.body as Json).elements)) out.body = { ...(c.body as Json), elements: els };
  else out.elements = els;
  if (suffix) {
    const header = c.header as Json | undefined;
    const title = header?.title as Json | undefined;
    if (header && title && typeof title.content === 'string') out.header = { ...header, title: { ...title, content: `${title.content}${suffix}` } };
  }
  return out;
}

const CUT = '…（内容过长，已截断）';

/** The element with every string longer than `max` characters cut (markdown stays neutral). */
function cutStrings(v: unknown, max: number, markdown = false): unknown {
  if (typeof v === 'string') {
    const cps = [...v];
    if (cps.length <= max) return v;
    let head = cps.slice(0, max).join('');
    // never leave half an entity or half a tag behind
    head = head.replace(/&[#0-9A-Za-z]*$/, '').replace(/<[^>]*$/, '');
    return markdown ? neutralizeMarkdown(head) + CUT : head + CUT;
  }
  if (Array.isArray(v)) return v.map((x) => cutStrings(x, max));
  if (!v || typeof v !== 'object') return v;
  const o = v as Json;
  const isMd = typeof o.tag === 'string' && MARKDOWN_TAGS.has(o.tag);
  const out: Json = {};
  for (const [k, x] of Object.entries(o)) put(out, k, MACHINE_KEYS.has(k) ? x : cutStrings(x, max, isMd && k === 'content'));
  return out;
}

// Room kept for the "（2/3）" suffix of split cards and the shortening note.
const HEADROOM = 400;

/**
 * The card as Feishu will take it: itself when it fits; otherwise its elements spread over as
 * many cards as needed, each within the limits, titled "（i/n）"; an element too big for a card
 * of its own has its long strings shortened.
 */
export function fitCard(c: CardJson): CardJson[] {
  if (cardFits(c)) return [c];
  const els = elementsOf(c);
  if (!els) return [cutStrings(c, 2000) as CardJson];
  const base = cardSize(withElements(c, []));
  const maxBytes = FEISHU_LIMITS.cardBytes - base.bytes - HEADROOM;
  const maxEls = FEISHU_LIMITS.cardElements - base.elements;
  const parts: unknown[][] = [];
  let cur: unknown[] = [];
  let curBytes = 0;
  let curEls = 0;
  let curCharts = 0;
  for (let el of els) {
    let size = bytes(JSON.stringify(el)) + 1;
    let n = countComponents(el);
    for (let max = 4000; (size > maxBytes || n.elements > maxEls) && max >= 50; max = Math.floor(max / 2)) {
      el = cutStrings(el, max);
      size = bytes(JSON.stringify(el)) + 1;
      n = countComponents(el);
    }
    if (size > maxBytes || n.elements > maxEls) continue; // nothing left to show of it: dropped rather than fail the card
    if (cur.length && (curBytes + size > maxBytes || curEls + n.elements > maxEls || curCharts + n.charts > FEISHU_LIMITS.cardCharts)) {
      parts.push(cur);
      cur = [];
      curBytes = curEls = curCharts = 0;
    }
    cur.push(el);
    curBytes += size;
    curEls += n.elements;
    curCharts += n.charts;
  }
  if (cur.length || parts.length === 0) parts.push(cur);
  return parts.map((p, i) => withElements(c, p, parts.length > 1 ? `（${i + 1}/${parts.length}）` : ''));
}

/** One card where only one can go (a callback's answer): the first part, saying how much is left out. */
export function fitOneCard(c: CardJson): CardJson {
  const parts = fitCard(c);
  if (parts.length === 1) return parts[0]!;
  const rest = parts.slice(1).reduce((n, p) => n + (elementsOf(p)?.length ?? 0), 0);
  const first = parts[0]!;
  const note = { tag: 'markdown', content: `还有 ${rest} 项未能显示，请在群里重新发送命令查看完整内容。` };
  const els = elementsOf(first) ?? [];
  // drop from the end until the note fits
  for (let keep = els.length; keep >= 0; keep--) {
    const candidate = withElements(c, [...els.slice(0, keep), note]);
    if (cardFits(candidate)) return candidate;
  }
  return withElements(c, [note]);
}

/** A text message's text split at line ends so that each `{"text": …}` is within Feishu's limit. */
export function fitText(text: string): string[] {
  const max = FEISHU_LIMITS.textBytes - 64;
  // JSON escapes character by character: a text's encoded size is the sum of its pieces'.
  const size = (s: string) => bytes(JSON.stringify(s)) - 2;
  if (size(text) <= max) return [text];
  const parts: string[] = [];
  let cur: string[] = [];
  let curSize = 0;
  const flush = () => {
    if (cur.length) parts.push(cur.join('\n'));
    cur = [];
    curSize = 0;
  };
  for (const line of text.split('\n')) {
    const n = size(line);
    if (cur.length && curSize + 2 + n > max) flush();
    if (n <= max) {
      curSize += (cur.length ? 2 : 0) + n;
      cur.push(line);
      continue;
    }
    // one line longer than a message: cut it by characters
    flush();
    let piece = '';
    let pieceSize = 0;
    for (const ch of line) {
      const c = size(ch);
      if (pieceSize + c > max) {
        parts.push(piece);
        piece = '';
        pieceSize = 0;
      }
      piece += ch;
      pieceSize += c;
    }
    cur = [piece];
    curSize = pieceSize;
  }
  flush();
  return parts;
}

// ---- the exit ------------------------------------------------------------------------------

export type OutgoingBody = { msgType: 'text' | 'interactive' | 'file'; content: string };
export type OutgoingMessage = string | { card: CardJson } | { file: string };

/** What is queued for a message: one or more bodies, masked, escaped, each within Feishu's limits. */
export function outgoingBodies(msg: OutgoingMessage): OutgoingBody[] {
  if (typeof msg === 'string') return fitText(safeTextBody(msg)).map((t) => ({ msgType: 'text', content: JSON.stringify({ text: t }) }));
  if ('file' in msg) return [{ msgType: 'file', content: JSON.stringify({ file_key: msg.file }) }];
  return fitCard(safeValue(msg.card)).map((c) => ({ msgType: 'interactive', content: JSON.stringify(c) }));
}

/** A card as queued by a scheduled job (several when it does not fit in one). */
export const safeCards = (c: CardJson): CardJson[] => fitCard(safeValue(c));

export type ToastType = 'info' | 'success' | 'error' | 'warning';

/** A toast as shown: masked, one short text. */
export function safeToast(t: { type: ToastType; content: string }): { type: ToastType; content: string } {
  const masked = safePlain(String(t.content ?? ''));
  const cps = [...masked];
  return { type: t.type, content: cps.length > FEISHU_LIMITS.toastChars ? `${cps.slice(0, FEISHU_LIMITS.toastChars - 1).join('')}…` : masked };
}

/** The answer to a card callback as sent: toast and card through the exit. */
export function safeCardAnswer(a: { toast?: { type: ToastType; content: string }; card?: CardJson }) {
  return {
    ...(a.toast ? { toast: safeToast(a.toast) } : {}),
    ...(a.card ? { card: { type: 'raw', data: fitOneCard(safeValue(a.card)) } } : {}),
  };
}
