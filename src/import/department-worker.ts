// Worker thread of the department-list import: reads and validates the file (readDepartmentFile)
// while the main thread writes the rows into SQLite, so the two cores share the work. Rows travel
// packed into one string per batch (fields joined by U+0001, rows by U+0002: a string is copied
// in one piece, an array of objects would be cloned object by object). The main thread grants
// credits so that at most a few batches wait in memory.
import { parentPort, workerData } from 'node:worker_threads';
import { DepartmentFileError, readDepartmentFile, type ReadDepartmentOptions } from './department';
import { packRows, type WorkerMessage } from './department-parallel';

const port = parentPort!;
const { path, options } = workerData as { path: string; options: ReadDepartmentOptions };

let credits = 0;
let wake: (() => void) | null = null;
port.on('message', (m: { credit?: number }) => {
  credits += m.credit ?? 0;
  wake?.();
  wake = null;
});

const post = (m: WorkerMessage) => port.postMessage(m);

async function main() {
  post({ type: 'ready' });
  try {
    for await (const b of readDepartmentFile(path, options)) {
      while (credits <= 0) await new Promise<void>((r) => (wake = r));
      credits--;
      post({ type: 'batch', count: b.rows.length, packed: packRows(b.rows), errors: b.errors });
    }
    post({ type: 'done' });
  } catch (e) {
    if (e instanceof DepartmentFileError) post({ type: 'fileError', errors: e.errors });
    else post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
  // the main thread terminates the worker once it has the last message
}

void main();
