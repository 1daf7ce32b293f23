// Card actions of 帮扶责任人 (src/bot/features/helpers.ts): pick a household, assign its helper.
import { z } from 'zod';
import type { Role } from '../../core/roles';
import { defineAction, field, id } from '../action';

export const ASSIGNERS = ['office', 'package_cadre'] as const satisfies readonly Role[];

export const helperPick = defineAction({ name: 'helper.pick', roles: ASSIGNERS, value: z.object({ h: id }) });
export const helperAssign = defineAction({
  name: 'helper.assign',
  roles: ASSIGNERS,
  value: z.object({ h: id }),
  form: z.object({ helper: field, reason: field }),
});
