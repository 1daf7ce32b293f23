// Card actions of 帮扶卡 (src/bot/features/helpcards.ts): fill it in, collect it, file it.
import { z } from 'zod';
import type { Role } from '../../core/roles';
import { defineAction, fields, id } from '../action';

export const COLLECTORS = ['village_cadre', 'office'] as const satisfies readonly Role[];
export const RECEIVERS = ['office'] as const satisfies readonly Role[];

const household = z.object({ h: id });
export const helpcardFill = defineAction({ name: 'helpcard.fill', roles: ['helper'], value: household, form: fields });
export const helpcardReturn = defineAction({ name: 'helpcard.return', roles: COLLECTORS, value: household });
export const helpcardReceive = defineAction({ name: 'helpcard.receive', roles: RECEIVERS, value: household });
