// The 进度 card: a village's stages with deadlines, days left and what is missing, its duties,
// and buttons for the next steps; or the township's villages at a glance.
import { card, md, hr, buttons, form, input, select, datePicker, type Card, type Element, type Template } from '../../feishu/card';
import { esc, escCell } from '../../feishu/escape';
import { MEETING_KINDS, MEETING_NAMES, type MeetingKind } from '../../core/meetings';
import { RELATIONS } from '../../core/roster-values';
import { STAGES, VILLAGE_STAGES, TOWNSHIP_STAGES, deadlinePhrase, latestNoticeStart, type CampaignConfig } from '../../core/campaign';
import { dutyCoverage, townshipStageConditions, villageStageConditions, type StageDone, type TownshipSnapshot, type VillageSnapshot } from '../../core/stages';
import { VILLAGE_ORDER_LINE, backfillMark, villageNextStep } from '../../core/procedure';
import { formatCn, daysBetween, type CalendarDate } from '../../core/dates';
import type { HelperCoverage } from '../../store/helpers';
import { helperCoverageLine } from './helpers';
import { applyForm, dataFiled, meetingForm, noticeForm, objectionResolve, qualifyForm, stageComplete } from '../actions/review';
import { progressRefresh, reportExport } from '../actions/progress';

const doneLine = (name: string, done: StageDone) =>
  `✅ **${name}**　已完成（${formatCn(done.doneAt)}，${esc(done.by)}）${done.daysLate ? `　🔴逾期 ${done.daysLate} 天完成` : ''}`;

/** 后补登记 of the village: the meetings and the notice entered late, with the day they were entered. */
export function backfillLines(s: Pick<VillageSnapshot, 'meetings' | 'notice'>): string[] {
  const out = s.meetings.filter((m) => m.backfilled).map((m) => `${MEETING_NAMES[m.kind]} ${formatCn(m.date)}${backfillMark(m.enteredOn ?? m.date)}`);
  if (s.notice?.backfilled) out.push(`村级公示 ${formatCn(s.notice.startDate)} 开始${backfillMark(s.notice.enteredOn ?? s.notice.startDate)}`);
  return out;
}

/** Forms of one kind on the card (applicants, objections); the rest are named with the command. */
const MAX_FORMS = 5;
/** Applicants voted on in the card's meeting form; more are recorded with the text command. */
const MAX_VOTE_ROWS = 8;

export interface VillageExtras {
  outreach?: { activities: number; reachedPeople: number; away: number; notContacted: { number: string; headName: string }[] };
}

/** The forms for the next steps of the village evaluation: record a meeting, start the notice. */
function nextStepForms(s: VillageSnapshot, today: CalendarDate) {
  const els: Element[] = [];
  // The next meeting in order (the first kind not yet recorded): attendance once, then 同意 / 反对
  // per applicant awaiting its vote (and an objector's speech, when there was one).
  // Only the next step of the order (src/core/procedure.ts) is offered.
  const step = villageNextStep(factsOf(s));
  const next = step && (MEETING_KINDS as readonly string[]).includes(step.step) && !s.meetings.some((m) => m.kind === step.step) ? (step.step as MeetingKind) : undefined;
  if (next) {
    const from = next === 'villagers_assembly' ? 'qualified' : next === 'representatives' ? 'assembly_passed' : null;
    const awaiting = from ? s.households.filter((h) => h.isApplicant && h.status === from) : [];
    const name = MEETING_NAMES[next];
    if (awaiting.length > MAX_VOTE_ROWS) {
      els.push(md(`**登记${name}**：待表决 ${awaiting.length} 户，卡片放不下，请发送“会议 ${name} 应到N 实到N <户> 同意N 反对N …”登记。`));
    } else {
      const rows: Element[] = awaiting.flatMap((h, i) => [
        md(`**${esc(`${h.number} ${h.head}`)}**（申请）`),
        input(`for_${i}`, `${h.head} 同意票`, { required: true }),
        input(`against_${i}`, `${h.head} 反对票`, { required: true }),
        input(`objection_${i}`, '异议演说（如有：发言人：内容；票数即单独表决结果）'),
      ]);
      const noApplicants = from && awaiting.length === 0 ? [input('for', '同意票'), input('against', '反对票')] : [];
      els.push(
        form(
          'meeting_form',
          [
            md(`**登记${name}**`),
            input('eligible', next === 'villagers_assembly' ? '应到人数（在家应参会）' : '应到人数', { required: true }),
            input('present', '实到人数', { required: true }),
            ...rows,
            ...noApplicants,
            ...(next === 'villagers_assembly' ? [input('absentees', '缺席人员意见（或填“无缺席”）')] : []),
          ],
          `登记${name}`,
          meetingForm.submit(
            { kind: next, hs: awaiting.map((h) => h.number) },
            ['eligible', 'present', ...awaiting.flatMap((_h, i) => [`for_${i}`, `against_${i}`, `objection_${i}`]), ...(noApplicants.length ? ['for', 'against'] : []), ...(next === 'villagers_assembly' ? ['absentees'] : [])],
          ),
        ),
      );
    }
  }
  if (step?.step === 'village_notice') els.push(form('notice_form', [datePicker('start', '公示开始日期', today)], '开始公示', noticeForm.submit({}, ['start'])));
  const openObjections = s.objections.filter((x) => !x.resolved);
  for (const o of openObjections.slice(0, MAX_FORMS)) {
    els.push(form(`objection_${o.no}`, [input('result', `第 ${o.no} 号异议的处理结果`, { required: true })], `处理第 ${o.no} 号异议`, objectionResolve.submit({ no: o.no }, ['result'])));
  }
  if (openObjections.length > MAX_FORMS) els.push(md(`还有 ${openObjections.length - MAX_FORMS} 条异议待处理，发送“公示 处理 <编号> <处理结果>”处理。`));
  if (!s.dataFiled) els.push(buttons(dataFiled.button('复核资料已填报', {})));
  return els;
}

/** Member rows on the application form (the same number as src/bot/features/review-households.ts reads). */
export const APPLY_FORM_ROWS = 5;

/** 申请 from the card: the head (name, ID number), a note, and the members, each checked like the roster. */
function applicationForm(): Element {
  const relations = (Object.entries(RELATIONS.labels) as [string, string][]).filter(([k]) => k !== 'head').map(([, label]) => ({ text: label, value: label }));
  const rows = Array.from({ length: APPLY_FORM_ROWS }, (_x, i) => [
    input(`m${i}_name`, `成员 ${i + 1} 姓名`),
    select(`m${i}_relation`, `成员 ${i + 1} 与户主关系`, relations, false),
    input(`m${i}_id`, `成员 ${i + 1} 身份证号`),
  ]).flat();
  return form(
    'apply_form',
    [md('**登记申请**（户主和家庭成员，身份证号与花名册一样核对；成员多于 5 人的，登记后发“成员 <户> <姓名> <关系> <身份证号>”补登）'), input('head', '户主姓名', { required: true }), input('head_id', '户主身份证号', { required: true }), input('note', '说明（如：家中无劳力）'), ...rows],
    '登记申请',
    applyForm.submit({}, ['head', 'head_id', 'note', ...Array.from({ length: APPLY_FORM_ROWS }, (_x, i) => [`m${i}_name`, `m${i}_relation`, `m${i}_id`]).flat()]),
  );
}

/** 资格复审 from the card: a small form per applicant still waiting for a decision. */
function qualificationForms(s: VillageSnapshot) {
  const open = s.households.filter((h) => h.isApplicant && h.qualificationDecision === null);
  const more = open.length > MAX_FORMS ? [md(`还有 ${open.length - MAX_FORMS} 户申请待复审，发送“资格 <户> 通过|不通过 <理由>”处理。`)] : [];
  return open
    .slice(0, MAX_FORMS)
    .map((h) =>
      form(
        `qualify_${h.id}`,
        [
          md(`**${esc(`${h.number} ${h.head}`)}**（申请）`),
          select('verdict', '复审结论', [
            { text: '通过', value: '通过' },
            { text: '不通过', value: '不通过' },
          ]),
          input('reason', '理由（不通过必填）'),
        ],
        '提交复审结论',
        qualifyForm.submit({ h: h.number }, ['verdict', 'reason']),
      ),
    )
    .concat(more);
}

const factsOf = (s: VillageSnapshot) => ({
  qualificationDoneOn: s.stagesDone.qualification_review?.doneAt ?? null,
  meetings: s.meetings,
  noticeStart: s.notice?.startDate ?? null,
  noticeEnd: s.notice?.endDate ?? null,
  evaluationDone: Boolean(s.stagesDone.village_evaluation),
});

export function villageProgressCard(s: VillageSnapshot & { helpers?: HelperCoverage }, config: CampaignConfig, today: CalendarDate, extras: VillageExtras = {}): Card {
  const els: Element[] = [];
  let worst: Template = 'green';
  for (const stage of VILLAGE_STAGES) {
    const info = STAGES[stage];
    const done = s.stagesDone[stage];
    if (done) {
      els.push(md(doneLine(info.name, done)));
      continue;
    }
    const deadline = config.deadlines[stage];
    const late = daysBetween(today, deadline) < 0;
    if (late) worst = 'red';
    else if (worst !== 'red') worst = 'orange';
    const cond = villageStageConditions(stage, s, config, today);
    const lines = [`${late ? '🔴' : '⏳'} **${info.name}**　${deadlinePhrase(today, deadline)}`];
    if (cond.met) lines.push('　条件已满足，可以标记完成。');
    else lines.push(...cond.missing.map((m) => `　• ${esc(m)}`));
    els.push(md(lines.join('\n')));
    els.push(buttons(stageComplete.button(`标记完成：${info.shortName}`, { stage }, cond.met ? 'primary' : 'default')));
  }
  const next = villageNextStep(factsOf(s));
  if (next) els.push(md(`👉 **下一步**：${esc(next.text)}\n${VILLAGE_ORDER_LINE}`));
  const late = backfillLines(s);
  if (late.length) els.push(md(`📝 **后补登记**：${esc(late.join('；'))}`));
  // applicants that left the procedure (qualification refused or voted down): never carried forward
  const out = s.households.filter((h) => h.isApplicant && h.status === 'rejected');
  if (out.length) els.push(md(`❌ **未通过**（已退出本次识别程序）：${esc(out.map((h) => `${h.number} ${h.head}`).join('、'))}`));
  if (!s.notice && !s.stagesDone.village_evaluation) {
    els.push(md(`📅 村级公示最迟 **${formatCn(latestNoticeStart(config.deadlines.village_evaluation, config.noticeMinDays))}** 开始（须满 ${config.noticeMinDays} 天）。`));
  }
  const c = dutyCoverage(s);
  els.push(hr());
  els.push(
    md(
      `**户数** ${s.households.length}（申请 ${s.households.filter((h) => h.isApplicant).length}）\n` +
        `**帮扶落实** ${c.withHelper}/${c.included}　**五个一批分类** ${c.classified}/${c.included}　**帮扶卡回收** ${c.helpCardsReturned}/${c.included}\n` +
        `**帮扶卡三步** 帮扶人已填写 ${c.helpCardSteps.filled + c.helpCardSteps.collected + c.helpCardSteps.received} · 村两委已回收 ${c.helpCardSteps.collected + c.helpCardSteps.received} · 乡扶贫办已存档 ${c.helpCardSteps.received}（未填写 ${c.helpCardSteps.none}）`,
    ),
  );
  if (s.helpers) els.push(md(helperCoverageLine(s.helpers)));
  const o = extras.outreach;
  if (o) {
    const missing = esc(o.notContacted.slice(0, 8).map((h) => h.headName).join('、'));
    els.push(
      md(
        `**政策宣讲** ${o.activities} 次，覆盖 ${o.reachedPeople} 人　**全家外出户** 已联系 ${o.away - o.notContacted.length}/${o.away}` +
          (o.notContacted.length ? `（未联系：${missing}${o.notContacted.length > 8 ? ' 等' : ''}）` : ''),
      ),
    );
  }
  if (!s.stagesDone.qualification_review) els.push(...qualificationForms(s), applicationForm());
  if (!s.stagesDone.village_evaluation) els.push(...nextStepForms(s, today));
  els.push(buttons(progressRefresh.button('刷新', {})));
  return card(`${s.village.name} 复核进度`, els, worst);
}

export function townshipProgressCard(
  townshipName: string,
  villages: VillageSnapshot[],
  t: TownshipSnapshot & { stagesDone: VillageSnapshot['stagesDone'] },
  config: CampaignConfig,
  today: CalendarDate,
): Card {
  const rows = villages.map((s) => {
    const cells = VILLAGE_STAGES.map((stage) => {
      const done = s.stagesDone[stage];
      if (done) return done.daysLate ? `✅逾期${done.daysLate}天完成` : '✅';
      const left = daysBetween(today, config.deadlines[stage]);
      return left < 0 ? `🔴逾期${-left}天` : '⏳';
    });
    return { s, cells, late: cells.some((c) => c.startsWith('🔴')) };
  });
  rows.sort((a, b) => Number(b.late) - Number(a.late));
  const header = `| 村 | ${VILLAGE_STAGES.map((k) => STAGES[k].shortName).join(' | ')} |\n|---|${VILLAGE_STAGES.map(() => '---').join('|')}|`;
  const table = rows.map((r) => `| ${escCell(r.s.village.name)}${r.s.village.poor ? '（贫困村）' : ''} | ${r.cells.join(' | ')} |`).join('\n');
  const els = [md(`${header}\n${table}`)];
  const lateCount = rows.filter((r) => r.late).length;
  els.push(md(`共 ${villages.length} 个村，逾期 ${lateCount} 个。`));
  els.push(hr());
  for (const stage of TOWNSHIP_STAGES) {
    const done = t.stagesDone[stage];
    if (done) els.push(md(doneLine(STAGES[stage].name, done)));
    else {
      const cond = townshipStageConditions(stage, t);
      els.push(md([`⏳ **${STAGES[stage].name}**　${deadlinePhrase(today, config.deadlines[stage])}`, ...cond.missing.map((m) => `　• ${esc(m)}`)].join('\n')));
    }
  }
  // 导出报表 (office only, src/bot/features/report.ts) until the county report stage is done
  els.push(buttons(progressRefresh.button('刷新', {}), ...(t.stagesDone.county_report ? [] : [reportExport.button('导出报表', {})])));
  return card(`${townshipName} 复核进度`, els, lateCount ? 'red' : 'blue');
}
