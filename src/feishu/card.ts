// Builders for Feishu card JSON 2.0 (FEISHU.md "Message formats"). Small and literal: a card
// is data, these only spare the nesting.
export type Card = Record<string, unknown>;
export type Element = Record<string, unknown>;
export type Template = 'blue' | 'green' | 'orange' | 'red' | 'grey' | 'turquoise' | 'wathet';

export function card(title: string, elements: Element[], template: Template = 'blue'): Card {
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: title }, template },
    body: { elements },
  };
}

export const md = (content: string): Element => ({ tag: 'markdown', content });
export const hr = (): Element => ({ tag: 'hr' });

/** A button whose press arrives as card.action.trigger with `value` (its `a` names the action). */
export function button(label: string, value: Record<string, unknown>, type: 'primary' | 'default' | 'danger' = 'default'): Element {
  return { tag: 'button', text: { tag: 'plain_text', content: label }, type, behaviors: [{ type: 'callback', value }] };
}

export function buttons(...items: Element[]): Element {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    columns: items.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

export function input(name: string, label: string, o: { placeholder?: string; required?: boolean; value?: string } = {}): Element {
  return {
    tag: 'input',
    name,
    label: { tag: 'plain_text', content: label },
    placeholder: { tag: 'plain_text', content: o.placeholder ?? label },
    required: o.required ?? false,
    ...(o.value !== undefined ? { default_value: o.value } : {}),
  };
}

export function select(name: string, label: string, options: { text: string; value: string }[], required = true): Element {
  return {
    tag: 'select_static',
    name,
    placeholder: { tag: 'plain_text', content: label },
    required,
    options: options.map((o) => ({ text: { tag: 'plain_text', content: o.text }, value: o.value })),
  };
}

/** A checkbox (in a form its value arrives as true / false). */
export function checker(name: string, label: string, checked = false): Element {
  return { tag: 'checker', name, checked, text: { tag: 'plain_text', content: label } };
}

export function datePicker(name: string, label: string, initial?: string): Element {
  return { tag: 'date_picker', name, placeholder: { tag: 'plain_text', content: label }, ...(initial ? { initial_date: initial } : {}) };
}

/** A form's submit button: its press sends the form's values with `value` (names unique in the card). */
export function submitButton(name: string, label: string, value: Record<string, unknown>, type: 'primary' | 'default' | 'danger' = 'primary'): Element {
  return { tag: 'button', name, text: { tag: 'plain_text', content: label }, type, form_action_type: 'submit', behaviors: [{ type: 'callback', value }] };
}

/** A form (root level only); the submit button's value carries the action. */
export function form(name: string, fields: Element[], submitLabel: string, value: Record<string, unknown>): Element {
  return { tag: 'form', name, elements: [...fields, submitButton(`${name}_submit`, submitLabel, value)] };
}

/** Byte size of a card as sent; Feishu refuses cards over 30 KB. */
export const cardBytes = (c: Card) => new TextEncoder().encode(JSON.stringify(c)).length;
export const CARD_MAX_BYTES = 30 * 1024;
