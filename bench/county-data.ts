// A generated county-scale township for benchmarks (deterministic): villages with a chat and
// three responsible people each, area leaders over 10 villages, households with helpers and
// five-batches labels, members, meetings / notices / objections / stages for part of the
// villages, open exclusion hits, acknowledged alerts. Written with raw prepared statements.
import type { SqliteDatabase } from '../src/store/sqlite';
import { defaultCampaign } from '../src/core/campaign';

export const T = 'bench';

export function generateCounty(
  d: SqliteDatabase,
  now: Date,
  /** fourth: a fourth member in every third household (30,000 households → 100,000 members) */
  { villages = 300, perVillage = 100, fourth = false }: { villages?: number; perVillage?: number; fourth?: boolean } = {},
) {
  const db = d.sqlite;
  const ms = now.getTime();
  db.transaction(() => {
    db.prepare(
      'insert into townships (id, name, county, campaign, leaders_chat_id, inspectors_chat_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(T, '基准乡', '某县', JSON.stringify(defaultCampaign(2026)), 'oc_leaders', 'oc_inspectors', ms, ms);
    const village = db.prepare('insert into villages (township_id, name, poor, chat_id, data_filed_at) values (?, ?, ?, ?, ?)');
    const person = db.prepare('insert into people (township_id, name, open_id, party_member) values (?, ?, ?, 1)');
    const role = db.prepare('insert into roles (township_id, person_id, role, village_id) values (?, ?, ?, ?)');
    const chat = db.prepare("insert into chats (chat_id, township_id, kind, village_id, bound_at) values (?, ?, 'village', ?, ?)");
    const hh = db.prepare(
      'insert into households (township_id, village_id, number, head_name, status, applicant, qualification, helper_id, help_card_returned_at, batches, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const member = db.prepare('insert into members (township_id, household_id, name, id_card, relation, batches) values (?, ?, ?, ?, ?, ?)');
    const stage = db.prepare("insert into stage_progress (township_id, village_id, stage, done_at, done_by, source) values (?, ?, ?, ?, 'ou_x', 'bench')");
    const meeting = db.prepare("insert into meetings (township_id, village_id, kind, date, eligible, present, valid, recorded_by, created_at) values (?, ?, ?, '2026-12-12', 100, 80, 1, 'ou_x', ?)");
    const notice = db.prepare("insert into notices (township_id, village_id, start_date, end_date, started_by, created_at) values (?, ?, '2026-12-11', '2026-12-17', 'ou_x', ?)");
    const objection = db.prepare("insert into objections (notice_id, no, household, content, raised_by, raised_at) values (?, 1, '1', '异议', 'ou_x', ?)");
    const hit = db.prepare("insert into exclusion_hits (township_id, household_id, member_id, exclusion, department, evidence_key, found_at) values (?, ?, ?, 'car', '交管', ?, ?)");
    const alert = db.prepare("insert into alerts (township_id, village_id, stage, date, ack_by, ack_at, ack_date) values (?, ?, 'qualification_review', '2026-12-14', 'ou_insp', ?, '2026-12-14')");
    const office = person.run(T, '乡扶贫办主任', 'ou_office').lastInsertRowid;
    role.run(T, office, 'office', 0);
    let hid = 0;
    let mid = 0;
    for (let v = 0; v < villages; v++) {
      const vid = Number(village.run(T, `基准${v}村`, v % 3 === 0 ? 1 : 0, `oc_v${v}`, v % 2 === 0 ? ms : null).lastInsertRowid);
      chat.run(`oc_v${v}`, T, vid, ms);
      for (const [k, r] of ['village_cadre', 'first_secretary', 'package_cadre'].entries()) {
        role.run(T, Number(person.run(T, `干部${v}-${k}`, `ou_v${v}_${k}`).lastInsertRowid), r, vid);
      }
      if (v % 10 === 0) person.run(T, `包片领导${v / 10}`, `ou_leader${v / 10}`);
      const helpers: number[] = [];
      for (let k = 0; k < 20; k++) helpers.push(Number(person.run(T, `帮扶人${v}-${k}`, null).lastInsertRowid));
      if (v % 2 === 0) stage.run(T, vid, 'qualification_review', ms - 5 * 86_400_000);
      if (v % 6 === 0) stage.run(T, vid, 'village_evaluation', ms - 86_400_000);
      if (v % 3 === 1) {
        for (const k of ['villagers_assembly', 'representatives', 'two_committees']) meeting.run(T, vid, k, ms);
        const nid = Number(notice.run(T, vid, ms).lastInsertRowid);
        objection.run(nid, ms);
      }
      if (v % 2 === 1) alert.run(T, vid, ms);
      for (let h = 0; h < perVillage; h++) {
        hid++;
        const applicant = h % 10 === 0;
        const removed = h % 25 === 1;
        const status = removed ? 'removed' : applicant ? (h % 20 === 0 ? 'applied' : 'included') : 'included';
        const batches = JSON.stringify(h % 2 === 0 ? ['medical', 'minimum_living'] : h % 5 === 0 ? [] : ['production_employment']);
        hh.run(T, vid, `${v}-${h}`, `户主${h}`, status, applicant ? 1 : 0, h % 20 === 0 ? null : 'pass', h % 3 === 0 ? null : helpers[h % 20]!, h % 4 === 0 ? ms : null, batches, ms);
        for (let m = 0; m < (fourth && h % 3 === 0 ? 4 : 3); m++) {
          mid++;
          member.run(T, hid, `成员${m}`, `5226301980${String(mid).padStart(8, '0')}`, m === 0 ? '户主' : '家属', JSON.stringify(m === 2 ? ['education'] : []));
          if (mid % 30 === 0) hit.run(T, hid, mid, `r${mid}`, ms);
        }
      }
    }
  })();
  // Area leaders: 30 leaders over 10 consecutive villages each.
  {
    const leaders = db.prepare("select id from people where name like '包片领导%' order by id").all() as { id: number }[];
    const vids = db.prepare('select id from villages order by id').all() as { id: number }[];
    const role = db.prepare("insert into roles (township_id, person_id, role, village_id) values (?, ?, 'leader', ?)");
    db.transaction(() => {
      for (const [i, v] of vids.entries()) role.run(T, leaders[Math.floor(i / 10)]!.id, v.id);
    })();
  }
  db.pragma('optimize');
  db.prepare("insert into chats (chat_id, township_id, kind, bound_at) values ('oc_leaders', ?, 'leaders', ?), ('oc_inspectors', ?, 'inspectors', ?)").run(T, ms, T, ms);
}
