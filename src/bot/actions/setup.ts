// Card actions of 绑定 (src/bot/features/setup.ts): confirming or cancelling a bind that changes something.
import { z } from 'zod';
import { defineAction, id } from '../action';

const kind = z.enum(['village', 'leaders', 'inspectors']);

/** 确认: the bind as the card showed it (what the chat was, which chats it displaces), to be checked again. */
export const bindConfirm = defineAction({
  name: 'bind.confirm',
  roles: ['office'],
  stale: '这张卡片已失效，请在要绑定的群里重新发送“绑定”。',
  value: z.object({
    chat: z.string().min(1),
    t: z.string(),
    k: kind,
    v: id.optional(),
    from: z.object({ kind, villageId: id.optional() }).optional(),
    had: z.array(z.string()).default([]),
  }),
});

export const bindCancel = defineAction({ name: 'bind.cancel', roles: ['office'] });
