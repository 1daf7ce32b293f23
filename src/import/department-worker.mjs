// Entry of the department-list import's worker thread. A worker does not inherit tsx's loader,
// so it registers it (as bin/fupin.mjs does) and then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./department-worker.ts');
