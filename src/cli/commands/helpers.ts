// export helpers <out.xlsx>: the helpers' work for the year-end performance review (年终绩效考核):
// one row per helper, one per included household, and every visit logged.
import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { helperVisits, households, people, villages } from '../../../db/schema/index';
import { findVillageByName, getTownship } from '../../store/township';
import { helperActivity, helperMaxOf, isCurrentHousehold, windowStart } from '../../store/helpers';
import { batchShortNames } from '../../core/batches';
import { cstDate } from '../../core/dates';
import { CliError, type CliContext } from '../context';
import { cliInstant } from '../command';

const USAGE = '用法：export helpers <输出.xlsx> [--village 村名] [--at <ISO 时间>]';
const cst = (ms: number | null) => (ms === null ? '' : cstDate(new Date(ms)));

function sheet(wb: ExcelJS.Workbook, name: string, columns: { header: string; key: string; width: number }[]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ ...c, style: c.key === 'number' ? { numFmt: '@' } : {} }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

export async function exportHelpersCommand(cli: CliContext, out: string | undefined, opts: { township?: string; village?: string; at?: string }) {
  if (!out) throw new CliError(USAGE, 2);
  if (!/\.xlsx$/i.test(out)) throw new CliError(`输出文件须为 .xlsx：${out}\n${USAGE}`, 2);
  const now = cliInstant(opts.at);
  const tid = await cli.townshipId(opts.township);
  const t = (await getTownship(cli.d, tid))!;
  let villageId: number | undefined;
  if (opts.village) {
    const v = await findVillageByName(cli.d, tid, opts.village);
    if (!v) throw new CliError(`没有叫“${opts.village}”的村。`);
    villageId = v.id;
  }
  const today = cstDate(now);
  const max = helperMaxOf(t);
  const rows = await helperActivity(cli.d, t, today, villageId === undefined ? {} : { villageId });

  const wb = new ExcelJS.Workbook();
  wb.creator = '扶贫复核助手';

  const a = sheet(wb, '帮扶责任人', [
    { header: '序号', key: 'no', width: 6 },
    { header: '姓名', key: 'name', width: 10 },
    { header: '单位', key: 'department', width: 18 },
    { header: '党员', key: 'party', width: 6 },
    { header: '帮扶户数', key: 'load', width: 10 },
    { header: `超过${max}户`, key: 'over', width: 10 },
    { header: '超限理由', key: 'reasons', width: 24 },
    { header: '帮扶户', key: 'households', width: 40 },
    { header: '帮扶卡已回收', key: 'cards', width: 12 },
    { header: '已制定脱贫规划', key: 'plans', width: 14 },
    { header: '走访次数', key: 'visits', width: 10 },
    { header: '近30天走访', key: 'recent', width: 11 },
    { header: '最近走访', key: 'last', width: 12 },
    { header: '从未走访的户', key: 'never', width: 30 },
    { header: '标记', key: 'flags', width: 26 },
  ]);
  for (const [i, r] of rows.entries())
    a.addRow({
      no: i + 1,
      name: r.helper.name,
      department: r.helper.department ?? '',
      party: r.helper.partyMember ? '是' : '否',
      load: r.load,
      over: r.overLimit ? '是' : '否',
      reasons: [...new Set(r.households.map((h) => h.overrideReason).filter(Boolean))].join('；'),
      households: r.households.map((h) => `${h.village} ${h.number} ${h.head}`).join('、'),
      cards: `${r.helpCardsReturned}/${r.households.length}`,
      plans: `${r.households.filter((h) => h.hasPlan).length}/${r.households.length}`,
      visits: r.visitsTotal,
      recent: r.visitsRecent,
      last: r.lastVisit ?? '',
      never: r.neverVisited.map((h) => `${h.number} ${h.head}`).join('、'),
      flags: [...new Set(r.households.map((h) => h.flag).filter(Boolean))].join('；'),
    });

  // every included household, with or without a helper
  const vs = await cli.d.db.select().from(villages).where(eq(villages.townshipId, tid));
  const vName = new Map(vs.map((v) => [v.id, v.name]));
  const hs = (await cli.d.db.select().from(households).where(eq(households.townshipId, tid)).orderBy(households.number)).filter(
    (h) => isCurrentHousehold(h) && (villageId === undefined || h.villageId === villageId),
  );
  const ps = await cli.d.db.select().from(people).where(eq(people.townshipId, tid));
  const pName = new Map(ps.map((p) => [p.id, p]));
  const detail = new Map(rows.flatMap((r) => r.households.map((h) => [h.id, h] as const)));
  const b = sheet(wb, '帮扶户明细', [
    { header: '村', key: 'village', width: 10 },
    { header: '户编号', key: 'number', width: 12 },
    { header: '户主', key: 'head', width: 10 },
    { header: '帮扶责任人', key: 'helper', width: 10 },
    { header: '单位', key: 'department', width: 18 },
    { header: '安排日期', key: 'assigned', width: 12 },
    { header: '五个一批', key: 'batches', width: 26 },
    { header: '帮扶卡', key: 'card', width: 12 },
    { header: '脱贫规划', key: 'plan', width: 10 },
    { header: '走访次数', key: 'visits', width: 10 },
    { header: '最近走访', key: 'last', width: 12 },
    { header: '超限理由', key: 'reason', width: 24 },
    { header: '标记', key: 'flag', width: 26 },
  ]);
  for (const h of hs) {
    const p = h.helperId !== null ? pName.get(h.helperId) : undefined;
    const dd = detail.get(h.id);
    b.addRow({
      village: vName.get(h.villageId) ?? '',
      number: h.number,
      head: h.headName,
      helper: p?.name ?? '未安排',
      department: p?.department ?? '',
      assigned: dd?.assignedAt ? cst(dd.assignedAt) : '',
      batches: batchShortNames(h.batches),
      card: h.helpCardReturnedAt !== null ? `已回收 ${cst(h.helpCardReturnedAt)}` : '未回收',
      plan: dd?.hasPlan ? '有' : '无',
      visits: dd?.visits ?? 0,
      last: dd?.lastVisit ?? '',
      reason: dd?.overrideReason ?? '',
      flag: dd?.flag ?? '',
    });
  }

  const c = sheet(wb, '走访记录', [
    { header: '日期', key: 'date', width: 12 },
    { header: '村', key: 'village', width: 10 },
    { header: '户编号', key: 'number', width: 12 },
    { header: '户主', key: 'head', width: 10 },
    { header: '帮扶责任人', key: 'helper', width: 10 },
    { header: '内容', key: 'content', width: 50 },
    { header: '佐证', key: 'evidence', width: 8 },
  ]);
  const visitRows = await cli.d.db
    .select({ v: helperVisits, number: households.number, head: households.headName, villageId: households.villageId })
    .from(helperVisits)
    .innerJoin(households, eq(households.id, helperVisits.householdId))
    .where(and(eq(helperVisits.townshipId, tid)))
    .orderBy(helperVisits.date, helperVisits.id);
  let visits = 0;
  for (const r of visitRows) {
    if (villageId !== undefined && r.villageId !== villageId) continue;
    visits++;
    c.addRow({
      date: r.v.date,
      village: vName.get(r.villageId) ?? '',
      number: r.number,
      head: r.head,
      helper: pName.get(r.v.helperId)?.name ?? '',
      content: r.v.content,
      evidence: r.v.evidence.length,
    });
  }

  await wb.xlsx.writeFile(out);
  const recent = rows.reduce((n, r) => n + r.visitsRecent, 0);
  cli.out(
    `已导出帮扶情况到 ${out}：帮扶责任人 ${rows.length} 名（超限 ${rows.filter((r) => r.overLimit).length} 名），` +
      `已纳入 ${hs.length} 户（未安排帮扶 ${hs.filter((h) => h.helperId === null).length} 户），走访记录 ${visits} 条（${windowStart(today)} 以来 ${recent} 条）。`,
  );
  return { helpers: rows.length, households: hs.length, visits };
}
