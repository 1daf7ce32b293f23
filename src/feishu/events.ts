// Shapes of what Feishu sends us, parsed with zod (FEISHU.md "Incoming HTTP requests", "Card action callbacks").
import { z } from 'zod';

export const envelopeSchema = z.object({
  schema: z.literal('2.0'),
  header: z.object({
    event_id: z.string().min(1).max(128),
    event_type: z.string().min(1).max(128),
    create_time: z.string().max(32).optional(),
    token: z.string().max(256).optional(),
    app_id: z.string().max(128).optional(),
    tenant_key: z.string().max(128).optional(),
  }),
  event: z.record(z.string(), z.unknown()),
});
export type Envelope = z.infer<typeof envelopeSchema>;

const mention = z.object({
  key: z.string(),
  id: z.object({ open_id: z.string().optional(), user_id: z.string().optional(), union_id: z.string().optional() }),
  name: z.string().optional().default(''),
});
export type Mention = z.infer<typeof mention>;

export const messageEventSchema = z.object({
  sender: z.object({
    sender_id: z.object({ open_id: z.string().min(1), user_id: z.string().optional(), union_id: z.string().optional() }),
    sender_type: z.string().optional(),
  }),
  message: z.object({
    message_id: z.string().min(1).max(128),
    chat_id: z.string().min(1).max(128),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string().max(200_000),
    mentions: z.array(mention).optional().default([]),
    create_time: z.string().optional(),
    parent_id: z.string().optional(),
    root_id: z.string().optional(),
  }),
});
export type MessageEvent = z.infer<typeof messageEventSchema>;

export const cardActionSchema = z.object({
  operator: z.object({ open_id: z.string().min(1), user_id: z.string().optional(), union_id: z.string().optional() }),
  token: z.string().optional(),
  action: z.object({
    tag: z.string().optional(),
    value: z.record(z.string(), z.unknown()).optional().default({}),
    form_value: z.record(z.string(), z.unknown()).optional(),
    option: z.string().optional(),
    input_value: z.string().optional(),
  }),
  context: z
    .object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() })
    .optional()
    .default({}),
});
export type CardActionEvent = z.infer<typeof cardActionSchema>;

export const MESSAGE_RECEIVE = 'im.message.receive_v1';
export const CARD_ACTION = 'card.action.trigger';

/** Event types the bot acts on; everything else is answered 200 and ignored. */
export const HANDLED_EVENT_TYPES = new Set([MESSAGE_RECEIVE, CARD_ACTION]);
