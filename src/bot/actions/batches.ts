// Card actions of 分类 (src/bot/features/batches.ts): take the suggestion, or the classes chosen on the card.
import { z } from 'zod';
import type { Role } from '../../core/roles';
import { defineAction, id, options } from '../action';

export const CLASSIFIERS = ['office', 'village_cadre', 'helper'] as const satisfies readonly Role[];

const household = z.object({ h: id });
export const batchesApply = defineAction({ name: 'batches.apply', roles: CLASSIFIERS, value: household });
/** The form: `batches` for the household, `m<member id>` for each member, each a multi-select. */
export const batchesSet = defineAction({ name: 'batches.set', roles: CLASSIFIERS, value: household, form: z.record(z.string(), options) });
