// Card action of 规划 (src/bot/features/plans.ts): save a household's exit plan.
import { z } from 'zod';
import type { Role } from '../../core/roles';
import { defineAction, field, id } from '../action';

export const PLANNERS = ['office', 'package_cadre', 'first_secretary', 'village_cadre', 'helper'] as const satisfies readonly Role[];

export const planSave = defineAction({
  name: 'plan.save',
  roles: PLANNERS,
  value: z.object({ h: id }),
  form: z.object({ measures: field, owner: field, start: field, end: field }),
});
