// Diagnostic: our webhook path as the Node server runs it (verify, decrypt, group-commit to the
// inbox, answer) with processing switched off, to see the cost of acknowledging alone.
import { serve } from '@hono/node-server';
import { loadConfig } from '../../src/config';
import { openSqlite } from '../../src/store/sqlite';
import { buildServices } from '../../src/server';
import { memoryLogger } from '../../src/log';
import { InboxWriter } from '../../src/store/inbox-writer';

const config = loadConfig(process.env);
const d = openSqlite(config.DATABASE_PATH);
const writer = new InboxWriter(d.sqlite);
const s = buildServices(config, d, memoryLogger(), () => undefined, { accept: (e, at) => writer.accept(e, at), onAccepted: () => undefined });
serve({ fetch: s.app.fetch, port: config.PORT, hostname: '127.0.0.1' }, () => console.log('ready'));
process.on('SIGINT', () => process.exit(0));
