// Card actions of 核查 (src/bot/features/crosscheck.ts): run the cross-check, page the hits, decide one.
import { z } from 'zod';
import { defineAction, fields, id } from '../action';

const offset = z.number().int().min(0).default(0);

export const crosscheckRun = defineAction({ name: 'crosscheck.run', roles: ['office'] });
export const hitList = defineAction({ name: 'hit.list', roles: ['office'], value: z.object({ offset }) });
/** 确认 / 排除 a hit; the reason is the form's `reason_<id>` (or `reason`). */
export const hitDecide = defineAction({
  name: 'hit.decide',
  roles: ['office'],
  stale: '这个按钮已失效，请发送“核查”获取新卡片。',
  value: z.object({ id, decision: z.enum(['confirm', 'dismiss']), offset }),
  form: fields,
});
