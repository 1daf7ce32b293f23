// Turns an outgoing message into readable plain text: for the offline log and the chat simulator.
import { decodeEntities } from './escape';
type Json = Record<string, unknown>;

/** A form field as the card shows it: its label, and the choices of a select. */
export interface RenderedField {
  name: string;
  label: string;
  kind: 'input' | 'select' | 'multi' | 'date' | 'check';
  required: boolean;
  options: { text: string; value: string }[];
  /** the value the card starts with (input default, date, selected options) */
  initial?: string | string[];
}

export interface RenderedButton {
  label: string;
  value: Json;
  /** for a form's submit button: the fields of that form */
  fields?: RenderedField[];
}

export interface Rendered {
  text: string;
  buttons: RenderedButton[];
  /** form field names, when the card has a form */
  formFields: string[];
}

/** Looks up a person's name by open_id, so mentions read as names. */
export type NameOf = (openId: string) => string | undefined;

const stripAt = (s: string, nameOf?: NameOf) =>
  s
    .replace(/<at (?:user_)?id="?([^">\s]+)"?>([^<]*)<\/at>/g, (_m, id: string, name: string) => `@${name || nameOf?.(id) || id}`)
    .replace(/\*\*/g, '');
// markdown as Feishu shows it: markup gone, entities (escaped user text) as the characters
const showMd = (s: string, nameOf?: NameOf) => decodeEntities(stripAt(s, nameOf));

const plain = (x: unknown) => ((x as Json | undefined)?.content as string | undefined) ?? undefined;

function fieldOf(e: Json): RenderedField | null {
  if (typeof e.name !== 'string') return null;
  const kind =
    e.tag === 'input' ? 'input' : e.tag === 'select_static' ? 'select' : e.tag === 'multi_select_static' ? 'multi' : e.tag === 'date_picker' ? 'date' : e.tag === 'checker' ? 'check' : null;
  if (!kind) return null;
  if (kind === 'check') return { name: e.name, label: plain(e.text) ?? e.name, kind, required: false, options: [] };
  const options = ((e.options as Json[] | undefined) ?? []).map((o) => ({ text: plain(o.text) ?? String(o.value), value: String(o.value) }));
  const initial =
    kind === 'input'
      ? (e.default_value as string | undefined)
      : kind === 'date'
        ? (e.initial_date as string | undefined)
        : kind === 'select'
          ? (e.initial_option as string | undefined)
          : (e.selected_values as string[] | undefined);
  return {
    name: e.name,
    label: plain(e.label) ?? plain(e.placeholder) ?? e.name,
    kind,
    required: e.required === true,
    options,
    ...(initial !== undefined && (!Array.isArray(initial) || initial.length) ? { initial } : {}),
  };
}

function walk(el: unknown, out: Rendered, lines: string[], nameOf?: NameOf, form?: RenderedField[]) {
  if (!el || typeof el !== 'object') return;
  if (Array.isArray(el)) {
    for (const x of el) walk(x, out, lines, nameOf, form);
    return;
  }
  const e = el as Json;
  switch (e.tag) {
    case 'markdown':
    case 'plain_text':
    case 'lark_md':
      if (typeof e.content === 'string') lines.push(e.tag === 'plain_text' ? e.content : showMd(e.content, nameOf));
      break;
    case 'button': {
      const label = ((e.text as Json | undefined)?.content as string) ?? '按钮';
      const behaviors = (e.behaviors as Json[] | undefined) ?? [];
      const value = (behaviors.find((b) => b.type === 'callback')?.value as Json) ?? (e.value as Json) ?? {};
      const submit = e.form_action_type === 'submit';
      out.buttons.push({ label, value: { ...value, ...(submit ? { __submit: true } : {}) }, ...(submit && form ? { fields: form } : {}) });
      lines.push(`[${out.buttons.length}] ${label}`);
      break;
    }
    case 'form': {
      const fields: RenderedField[] = [];
      const collect = (x: unknown): void => {
        if (Array.isArray(x)) return x.forEach(collect);
        if (!x || typeof x !== 'object') return;
        const f = fieldOf(x as Json);
        if (f) fields.push(f);
        for (const key of ['elements', 'columns']) collect((x as Json)[key]);
      };
      collect(e.elements);
      walk(e.elements, out, lines, nameOf, fields);
      return;
    }
    case 'input':
    case 'select_static':
    case 'multi_select_static':
    case 'date_picker':
    case 'checker': {
      const f = fieldOf(e);
      if (f) {
        out.formFields.push(f.name);
        lines.push(`  ▢ ${f.label}${f.options.length ? `（${f.options.map((o) => o.text).join(' / ')}）` : ''}`);
      }
      break;
    }
    case 'chart':
      lines.push('  [图表]');
      break;
    case 'hr':
      lines.push('———');
      break;
  }
  for (const key of ['elements', 'columns', 'fields', 'text']) if (key !== 'text' || e.tag === 'div') walk(e[key], out, lines, nameOf, form);
}

export function renderMessage(msgType: string, content: string, nameOf?: NameOf): Rendered {
  const out: Rendered = { text: '', buttons: [], formFields: [] };
  let body: Json;
  try {
    body = JSON.parse(content) as Json;
  } catch {
    out.text = content;
    return out;
  }
  if (msgType === 'text') {
    out.text = stripAt(String(body.text ?? ''), nameOf);
    return out;
  }
  if (msgType === 'file') {
    out.text = `[文件] ${String(body.file_key ?? '')}`;
    return out;
  }
  if (msgType === 'interactive') {
    const lines: string[] = [];
    const title = ((body.header as Json | undefined)?.title as Json | undefined)?.content;
    if (title) lines.push(`【${String(title)}】`);
    walk((body.body as Json | undefined)?.elements ?? body.elements, out, lines, nameOf);
    out.text = lines.join('\n');
    return out;
  }
  out.text = content;
  return out;
}
