// Card actions of the progress card (src/bot/features/progress.ts, report.ts): refresh it, export the report.
import { defineAction } from '../action';

export const progressRefresh = defineAction({ name: 'progress.refresh' });
export const reportExport = defineAction({ name: 'report.export', roles: ['office'] });
