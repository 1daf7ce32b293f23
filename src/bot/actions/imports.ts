// The chat import's preview card buttons (src/bot/features/imports.ts, src/chat-import/cards.ts).
import { z } from 'zod';
import { defineAction } from '../action';

const STALE = '这张卡片已失效，请重新发送文件并回复“导入”。';
const importValue = z.object({ id: z.string().min(1).max(64) });

export const importConfirm = defineAction({ name: 'import.confirm', roles: ['office'], stale: STALE, value: importValue });
export const importCancel = defineAction({ name: 'import.cancel', roles: ['office'], stale: STALE, value: importValue });
