// Card actions of the review procedure (src/bot/features/review-*.ts): the progress card's forms
// (申请, 资格复审, 会议, 公示, 异议), 标记完成, 资料已填报, and the meeting card's confirmations.
import { z } from 'zod';
import { STAGE_KEYS } from '../../core/campaign';
import type { Role } from '../../core/roles';
import { defineAction, field, fields } from '../action';

/** The village's own team (and the office), who report the procedure's steps. */
export const VILLAGE_TEAM = ['village_cadre', 'first_secretary', 'package_cadre', 'office'] as const satisfies readonly Role[];

/** 申请: the head (`head`, `head_id`), `note`, and member rows `m<i>_name`, `m<i>_relation`, `m<i>_id`. */
export const applyForm = defineAction({ name: 'apply.form', roles: VILLAGE_TEAM, where: 'village', form: fields });
/** 资格复审 of one applicant (`h`: its household number). */
export const qualifyForm = defineAction({
  name: 'qualify.form',
  roles: VILLAGE_TEAM,
  where: 'village',
  value: z.object({ h: z.string() }),
  form: z.object({ verdict: field, reason: field }),
});
/** A meeting: its kind and the applicants it lists (`hs`); the form's `for_<i>`, `against_<i>`, `objection_<i>` per applicant. */
export const meetingForm = defineAction({
  name: 'meeting.form',
  roles: VILLAGE_TEAM,
  where: 'village',
  value: z.object({ kind: z.string().optional(), hs: z.array(z.string()).default([]) }),
  form: fields,
});
/** The meeting card's 确认到场 / 签字 (`m`: the card's message id). */
export const meetingConfirm = defineAction({
  name: 'meeting.confirm',
  roles: ['first_secretary', 'package_cadre'],
  where: 'village',
  value: z.object({ m: z.string().min(1), as: z.enum(['first_secretary', 'package_cadre', 'package_cadre_sign']) }),
});
export const meetingTownshipSign = defineAction({ name: 'meeting.township_sign', roles: ['office', 'leader'], value: z.object({ m: z.string().min(1) }) });
export const noticeForm = defineAction({ name: 'notice.form', roles: VILLAGE_TEAM, form: z.object({ start: field }) });
export const objectionResolve = defineAction({
  name: 'objection.resolve',
  roles: VILLAGE_TEAM,
  value: z.object({ no: z.number().int() }),
  form: z.object({ result: field }),
});
export const stageComplete = defineAction({ name: 'stage.complete', roles: VILLAGE_TEAM, value: z.object({ stage: z.enum(STAGE_KEYS) }) });
export const dataFiled = defineAction({ name: 'data.filed', roles: VILLAGE_TEAM, where: 'village' });
