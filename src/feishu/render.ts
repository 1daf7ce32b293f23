// Turns an outgoing message into readable plain text: for the offline log and the chat simulator.
type Json = Record<string, unknown>;

export interface RenderedButton {
  label: string;
  value: Json;
}

export interface Rendered {
  text: string;
  buttons: RenderedButton[];
  /** form field names, when the card has a form */
  formFields: string[];
}

const stripAt = (s: string) =>
  s
    .replace(/<at (?:user_)?id="?([^">\s]+)"?>([^<]*)<\/at>/g, (_m, id: string, name: string) => `@${name || id}`)
    .replace(/\*\*/g, '');

function walk(el: unknown, out: Rendered, lines: string[]) {
  if (!el || typeof el !== 'object') return;
  if (Array.isArray(el)) {
    for (const x of el) walk(x, out, lines);
    return;
  }
  const e = el as Json;
  switch (e.tag) {
    case 'markdown':
    case 'plain_text':
    case 'lark_md':
      if (typeof e.content === 'string') lines.push(stripAt(e.content));
      break;
    case 'button': {
      const label = ((e.text as Json | undefined)?.content as string) ?? '按钮';
      const behaviors = (e.behaviors as Json[] | undefined) ?? [];
      const value = (behaviors.find((b) => b.type === 'callback')?.value as Json) ?? (e.value as Json) ?? {};
      out.buttons.push({ label, value: { ...value, ...(e.form_action_type ? { __submit: true } : {}) } });
      lines.push(`[${out.buttons.length}] ${label}`);
      break;
    }
    case 'input':
    case 'select_static':
    case 'date_picker':
      if (typeof e.name === 'string') {
        out.formFields.push(e.name);
        const label = ((e.label as Json | undefined)?.content as string) ?? ((e.placeholder as Json | undefined)?.content as string) ?? e.name;
        lines.push(`  ▢ ${label}（${e.name}）`);
      }
      break;
    case 'chart':
      lines.push('  [图表]');
      break;
    case 'hr':
      lines.push('———');
      break;
  }
  for (const key of ['elements', 'columns', 'fields', 'text']) if (key !== 'text' || e.tag === 'div') walk(e[key], out, lines);
}

export function renderMessage(msgType: string, content: string): Rendered {
  const out: Rendered = { text: '', buttons: [], formFields: [] };
  let body: Json;
  try {
    body = JSON.parse(content) as Json;
  } catch {
    out.text = content;
    return out;
  }
  if (msgType === 'text') {
    out.text = stripAt(String(body.text ?? ''));
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
    walk((body.body as Json | undefined)?.elements ?? body.elements, out, lines);
    out.text = lines.join('\n');
    return out;
  }
  out.text = content;
  return out;
}
