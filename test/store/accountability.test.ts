// The 追责 store reads: a hit still open at the close is found once (not after it is flagged),
// with the household, the head's masked ID and the finding, even when the hit carries no
// evidence; the list reads back the outcome with the recorder's name.
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/sqlite';
import { loadExample } from '../../src/township/seed';
import { listAccountability, openHitsAtClose, recordAccountability, setOutcome } from '../../src/store/accountability';
import { EX } from '../support/example';

const CUTOFF = new Date('2026-12-21T00:00:00+08:00').getTime();

describe('accountability reads', () => {
  it('open hits at the close, then the recorded finding and its outcome', async () => {
    const d = openSqlite(':memory:');
    await loadExample(d);
    const s = d.sqlite;
    const h = s.prepare(`select id, village_id, identification_owner as owner from households where number = '01-004'`).get() as { id: number; village_id: number; owner: string };
    const m = s.prepare(`select id, id_card from members where household_id = ? and relation = 'head'`).get(h.id) as { id: number; id_card: string };
    const found = CUTOFF - 86_400_000;
    s.prepare(`insert into exclusion_hits (township_id, household_id, member_id, exclusion, department, evidence_key, evidence, found_at) values ('qingshui', ?, ?, 'car', '交管', 'k1', null, ?)`).run(h.id, m.id, found);
    s.prepare(`insert into exclusion_hits (township_id, household_id, member_id, exclusion, department, evidence_key, evidence, found_at) values ('qingshui', ?, ?, 'car', '交管', 'k2', null, ?)`).run(h.id, m.id, CUTOFF + 1);
    const now = CUTOFF + 9 * 3600_000;
    const open = await openHitsAtClose(d, 'qingshui', CUTOFF, now);
    expect(open).toHaveLength(1); // the one found after the close is a new hit, not one open at the close
    const [a] = open;
    expect(a).toMatchObject({ id: null, source: 'open_hit', number: '01-004', identificationOwner: h.owner, foundAt: now });
    expect(a!.headId).toBe(`${m.id_card.slice(0, 6)}********${m.id_card.slice(-4)}`);
    expect(a!.finding).toBe(`汽车——交管名单（成员 ${a!.headName} ${a!.headId}）`);
    expect(a!.finding).not.toContain(m.id_card);
    await d.atomic([recordAccountability(d, { townshipId: 'qingshui', villageId: a!.villageId, householdId: a!.householdId, source: 'open_hit', sourceId: a!.sourceId, finding: a!.finding, identificationOwner: a!.identificationOwner, foundAt: now })]);
    expect(await openHitsAtClose(d, 'qingshui', CUTOFF, now)).toEqual([]);
    const [row] = await listAccountability(d, 'qingshui');
    await d.atomic([setOutcome(d, row!.id!, { outcome: '约谈', note: null, by: EX.inspector, at: now })]);
    expect((await listAccountability(d, 'qingshui'))[0]).toMatchObject({ code: `疑点${a!.sourceId}`, outcome: '约谈', outcomeByName: '陈静', outcomeAt: now });
    expect(await listAccountability(d, 'qingshui', { open: true })).toEqual([]);
  });
});
