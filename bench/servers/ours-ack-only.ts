// Diagnostic: our webhook path (verify, decrypt, persist to the inbox, answer) with processing off.
import { serve } from '@hono/node-server';
import { loadConfig } from '../../src/config';
import { openSqlite } from '../../src/store/sqlite';
import { buildServices } from '../../src/server';
import { memoryLogger } from '../../src/log';

const config = loadConfig(process.env);
const d = openSqlite(config.DATABASE_PATH);
const s = buildServices(config, d, memoryLogger(), () => undefined);
serve({ fetch: s.app.fetch, port: config.PORT, hostname: '127.0.0.1' }, () => console.log('ready'));
