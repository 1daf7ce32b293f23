// Typed card actions. `defineAction` declares what a button carries and what its form sends
// (zod schemas), who may press it and where; the card builders make its buttons from it
// (`.button`, `.submit`), and the feature registers the handler with `bot.action(def, run)`.
// The handler gets the value and form as their schemas read them, and a context whose
// township / person / chat / village are not null where `roles` / `where` guarantee them.
// The declaration lives apart from the handler (src/bot/actions/) because a handler answers
// with a card that carries its own buttons: declaration → card → handler is a tree, not a cycle.
import { z } from 'zod';
import type { Role } from '../core/roles';
import { button as cardButton, type Element } from '../feishu/card';
import type { BotContext } from './context';
import type { ChatRow, TownshipRow, VillageRow } from '../store/township';

/** Where a command or action makes sense: in a village's chat, in any bound chat, or anywhere. */
export type Where = 'village' | 'bound' | 'any';

/** Someone in the township's list (`roles` given: the gate refuses anyone else), so the township is known. */
export interface InTownship {
  readonly township: TownshipRow;
}
/** In a bound chat (`where: 'bound'`). */
export interface InChat {
  readonly township: TownshipRow;
  readonly chat: ChatRow;
  readonly chatId: string;
}
/** In a village's chat (`where: 'village'`). */
export interface InVillage extends InChat {
  readonly village: VillageRow;
}

/** The context a handler gets: what its `roles` and `where` guarantee is not null. */
export type ContextFor<W extends Where, R> = BotContext &
  (R extends readonly Role[] ? InTownship : unknown) &
  (W extends 'village' ? InVillage : W extends 'bound' ? InChat : unknown);

/** The toast for a button or form whose value does not fit its schema (an old or tampered card). */
export const STALE_CARD = '这张卡片已过期或数据不完整，请重新发送命令。';

/** A form field as Feishu sends it (a text, a date, the options of a multi-select, nothing), as trimmed text. */
export const formText = (v: unknown): string => (Array.isArray(v) ? v.join(' ') : typeof v === 'string' ? v : v == null ? '' : String(v)).trim();
export const field = z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()])), z.null()]).optional().transform(formText);
/** A multi-select's options (a single string accepted as one). */
export const options = z
  .union([z.string(), z.array(z.union([z.string(), z.number()])), z.null()])
  .optional()
  .transform((v) => (v == null ? [] : Array.isArray(v) ? v.map(String) : v));
/** A form whose field names are made up by the card (`m12`, `for_0`…): each as trimmed text. */
export const fields = z.record(z.string(), field);
/** A database id carried by a button. */
export const id = z.number().int().positive();

type Obj = z.ZodType<Record<string, unknown>, Record<string, unknown>>;
type ButtonStyle = 'primary' | 'default' | 'danger';

export interface ActionDef<W extends Where = Where, R extends readonly Role[] | undefined = readonly Role[] | undefined, V extends Obj = Obj, F extends Obj = Obj> {
  /** the `a` field of the button's value */
  readonly name: string;
  readonly roles: R;
  readonly where: W;
  readonly value: V;
  readonly form: F;
  /** the toast when the value or the form does not fit */
  readonly stale: string;
  /** A button that runs this action with `value`. */
  button(label: string, value: z.input<V>, style?: ButtonStyle): Element;
  /** The callback value of a form's submit button: the action, its value and the names of the form's fields. */
  submit(value: z.input<V>, fields?: readonly string[]): Record<string, unknown>;
}

export type ActionInput<D> = D extends ActionDef<Where, readonly Role[] | undefined, infer V, infer F> ? { value: z.output<V>; form: z.output<F> } : never;
export type ActionRun<D> = D extends ActionDef<infer W, infer R> ? (ctx: ContextFor<W, R>, input: ActionInput<D>) => unknown : never;

const NOTHING = z.object({});

export function defineAction<
  const R extends readonly Role[] | undefined = undefined,
  W extends Where = 'any',
  V extends Obj = typeof NOTHING,
  F extends Obj = typeof NOTHING,
>(spec: { name: string; roles?: R; where?: W; value?: V; form?: F; stale?: string }): ActionDef<W, R, V, F> {
  const value = (spec.value ?? NOTHING) as V; // the default is the empty object schema, V's default
  const wire = (v: Record<string, unknown>) => ({ a: spec.name, ...v });
  return {
    name: spec.name,
    roles: spec.roles as R, // absent means anyone, which R's default (undefined) says
    where: spec.where ?? ('any' as W), // W's default
    value,
    form: (spec.form ?? NOTHING) as F, // as for value
    stale: spec.stale ?? STALE_CARD,
    button: (label, v, style = 'default') => cardButton(label, wire(v), style),
    submit: (v, f) => ({ ...wire(v), ...(f ? { fields: [...f] } : {}) }),
  };
}

/** A handler's context with `roles` given: the township is known. */
export type TownshipContext = ContextFor<'any', readonly Role[]>;
/** A handler's context with `roles` and `where: 'village'`: also the village and its chat. */
export type VillageContext = ContextFor<'village', readonly Role[]>;

/** For handlers without a gate (a photo in reply): whether the township is known. */
export const inTownship = (ctx: BotContext): ctx is TownshipContext => ctx.township !== null;
