// The ceiling: a bare Hono handler that reads the body and answers 200.
import { Hono } from 'hono';
import { serve } from '@hono/node-server';

const app = new Hono();
app.post('/feishu/events', async (c) => {
  await c.req.arrayBuffer();
  return c.json({});
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => console.log('ready'));
