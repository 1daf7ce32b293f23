// From a Feishu message to a command line: flatten a rich-text post to text, strip the bot's
// @mention, keep other mentions as placeholders the handlers resolve, split into words.
import { joinIdRuns } from '../core/idcard';

/** A mention as the handlers need it: its placeholder, whom it names (open_id, when known), the name shown. */
export interface Mention {
  key: string;
  id: { open_id?: string };
  name?: string;
}

export interface ParsedText {
  /** true when the bot was @-mentioned (always true in a p2p chat) */
  addressed: boolean;
  command: string;
  args: string[];
  /** the text after the command word, spacing kept */
  rest: string;
  /** mentions other than the bot, by placeholder key (`@_user_2`) */
  mentions: Map<string, { openId: string; name: string }>;
  /** pictures and videos sent in the same message (a post), as evidence for the handler */
  attachments: Attachment[];
}

/** A picture or video inside a post, in the shape of the image / media message it stands for. */
export interface Attachment {
  messageType: 'image' | 'media';
  /** JSON like an image message's content: `{"image_key"}`, or a media message's `{"file_key","image_key"}` */
  content: string;
}

export interface MessageBody {
  /** the text of a text or post message, placeholders kept; null for other kinds */
  text: string | null;
  attachments: Attachment[];
}

type PostNode = { tag?: unknown; text?: unknown; href?: unknown; user_id?: unknown; user_name?: unknown; image_key?: unknown; file_key?: unknown };

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The paragraphs of a post: `{title, content: [[node…]…]}`, or the same under a locale key. */
function postParagraphs(body: Record<string, unknown>): unknown[] | null {
  if (Array.isArray(body.content)) return body.content;
  for (const v of Object.values(body)) {
    if (v && typeof v === 'object' && Array.isArray((v as { content?: unknown }).content)) return (v as { content: unknown[] }).content;
  }
  return null;
}

function flattenPost(paragraphs: unknown[]): MessageBody {
  const lines: string[] = [];
  const attachments: Attachment[] = [];
  for (const para of paragraphs) {
    if (!Array.isArray(para)) continue;
    let line = '';
    for (const raw of para as PostNode[]) {
      if (!raw || typeof raw !== 'object') continue;
      switch (raw.tag) {
        case 'text':
        case 'code_block':
          line += str(raw.text);
          break;
        case 'a':
          line += str(raw.text) || str(raw.href);
          break;
        case 'at': {
          // the at node's user_id holds the placeholder (`@_user_1`) that `mentions` explains
          const key = str(raw.user_id);
          line += ` ${key.startsWith('@_') ? key : `@${str(raw.user_name)}`} `;
          break;
        }
        case 'img':
          if (str(raw.image_key)) attachments.push({ messageType: 'image', content: JSON.stringify({ image_key: raw.image_key }) });
          break;
        case 'media':
          if (str(raw.file_key)) {
            attachments.push({ messageType: 'media', content: JSON.stringify({ file_key: raw.file_key, image_key: str(raw.image_key) || undefined }) });
          }
          break;
        default:
        // emotion, hr and tags Feishu may add later carry no command text
      }
    }
    lines.push(line);
  }
  return { text: lines.join('\n'), attachments };
}

/** What a message says: the text of a text or post message (placeholders kept), and a post's pictures. */
export function readMessage(messageType: string, content: string): MessageBody {
  const none: MessageBody = { text: null, attachments: [] };
  if (messageType !== 'text' && messageType !== 'post') return none;
  let body: unknown;
  try {
    body = JSON.parse(content);
  } catch {
    return none;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return none;
  const b = body as Record<string, unknown>;
  if (messageType === 'text') return { text: typeof b.text === 'string' ? b.text : null, attachments: [] };
  const paragraphs = postParagraphs(b);
  return paragraphs ? flattenPost(paragraphs) : none;
}

/** The text of a text or post message, or null for other kinds. */
export function messageText(messageType: string, content: string): string | null {
  return readMessage(messageType, content).text;
}

/** Whether the bot is among the mentions (by open_id; unknown when the bot's open_id is not known). */
export function mentionsBot(mentions: Mention[], botOpenId?: string): boolean {
  return Boolean(botOpenId) && mentions.some((m) => m.id.open_id === botOpenId);
}

/**
 * `botOpenId` identifies the bot's mention anywhere in the message when known; otherwise a
 * mention placed at the very start of a group message is taken as the bot's (that is how
 * Feishu users address a bot).
 */
export function parseText(text: string, mentions: Mention[], chatType: string, botOpenId?: string, attachments: Attachment[] = []): ParsedText {
  let t = text.replace(/\u00a0/g, ' ').trim();
  const others = new Map<string, { openId: string; name: string }>();
  let addressed = chatType === 'p2p';
  let botFound = false;
  for (const m of mentions) {
    const isBot = botOpenId ? m.id.open_id === botOpenId : !botFound && t.startsWith(m.key) && chatType !== 'p2p';
    if (isBot) {
      addressed = true;
      botFound = true;
      // `@_user_1` but not the start of `@_user_10`
      t = t.replace(new RegExp(`${m.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\d)`, 'g'), ' ').trim();
    } else if (m.id.open_id) others.set(m.key, { openId: m.id.open_id, name: m.name ?? '' });
  }
  t = joinIdRuns(t.replace(/[\s\u3000]+/g, ' ').trim()).replace(/[\s\u3000]+/g, ' ').trim();
  const [command = '', ...args] = t.length ? t.split(' ') : [];
  const rest = t.slice(command.length).trim();
  return { addressed, command, args, rest, mentions: others, attachments };
}
