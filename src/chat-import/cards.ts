// The chat import's cards and texts: the preview (counts, the first errors by row and column,
// 确认导入 / 取消), the refusal of a file with errors, and the result. Every text from the file
// (its name, village names, a column header, a reason) is escaped; reasons never hold an ID
// number and the exit masks any that slipped in (src/feishu/safe-out.ts).
import { buttons, card, hr, md, type Card } from '../feishu/card';
import { importCancel, importConfirm } from '../bot/actions/imports';
import { esc } from '../feishu/escape';
import type { RosterImportResult } from '../store/roster-import';

/** Errors shown on a card; the rest is counted (还有 N 处错误). */
export const SHOWN_ERRORS = 15;

export interface ShownError {
  row: number;
  column: string;
  reason: string;
  /** the worksheet (department lists with several sheets) */
  sheet?: string;
}

export interface RosterPreview {
  kind: 'roster';
  rows: number;
  households: number;
  members: number;
  byVillage: Record<string, number>;
  errors: ShownError[];
  errorCount: number;
}

export interface DepartmentPreview {
  kind: 'department';
  department: string;
  rows: number;
  byKind: Record<string, number>;
  errors: ShownError[];
  errorCount: number;
  /** the file is the list already in use */
  unchanged?: { fileName: string; rows: number };
  /** the list it would replace */
  current?: { fileName: string; rows: number };
}

export type Preview = RosterPreview | DepartmentPreview;

const n = (x: number) => x.toLocaleString('en-US');

const place = (e: ShownError) =>
  `${e.sheet ? `工作表“${esc(e.sheet)}”` : ''}${e.row ? `第 ${e.row} 行` : '文件'}${e.column ? `「${esc(e.column)}」` : ''}`;

function errorLines(p: Preview): string {
  const lines = p.errors.slice(0, SHOWN_ERRORS).map((e) => `- ${place(e)}：${esc(e.reason)}`);
  const more = p.errorCount - Math.min(p.errors.length, SHOWN_ERRORS);
  if (more > 0) lines.push(`还有 ${n(more)} 处错误。`);
  return lines.join('\n');
}

const what = (p: Preview) => (p.kind === 'roster' ? '花名册' : `${p.department}名单`);

function counts(p: Preview): string {
  if (p.kind === 'roster') {
    const villages = Object.entries(p.byVillage)
      .map(([v, c]) => `${esc(v)} ${n(c)} 户`)
      .join('、');
    return `读入 ${n(p.rows)} 行：${n(p.households)} 户、${n(p.members)} 人${villages ? `\n按村：${villages}` : ''}`;
  }
  const kinds = Object.entries(p.byKind)
    .map(([k, c]) => `${esc(k)} ${n(c)}`)
    .join('、');
  const replaces = p.current ? `\n将替换当前在用的名单（${esc(p.current.fileName)}，${n(p.current.rows)} 行）。` : '';
  return `有效记录 ${n(p.rows)} 行${kinds ? `\n按记录类型：${kinds}` : ''}${replaces}`;
}

/** The preview of a file that can be imported: 确认导入 / 取消. */
export function previewCard(importId: string, fileName: string, p: Preview): Card {
  return card(`${p.kind === 'roster' ? '花名册' : `${p.department}名单`}导入预览`, [
    md(`文件：${esc(fileName)}\n${counts(p)}`),
    hr(),
    md('核对无误后按“确认导入”：全部写入，或者一条也不写。按之前不会改动任何数据。'),
    buttons(importConfirm.button('确认导入', { id: importId }, 'primary'), importCancel.button('取消', { id: importId })),
  ]);
}

/** A file that cannot be imported: what is wrong, nothing written. */
export function invalidCard(fileName: string, p: Preview): Card {
  if (p.kind === 'department' && p.unchanged) {
    return card(`${p.department}名单无需导入`, [
      md(`文件：${esc(fileName)}\n与当前在用的名单（${esc(p.unchanged.fileName)}，${n(p.unchanged.rows)} 行）内容完全相同，未重复导入。`),
    ], 'grey');
  }
  const title = p.errorCount ? `${what(p)}有 ${n(p.errorCount)} 处错误，未导入` : `${what(p)}无法导入`;
  const redo = p.kind === 'roster' ? '导入 花名册' : `导入 ${p.department}`;
  return card(title, [
    md(`文件：${esc(fileName)}\n${p.errorCount ? '没有写入任何数据。' : '文件里没有可导入的行，没有写入任何数据。'}`),
    ...(p.errors.length ? [md(errorLines(p))] : []),
    hr(),
    md(`请改正后重新发送文件，并“回复”该文件发送：${esc(redo)}`),
  ], 'red');
}

export function importingCard(fileName: string, p: Preview): Card {
  return card(`${p.kind === 'roster' ? '花名册' : `${p.department}名单`}正在导入`, [md(`文件：${esc(fileName)}\n已确认，正在写入，完成后另发结果。`)], 'grey');
}

export function cancelledCard(fileName: string, p: Preview): Card {
  return card(`${p.kind === 'roster' ? '花名册' : `${p.department}名单`}导入已取消`, [md(`文件：${esc(fileName)}\n已取消，没有写入任何数据。`)], 'grey');
}

export function rosterDoneText(fileName: string, p: RosterPreview, r: RosterImportResult): string {
  return (
    `花名册已导入（${fileName}）：${n(p.households)} 户、${n(p.members)} 人。` +
    `新增 ${n(r.households.created)} 户、更新 ${n(r.households.updated)} 户、无变化 ${n(r.households.unchanged)} 户；` +
    `成员新增 ${n(r.members.created)}、更新 ${n(r.members.updated)}、移除 ${n(r.members.removed)}。`
  );
}

export function departmentDoneText(fileName: string, p: DepartmentPreview, replaced: { fileName: string; rows: number } | null): string {
  return (
    `${p.department}名单已导入（${fileName}）：${n(p.rows)} 行` +
    `${replaced ? `，替换了之前的名单（${replaced.fileName}，${n(replaced.rows)} 行，留作历史）` : ''}。` +
    '发送“比对”可重新运行六个不纳入比对。'
  );
}
