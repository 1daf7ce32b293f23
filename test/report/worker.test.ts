// On Cloudflare Workers there is no exceljs and no file system: the bundle leaves the report
// builder out, and 报表 says how to get the report instead of failing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildWorker, removeBuild, startWorker, type BuiltWorker, type WorkerHarness } from '../support/worker';
import { messageEnvelope, nextId } from '../support/events';
import { EX } from '../support/example';
import { loadExample } from '../../src/township/seed';

let built: BuiltWorker;
let w: WorkerHarness;

beforeAll(async () => {
  built = await buildWorker();
  w = await startWorker(built);
  await loadExample(w.d);
}, 90_000);

afterAll(async () => {
  await w?.close();
  if (built) removeBuild(built);
});

describe('报表 on Workers', () => {
  it('keeps exceljs and the report builder out of the bundle', () => {
    const inputs = Object.keys(built.meta.inputs);
    expect(inputs).toContain('src/bot/features/report.ts');
    expect(inputs.filter((p) => /exceljs|src\/report\/(county|archive|node)\.ts|src\/store\/backup\.ts/.test(p))).toEqual([]);
  });

  it('answers that the report is made with the CLI, and records no export', async () => {
    const messageId = nextId('om_w_report');
    const res = await w.post(messageEnvelope({ text: '报表', openId: EX.office, chatId: EX.leadersChat, messageId }));
    expect(res.status).toBe(200);
    await w.settle();
    const sent = w.fake.messages.filter((m) => m.replyTo === messageId);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.content).text).toContain('不能生成 Excel 报表。请在安装了本程序的电脑或服务器上运行：npm run cli -- export report');
    expect(w.fake.uploads).toHaveLength(0);
    const [t] = await w.d.db.query.townships.findMany();
    expect(t!.reportExportedAt).toBeNull();
  });
});
