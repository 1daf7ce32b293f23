// From a Feishu message to a command line: strip the bot's @mention, keep other mentions
// as placeholders the handlers resolve, split into words.
import type { Mention } from '../feishu/events';

export interface ParsedText {
  /** true when the bot was @-mentioned (always true in a p2p chat) */
  addressed: boolean;
  command: string;
  args: string[];
  /** the text after the command word, spacing kept */
  rest: string;
  /** mentions other than the bot, by placeholder key (`@_user_2`) */
  mentions: Map<string, { openId: string; name: string }>;
}

export function messageText(messageType: string, content: string): string | null {
  if (messageType !== 'text') return null;
  try {
    const body = JSON.parse(content) as { text?: unknown };
    return typeof body.text === 'string' ? body.text : null;
  } catch {
    return null;
  }
}

/**
 * `botOpenId` identifies the bot's mention when known; otherwise a mention placed at the very
 * start of a group message is taken as the bot's (that is how Feishu users address a bot).
 */
export function parseText(text: string, mentions: Mention[], chatType: string, botOpenId?: string): ParsedText {
  let t = text.replace(/\u00a0/g, ' ').trim();
  const others = new Map<string, { openId: string; name: string }>();
  let addressed = chatType === 'p2p';
  for (const m of mentions) {
    const isBot = botOpenId ? m.id.open_id === botOpenId : t.startsWith(m.key) && !addressed;
    if (isBot) {
      addressed = true;
      t = t.split(m.key).join(' ');
    } else if (m.id.open_id) others.set(m.key, { openId: m.id.open_id, name: m.name ?? '' });
  }
  t = t.replace(/[\s\u3000]+/g, ' ').trim();
  const [command = '', ...args] = t.length ? t.split(' ') : [];
  const rest = t.slice(command.length).trim();
  return { addressed, command, args, rest, mentions: others };
}
