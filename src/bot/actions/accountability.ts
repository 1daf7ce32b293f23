// Card actions of the 追责 card (src/bot/features/accountability.ts): 记录处理结果 (the form), its
// submit, and 取消. The button names the finding by its source and source id.
import { z } from 'zod';
import { ACCOUNTABILITY_SOURCES } from '../../core/accountability';
import { defineAction, field, id } from '../action';

const findingRef = z.object({ s: z.enum(ACCOUNTABILITY_SOURCES), sid: id });
const stale = '这张追责卡片已失效，请发送“追责”查看待处理的事项。';

export const accountabilityForm = defineAction({ name: 'acc.form', roles: ['inspector'], value: findingRef, stale });
export const accountabilityShow = defineAction({ name: 'acc.view', roles: ['inspector'], value: findingRef, stale });
export const accountabilityOutcome = defineAction({
  name: 'acc.outcome',
  roles: ['inspector'],
  value: findingRef,
  form: z.object({ outcome: field, note: field }),
  stale,
});
