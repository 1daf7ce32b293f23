// Reads a department file in a worker thread (department-worker.ts) and hands the batches to the
// caller as readDepartmentFile would. On a 2-core machine this overlaps parsing with the SQLite
// writes of the main thread (docs/BENCHMARKS.md). When no worker can be started (e.g. the
// TypeScript source is run by a test runner whose loader a worker does not inherit) the file is
// read in this thread: same code, same results.
import { Worker } from 'node:worker_threads';
import {
  DepartmentFileError,
  readDepartmentFile,
  type DepartmentBatch,
  type DepartmentError,
  type DepartmentRow,
  type ReadDepartmentOptions,
} from './department';

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'batch'; count: number; packed: string; errors: DepartmentError[] }
  | { type: 'done' }
  | { type: 'fileError'; errors: DepartmentError[] }
  | { type: 'error'; message: string };

const FS = '\u0001';
const RS = '\u0002';
const SEPARATORS = /[\u0001\u0002]/g;
const safe = (s: string | null) => (s === null ? '' : s.indexOf(FS) === -1 && s.indexOf(RS) === -1 ? s : s.replace(SEPARATORS, ' '));

export function packRows(rows: readonly DepartmentRow[]): string {
  const parts: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    parts[i] = `${r.row}${FS}${r.idCard}${FS}${safe(r.name)}${FS}${r.kind}${FS}${safe(r.detail)}${FS}${safe(r.date)}`;
  }
  return parts.join(RS);
}

export function unpackRows(packed: string, count: number): DepartmentRow[] {
  if (count === 0) return [];
  const out: DepartmentRow[] = new Array(count);
  const lines = packed.split(RS);
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i]!.split(FS);
    out[i] = { row: Number(f[0]), idCard: f[1]!, name: f[2] || null, kind: f[3]!, detail: f[4] || null, date: f[5] || null };
  }
  return out;
}

/** Batches in flight between the threads. */
const CREDITS = 16;

export async function* readDepartmentFileParallel(path: string, options: ReadDepartmentOptions): AsyncGenerator<DepartmentBatch> {
  if (process.env.FUPIN_IMPORT_THREADS === '0') {
    yield* readDepartmentFile(path, options);
    return;
  }
  let worker: Worker;
  try {
    worker = new Worker(new URL('./department-worker.mjs', import.meta.url), {
      workerData: { path, options },
      // a small heap: the worker holds a few batches at a time; collected early, RSS stays low
      resourceLimits: { maxOldGenerationSizeMb: 256 },
      stdout: false,
      stderr: false,
    });
  } catch {
    yield* readDepartmentFile(path, options);
    return;
  }
  const queue: (WorkerMessage | { type: 'crash'; error: Error })[] = [];
  let wake: (() => void) | null = null;
  const push = (m: (typeof queue)[number]) => {
    queue.push(m);
    wake?.();
    wake = null;
  };
  worker.on('message', (m: WorkerMessage) => push(m));
  worker.on('error', (error: Error) => push({ type: 'crash', error }));
  worker.on('exit', (code) => push({ type: 'crash', error: new Error(`worker exited (${code})`) }));
  const next = async () => {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    return queue.shift()!;
  };
  let started = false;
  try {
    for (;;) {
      const m = await next();
      if (m.type === 'ready') {
        started = true;
        worker.postMessage({ credit: CREDITS });
        continue;
      }
      if (m.type === 'crash') {
        if (!started) {
          // the worker could not load: read the file here instead
          yield* readDepartmentFile(path, options);
          return;
        }
        throw m.error;
      }
      if (m.type === 'fileError') throw new DepartmentFileError(m.errors);
      if (m.type === 'error') throw new Error(m.message);
      if (m.type === 'done') return;
      worker.postMessage({ credit: 1 });
      yield { rows: unpackRows(m.packed, m.count), errors: m.errors };
    }
  } finally {
    worker.removeAllListeners();
    void worker.terminate();
  }
}
