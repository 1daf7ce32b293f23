// The command and card-action registry. Each feature registers its commands (with usage line
// and allowed roles) and its card actions; the router never grows a switch.
import { allows, roleList, type Role } from '../core/roles';
import { shortWord, tooLong } from '../core/limits';
import type { BotContext } from './context';
import type { ParsedText } from './parse';
import { own } from '../core/lookup';
import type { ActionDef, ActionRun, ContextFor, Where } from './action';

export type { Where } from './action';

export interface CommandSpec<W extends Where = Where, R extends readonly Role[] | undefined = readonly Role[] | undefined> {
  name: string;
  aliases?: string[];
  /** e.g. `完成 <阶段>` */
  usage: string;
  summary: string;
  /** roles that may use it; undefined means anyone */
  roles?: R;
  where?: W;
  /** gets a context whose township / person / village are not null where `roles` / `where` guarantee them */
  run(ctx: ContextFor<W, R>, p: ParsedText): unknown;
}

/** A card callback as it arrives: the button's value and the form's values, unchecked. */
export interface RawActionInput {
  value: Record<string, unknown>;
  form: Record<string, unknown>;
}

interface ActionEntry {
  def: ActionDef;
  run(ctx: BotContext, input: { value: unknown; form: unknown }): unknown;
}

/**
 * A photo or file sent in reply to an earlier message (evidence for a meeting, a visit…): an
 * image / file / media message (one item), or the pictures of a post (one or more items).
 */
export interface MediaInput {
  /** what was sent, each in the shape of an image / file / media message */
  items: { messageType: string; content: string }[];
  /** the message that carried them (the evidence reference) */
  messageId: string;
  /** the message it replies to */
  parentId: string;
  /** the text sent with the pictures (a post), if any */
  text?: string;
}

export interface MediaSpec {
  name: string;
  /** returns true when it took the media */
  run(ctx: BotContext, m: MediaInput): Promise<boolean> | boolean;
}

/** The bot added to a group, removed from it, or the group dissolved. */
export interface ChatEventInput {
  type: string;
  chatId: string;
  /** the group's name, when Feishu sent it */
  name: string | null;
  /** who did it, when Feishu said */
  operatorOpenId: string | null;
}

export interface ChatEventSpec {
  /** the Feishu event type, e.g. im.chat.member.bot.added_v1 */
  type: string;
  run(ctx: BotContext, e: ChatEventInput): unknown;
}

/** What a message kind is called in a hint, for kinds the bot cannot read. */
const KIND_NAMES: Record<string, string> = {
  image: '图片',
  file: '文件',
  media: '视频',
  audio: '语音',
  sticker: '表情',
  merge_forward: '合并转发的消息',
  interactive: '卡片',
  share_chat: '群名片',
  share_user: '个人名片',
  location: '位置',
  todo: '任务',
  vote: '投票',
  share_calendar_event: '日程',
  calendar: '日程',
  video_chat: '视频会议',
  hongbao: '红包',
};
const EVIDENCE_KINDS = new Set(['image', 'file', 'media']);

export class Bot {
  private media: MediaSpec[] = [];
  private commands = new Map<string, CommandSpec>();
  private actions = new Map<string, ActionEntry>();
  private ordered: CommandSpec[] = [];
  private chatEvents = new Map<string, ChatEventSpec[]>();

  command<const R extends readonly Role[] | undefined = undefined, W extends Where = 'any'>(typed: CommandSpec<W, R>): this {
    // the gate runs before `run`, so the context is what ContextFor<W, R> says
    const spec = typed as unknown as CommandSpec;
    for (const key of [spec.name, ...(spec.aliases ?? [])]) {
      if (this.commands.has(key)) throw new Error(`command ${key} registered twice`);
      this.commands.set(key, spec);
    }
    this.ordered.push(spec);
    return this;
  }

  /** The handler of a card action declared with `defineAction` (src/bot/action.ts). */
  action<D extends ActionDef>(def: D, run: ActionRun<D>): this {
    if (this.actions.has(def.name)) throw new Error(`action ${def.name} registered twice`);
    // the gate and the schemas below make the context and the input what ActionRun<D> says
    this.actions.set(def.name, { def, run: run as ActionEntry['run'] });
    return this;
  }

  onReplyMedia(spec: MediaSpec): this {
    this.media.push(spec);
    return this;
  }

  chatEvent(spec: ChatEventSpec): this {
    this.chatEvents.set(spec.type, [...(this.chatEvents.get(spec.type) ?? []), spec]);
    return this;
  }

  /** Offers a photo / file reply to each media handler until one takes it; returns whether one did. */
  async onMedia(ctx: BotContext, m: MediaInput): Promise<boolean> {
    for (const spec of this.media) if (await spec.run(ctx, m)) return true;
    return false;
  }

  async onChatEvent(ctx: BotContext, e: ChatEventInput): Promise<void> {
    for (const spec of this.chatEvents.get(e.type) ?? []) await spec.run(ctx, e);
  }

  /** A message of a kind no handler reads (a sticker, a voice message, a picture sent on its own…). */
  onOtherKind(ctx: BotContext, messageType: string): void {
    const kind = own(KIND_NAMES, messageType) ?? '这类消息';
    if (messageType === 'file') {
      ctx.reply('收到文件。要导入花名册或部门名单，请“回复”该文件发送：导入 花名册，或 导入 <部门>（例如 导入 公安）。要作为会议记录或走访的佐证，请“回复”那条会议记录卡片或走访登记消息再发送。');
    } else if (EVIDENCE_KINDS.has(messageType)) {
      ctx.reply(`收到${kind}。要作为会议记录或走访的佐证，请在飞书里“回复”那条会议记录卡片或走访登记消息再发送；发送“帮助”查看可用命令。`);
    } else {
      ctx.reply(`我读不懂${kind}，请用文字发送命令，例如：进度。发送“帮助”查看可用命令。`);
    }
  }

  use(feature: (bot: Bot) => void): this {
    feature(this);
    return this;
  }

  /** Commands this person may use here, for 帮助. */
  available(ctx: BotContext): CommandSpec[] {
    return this.ordered.filter((c) => !c.roles || allows(ctx.actor.grants, c.roles, ctx.village?.id));
  }

  /** Every command word (aliases included) and every card action name the bot answers. */
  names(): { commands: string[]; actions: string[] } {
    return { commands: [...this.commands.keys()], actions: [...this.actions.keys()] };
  }

  findCommand(name: string): CommandSpec | undefined {
    return this.commands.get(name);
  }

  /** Refusal text, or null when the person may go on. */
  private gate(ctx: BotContext, name: string, roles: readonly Role[] | undefined, where: Where = 'any'): string | null {
    if (roles && (!ctx.actor.person || !ctx.township)) return '你还不在本乡的人员名单里，请联系乡扶贫办登记后再用。';
    if (where === 'village' && (!ctx.village || !ctx.township)) {
      return `请在村工作群里使用“${name}”。本群还没有绑定村，乡扶贫办可发送：绑定 <村名>。`;
    }
    if (where === 'bound' && (!ctx.chat || !ctx.township)) return `本群还没有绑定。乡扶贫办可发送：绑定 <村名> / 绑定 领导群 / 绑定 纪委群。`;
    if (roles && !allows(ctx.actor.grants, roles, ctx.village?.id)) {
      const here = ctx.village ? `（${ctx.village.name}）` : '';
      return `只有${roleList(roles)}${here}可以使用“${name}”。如需开通，请联系乡扶贫办。`;
    }
    return null;
  }

  async onMessage(ctx: BotContext, p: ParsedText): Promise<void> {
    // a whole message over the limit is refused before any command reads it
    const long = tooLong('message', '消息', [p.command, p.rest].join(' '));
    if (long) return void ctx.reply(`${long}内容较多的，请分几条发送。`);
    const spec = this.commands.get(p.command);
    if (!spec) {
      const hint = p.command ? `没有“${shortWord(p.command)}”这个命令。` : '';
      ctx.reply(`${hint}发送“帮助”查看可用命令，例如：进度`);
      return;
    }
    const refusal = this.gate(ctx, spec.name, spec.roles, spec.where);
    if (refusal) {
      ctx.reply(refusal);
      return;
    }
    await spec.run(ctx, p);
  }

  async onAction(ctx: BotContext, input: RawActionInput): Promise<void> {
    const name = String(input.value.a ?? '');
    const entry = this.actions.get(name);
    if (!entry) return ctx.toast('error', '这个按钮已失效，请发送“进度”获取新卡片。');
    const { def } = entry;
    for (const v of Object.values(input.form)) {
      const long = tooLong('message', '填写的内容', Array.isArray(v) ? v.join(' ') : typeof v === 'string' ? v : null);
      if (long) return ctx.toast('error', long);
    }
    const refusal = this.gate(ctx, '此操作', def.roles, def.where);
    if (refusal) return ctx.toast('error', refusal);
    // an old or tampered card: nothing runs
    const value = def.value.safeParse(input.value);
    const form = def.form.safeParse(input.form);
    if (!value.success || !form.success) return ctx.toast('error', def.stale);
    await entry.run(ctx, { value: value.data, form: form.data });
  }
}
