// Evidence references for photos and files attached to a meeting or a visit:
// `image:<key>`, `media:<key>` or `file:<key>[:<name>]`, then `#<message_id>` of the message that carried it.
import type { MediaInput } from './bot';
import type { BotContext } from './context';

/** `image:<key>` or `file:<key>:<name>` from an image / file / media message's content; null when unreadable. */
export function evidenceRef(messageType: string, content: string): string | null {
  try {
    const c = JSON.parse(content) as { image_key?: string; file_key?: string; file_name?: string };
    if (messageType !== 'media' && c.image_key) return `image:${c.image_key}`;
    if (c.file_key) return `${messageType === 'media' ? 'media' : 'file'}:${c.file_key}${c.file_name ? `:${c.file_name}` : ''}`;
  } catch {
    // not JSON: nothing to attach
  }
  return null;
}

/** The references of what a media message or a post carried, each tagged with the message id. */
export function evidenceEntries(m: MediaInput): { ref: string; entry: string }[] {
  const out: { ref: string; entry: string }[] = [];
  for (const item of m.items) {
    const ref = evidenceRef(item.messageType, item.content);
    if (ref) out.push({ ref, entry: `${ref}#${m.messageId}` });
  }
  return out;
}

/** 照片 / 2 张照片 / 文件 / 照片和文件: what was attached, for the answer. */
export function evidenceNoun(refs: string[]): string {
  const photos = refs.filter((r) => r.startsWith('image:')).length;
  const others = refs.length - photos;
  const p = photos > 1 ? `${photos} 张照片` : photos === 1 ? '照片' : '';
  const f = others > 1 ? `${others} 个文件` : others === 1 ? '文件' : '';
  return p && f ? `${p}和${f}` : p || f;
}

/**
 * What `media` adds to the `existing` evidence list: the new list and the new references, or
 * null when nothing is new (a redelivery) or nothing could be read (then the sender is told).
 */
export function addEvidence(ctx: BotContext, media: MediaInput, existing: readonly string[]): { evidence: string[]; refs: string[]; noun: string } | null {
  const all = evidenceEntries(media);
  if (all.length === 0) {
    ctx.reply('无法识别这份附件，请重新发送照片或文件。');
    return null;
  }
  const found = all.filter((e) => !existing.includes(e.entry));
  if (found.length === 0) return null;
  const refs = found.map((e) => e.ref);
  return { evidence: [...existing, ...found.map((e) => e.entry)], refs, noun: evidenceNoun(refs) };
}
