// Card actions of the discipline committee's alert card (src/bot/features/alerts.ts): 已督办, 记录督查.
import { z } from 'zod';
import { STAGE_KEYS } from '../../core/campaign';
import { isValidCalendarDate } from '../../core/dates';
import { TOWNSHIP_ID } from '../../core/planner';
import { defineAction, field } from '../action';

const date = z.string().refine(isValidCalendarDate);
/** What a button on an alert card carries, to find the alert again (AlertRef, src/bot/cards/alerts.ts). */
const alertRef = z.object({
  k: z.enum(['overdue', 'escalation']),
  /** planner village id ('township' for a township stage) */
  v: z.string().refine((v) => v === TOWNSHIP_ID || /^\d+$/.test(v)),
  s: z.enum(STAGE_KEYS),
  /** the alert's day (alerts.date) */
  d: date,
  /** escalation: the acknowledgement it follows */
  ad: date.optional(),
});
const stale = '这张通报卡片的数据不完整，请等待下一次通报。';
const alert = (name: string) => defineAction({ name, roles: ['inspector'], value: alertRef, stale });

export const alertAck = alert('alert.ack');
export const alertInspectForm = alert('alert.inspect_form');
export const alertShow = alert('alert.view');
/** The 记录督查 form: 方式 (明察 / 暗访, optional), 户, 涉及人员, 督查发现, 采取的措施, 确认识别错误 (a checker: true / false). */
export const alertInspect = defineAction({
  name: 'alert.inspect',
  roles: ['inspector'],
  value: alertRef,
  form: z.object({
    kind: field,
    household: field,
    person: field,
    finding: field,
    action: field,
    wrong: z.union([z.boolean(), z.literal('true'), z.literal('false'), z.null()]).optional().transform((v) => v === true || v === 'true'),
  }),
  stale,
});
