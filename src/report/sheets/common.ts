// What every sheet of the county report shares: its shape (a function of the report's data and
// the title maker, returning one sheet for the shared writer, src/sheet/write.ts) and the
// household columns the household sheets start with.
import type { Category } from '../../core/result';
import { col, type Column, type Sheet } from '../../sheet/write';
import type { CountyReport, HouseholdLine } from '../data';

// biome-ignore lint/suspicious/noExplicitAny: one list holds sheets of different row types
export type AnySheet = Sheet<any>;

/**
 * One sheet of the county report: its data from `r`, its title row through `title` (the county,
 * township, year and export time around `what`). Listed once in src/report/county.ts.
 */
export type ReportSheet = (r: CountyReport, title: (what: string) => string) => AnySheet;

/** 村, 户编号, 户主姓名, 户主身份证号, 家庭人口: the first columns of every household sheet. */
export const householdBase: Column<HouseholdLine>[] = [
  col('村', 10, (r) => r.village),
  col('户编号', 14, (r) => r.number, { text: true }),
  col('户主姓名', 10, (r) => r.head),
  col('户主身份证号', 21, (r) => r.headIdCard, { text: true }),
  col('家庭人口', 10, (r) => r.persons),
];

/** The households of one category (or several). */
export const householdsOf = (r: CountyReport, c: Category | Category[]): HouseholdLine[] =>
  r.households.filter((h) => (Array.isArray(c) ? c.includes(h.category) : h.category === c));
