// node-cron drives the jobs in the Node server: the schedule fires runJobs with the server's
// clock, and close() stops it.
import { describe, it, expect } from 'vitest';
import { validate } from 'node-cron';
import { loadConfig } from '../../src/config';
import { JOBS_CRON, startNodeServer } from '../../src/node';
import { memoryLogger } from '../../src/log';
import { loadExample } from '../../src/township/seed';
import { cstMidnightUtc } from '../../src/core/dates';
import { startFakeFeishu } from '../support/fake-feishu';
import { tempDbPath } from '../support/harness';
import { EX } from '../support/example';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('jobs under node-cron', () => {
  it('the default schedule is valid: every 5 minutes', () => {
    expect(JOBS_CRON).toBe('*/5 * * * *');
    expect(validate(JOBS_CRON)).toBe(true);
  });

  it('a scheduled run queues the day’s jobs with the server clock, once; close() stops the schedule', async () => {
    const fake = await startFakeFeishu();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_PATH: tempDbPath(),
      FEISHU_DOMAIN: fake.url,
      SEED_EXAMPLE: 'never',
      FEISHU_APP_ID: 'cli_test',
      FEISHU_APP_SECRET: 'secret',
    });
    const now = new Date(cstMidnightUtc('2026-12-11').getTime() + (9 * 60 + 10) * 60_000); // 09:10 CST
    const log = memoryLogger();
    // every second instead of every 5 minutes, so the test does not wait
    const server = await startNodeServer(config, log, { now: () => now, cron: '* * * * * *' });
    const jobRows = () => (server.d.sqlite.prepare('select count(*) n from job_runs').get() as { n: number }).n;
    try {
      expect(jobRows()).toBe(0); // the start-up run found an empty database
      await loadExample(server.d);
      for (let i = 0; i < 40 && jobRows() === 0; i++) await sleep(100);
      // the 7 villages are late on qualification_review: to the inspectors and to each village chat
      expect(jobRows()).toBe(14);
      for (let i = 0; i < 40 && fake.messages.length < 14; i++) await sleep(100);
      expect(fake.messages.filter((m) => m.receiveId === EX.inspectorsChat)).toHaveLength(7);
      await sleep(1200); // more runs: nothing new
      expect(jobRows()).toBe(14);
      expect(fake.messages).toHaveLength(14);
    } finally {
      await server.close();
    }
    await sleep(1200); // a schedule still running would now fail on the closed database
    expect(log.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
    await fake.close();
  });
});
