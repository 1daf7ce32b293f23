// The example township (examples/township.json + roster) with a review result worth reporting:
// removals (one by a confirmed cross-check hit, one by the office), new inclusions at every step,
// a refused application, meetings with overseers' confirmations and evidence, notices and
// objections, helpers, five-batches classifications and help cards. Written straight into the
// store, as the features would have left it.
import type { SqliteDatabase } from '../../src/store/sqlite';
import { EX } from '../support/example';

export const AT = Date.parse('2026-12-20T01:30:00Z'); // 09:30 CST

export function populate(d: SqliteDatabase, tid: string) {
  const db = d.sqlite;
  const one = <T>(sql: string, ...a: unknown[]) => db.prepare(sql).get(...a) as T;
  const hid = (number: string) => one<{ id: number }>('select id from households where number = ?', number).id;
  const vid = (name: string) => one<{ id: number }>('select id from villages where name = ?', name).id;
  const pid = (name: string) => one<{ id: number }>('select id from people where name = ?', name).id;
  const member = (number: string, relation = 'head') =>
    one<{ id: number; name: string; id_card: string }>('select m.id, m.name, m.id_card from members m join households h on h.id = m.household_id where h.number = ? and m.relation = ?', number, relation);

  // removed by a confirmed hit (交管: a car)
  const car = member('01-003');
  db.prepare(
    `insert into exclusion_hits (township_id, household_id, member_id, exclusion, department, evidence_key, evidence, status, reason, decided_by, decided_at, found_at)
     values (?, ?, ?, 'car', '交管', 'row:3', ?, 'confirmed', '经核实车辆登记在户主名下', '周建华', ?, ?)`,
  ).run(tid, hid('01-003'), car.id, JSON.stringify({ source: 'list', file: 'jiaoguan.xlsx', row: 3, kind: '汽车', detail: '贵J12345', date: '2020-05-01' }), AT - 86400_000, AT - 2 * 86400_000);
  // a dismissed hit on another household: not a removal
  db.prepare(
    `insert into exclusion_hits (township_id, household_id, member_id, exclusion, department, evidence_key, evidence, status, reason, decided_by, decided_at, found_at)
     values (?, ?, ?, 'business', '工商', 'row:9', ?, 'dismissed', '已注销多年', '周建华', ?, ?)`,
  ).run(tid, hid('01-004'), member('01-004').id, JSON.stringify({ source: 'list', row: 9, kind: '个体工商户', detail: '小卖部' }), AT - 86400_000, AT - 2 * 86400_000);
  db.prepare("update households set status = 'removed', removal_reason = ? where number = '01-003'").run('六个不纳入·汽车（交管比对，线索 #1）：经核实车辆登记在户主名下');
  // removed by the office (清退 command)
  db.prepare("update households set status = 'removed', removal_reason = '已稳定脱贫，本人申请退出' where number = '02-001'").run();

  // applications: 01-012 county approved, 02-012 awaiting the county, 03-012 refused, 04-006 on notice, 05-006 stays applied
  db.prepare("update households set status = 'county_approved', qualification = 'pass' where number = '01-012'").run();
  db.prepare("update households set status = 'township_approved', qualification = 'pass', application_note = '家中无劳力' where number = '02-012'").run();
  db.prepare("update households set status = 'rejected', qualification = 'fail', qualification_reason = '家有商品房' where number = '03-012'").run();
  db.prepare("update households set status = 'on_notice', qualification = 'pass' where number = '04-006'").run();

  // five batches (household and person), helpers, help cards
  const setBatches = db.prepare('update households set batches = ? where number = ?');
  setBatches.run(JSON.stringify(['production_employment', 'medical']), '01-001');
  setBatches.run(JSON.stringify(['relocation']), '01-002');
  setBatches.run(JSON.stringify(['minimum_living', 'education']), '01-012');
  setBatches.run(JSON.stringify(['ecological_compensation']), '02-002');
  db.prepare('update members set batches = ? where id = ?').run(JSON.stringify(['medical']), member('01-001', 'spouse').id);
  const helper = pid('冯志刚');
  const assign = db.prepare(
    "insert into helper_assignments (township_id, household_id, helper_id, assigned_by, assigned_at, override_reason, source) values (?, ?, ?, '周建华', ?, ?, 'test')",
  );
  for (const n of ['01-001', '01-002', '01-012']) {
    db.prepare('update households set helper_id = ? where number = ?').run(helper, n);
    assign.run(tid, hid(n), helper, AT - 3 * 86400_000, n === '01-012' ? '新纳入户，原则上超限经乡扶贫办同意' : null);
  }
  // an ended assignment must not show
  db.prepare(
    "insert into helper_assignments (township_id, household_id, helper_id, assigned_by, assigned_at, ended_at, source) values (?, ?, ?, '周建华', ?, ?, 'test')",
  ).run(tid, hid('01-002'), pid('曹敏'), AT - 9 * 86400_000, AT - 3 * 86400_000);
  db.prepare("update households set help_card_returned_at = ?, help_card_returned_by = '杨光明' where number = '01-001'").run(AT - 86400_000);
  // 01-002's card through all three steps
  db.prepare(
    "update households set help_card_filled_at = ?, help_card_filled_by = '冯志刚', help_card_returned_at = ?, help_card_returned_by = '杨光明', help_card_received_at = ?, help_card_received_by = '周建华' where number = '01-002'",
  ).run(AT - 4 * 86400_000, AT - 3 * 86400_000, AT - 2 * 86400_000);
  // publicity in 石门村 and a contact with its all-away household 01-003
  const pub = db.prepare("insert into publicity (township_id, village_id, method, reached, recorded_by, at) values (?, ?, ?, ?, '杨光明', ?)");
  pub.run(tid, vid('石门村'), '群众会', 86, AT - 5 * 86400_000);
  pub.run(tid, vid('石门村'), '入户', 12, AT - 4 * 86400_000);
  db.prepare("insert into contacts (township_id, household_id, method, note, recorded_by, at) values (?, ?, '电话', '在浙江务工', '杨光明', ?)").run(tid, hid('01-003'), AT - 4 * 86400_000);

  // meetings of 石门村: the assembly confirmed by both overseers, with a photo
  const shimen = vid('石门村');
  db.prepare(
    `insert into meetings (township_id, village_id, kind, date, eligible, present, votes, absentee_opinions, confirmations, evidence, valid, recorded_by, created_at)
     values (?, ?, 'villagers_assembly', '2026-12-09', 100, 80, ?, '外出3户电话表示同意', ?, ?, 1, '杨光明', ?)`,
  ).run(
    tid,
    shimen,
    JSON.stringify({ for: 60, against: 10 }),
    JSON.stringify({ first_secretary: EX.shimen.firstSecretary, package_cadre: EX.shimen.packageCadre }),
    JSON.stringify(['image:img_resolution_1#om_photo_1']),
    AT - 11 * 86400_000,
  );
  db.prepare(
    `insert into meetings (township_id, village_id, kind, date, eligible, present, votes, confirmations, evidence, valid, recorded_by, created_at)
     values (?, ?, 'two_committees', '2026-12-09', 7, 7, null, ?, '[]', 0, '马超', ?)`,
  ).run(tid, shimen, JSON.stringify({ package_cadre: EX.shimen.packageCadre }), AT - 11 * 86400_000);
  // notices: 石门村 with one resolved and one open objection; the township's
  const notice = db
    .prepare("insert into notices (township_id, village_id, start_date, end_date, started_by, created_at) values (?, ?, '2026-12-10', '2026-12-16', '杨光明', ?)")
    .run(tid, shimen, AT - 10 * 86400_000).lastInsertRowid;
  db.prepare("insert into notices (township_id, village_id, start_date, end_date, started_by, created_at) values (?, 0, '2026-12-18', '2026-12-24', '周建华', ?)").run(tid, AT - 2 * 86400_000);
  db.prepare(
    "insert into objections (notice_id, no, household, content, raised_by, raised_at, resolution, resolved_by, resolved_at) values (?, 1, '01-003 罗某', '家里有小汽车', '杨光明', ?, '经核实属实，已清退', '杨光明', ?)",
  ).run(notice, AT - 9 * 86400_000, AT - 4 * 86400_000);
  db.prepare("insert into objections (notice_id, no, household, content, raised_by, raised_at) values (?, 2, '01-005', '常年在外务工', '吴秀英', ?)").run(notice, AT - 5 * 86400_000);
  // a visit with evidence, and the village stage done
  db.prepare(
    "insert into helper_visits (township_id, household_id, helper_id, date, content, evidence, at) values (?, ?, ?, '2026-12-12', '入户走访，了解就医情况', ?, ?)",
  ).run(tid, hid('01-001'), helper, JSON.stringify(['image:img_visit_1#om_visit_1']), AT - 8 * 86400_000);
  db.prepare("insert into stage_progress (township_id, village_id, stage, done_at, done_by, source) values (?, ?, 'qualification_review', ?, '杨光明', 'test')").run(tid, shimen, AT - 10 * 86400_000);
  // the whole record (DESIGN §2–§5): an exit plan, a filled help card, a department list, the
  // cross-check after it, per-applicant votes, the township meeting, a stage done late
  db.prepare(
    "insert into exit_plans (household_id, township_id, measures, owner, start_date, end_date, updated_by, updated_at) values (?, ?, '发展养殖，申请小额信贷', '冯志刚', '2027-01-01', '2027-12-31', '冯志刚', ?)",
  ).run(hid('01-001'), tid, AT - 6 * 86400_000);
  db.prepare(
    "insert into help_cards (household_id, township_id, situation, causes, measures, contact, photos, filled_by, filled_at) values (?, ?, '三口人，房屋安全', '缺技术', '技能培训', '13800001111', ?, '冯志刚', ?)",
  ).run(hid('01-002'), tid, JSON.stringify(['image:img_card_1#om_card_1']), AT - 4 * 86400_000);
  db.prepare("insert into department_lists (township_id, department, file_name, rows, active, imported_by, imported_at) values (?, '交管', 'jiaoguan-old.xlsx', 40, 0, '周建华', ?)").run(tid, AT - 6 * 86400_000);
  db.prepare("insert into department_lists (township_id, department, file_name, rows, active, imported_by, imported_at) values (?, '交管', 'jiaoguan.xlsx', 52, 1, '周建华', ?)").run(tid, AT - 3 * 86400_000);
  db.prepare("insert into department_lists (township_id, department, file_name, rows, active, imported_by, imported_at) values (?, '工商', 'gongshang.xlsx', 9, 1, '周建华', ?)").run(tid, AT - 2.5 * 86400_000);
  db.prepare('update townships set crosscheck_run_at = ?, township_meeting_date = ?, township_meeting_at = ?, township_meeting_evidence = ? where id = ?').run(
    AT - 2.5 * 86400_000 + 60_000,
    '2026-12-18',
    AT - 2 * 86400_000,
    JSON.stringify(['image:img_township_1#om_township_1']),
    tid,
  );
  const applicant = one<{ id: number; number: string; head_name: string }>("select id, number, head_name from households where number = '01-012'");
  db.prepare(
    `insert into meetings (township_id, village_id, kind, date, eligible, present, votes, confirmations, evidence, valid, recorded_by, created_at)
     values (?, ?, 'representatives', '2026-12-11', 30, 25, ?, '{}', '[]', 1, '杨光明', ?)`,
  ).run(
    tid,
    shimen,
    JSON.stringify([{ householdId: applicant.id, number: applicant.number, head: applicant.head_name, for: 20, against: 3, abstain: 2, passed: true, objection: '有人称其家有小汽车，经说明后单独表决' }]),
    AT - 9 * 86400_000,
  );
  db.prepare("insert into stage_progress (township_id, village_id, stage, done_at, done_by, source, days_late) values (?, ?, 'village_evaluation', ?, '杨光明', 'test', 2)").run(tid, shimen, AT - 86400_000);
  // household data for the batches (optional roster columns) and the county's approval of 01-012
  db.prepare("update households set minimum_living = 'yes', extreme_poverty = 'no', income_per_capita = 2800 where number = '01-001'").run();
  db.prepare("update members set schooling = 'junior', skill = 'no', work = 'away', work_place = '浙江宁波' where id = ?").run(member('01-001', 'son').id);
  db.prepare("update members set skill = 'yes', skill_note = '电焊', work = 'local' where id = ?").run(member('01-001').id);
  db.prepare("update households set county_approval_date = '2026-12-19', county_approval_doc = '某扶移〔2026〕15号' where number = '01-012'").run();
  return { car, shimen };
}
