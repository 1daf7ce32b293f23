import autocannon from 'autocannon';
import { messageEnvelope, signedRequest } from '../test/support/events';
const port = Number(process.argv[2]);
const bodies = Array.from({ length: 120000 }, (_, i) => signedRequest(messageEnvelope({ text: '帮助', openId: 'ou_load', chatId: `oc_${i % 100}`, messageId: `om_p_${i}`, eventId: `ev_p_${i}` })));
let i = 0;
const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 32, duration: 8, requests: [{ method: 'POST', path: '/feishu/events', setupRequest: (req) => { const b = bodies[i++ % bodies.length]!; return { ...req, body: b.body, headers: { ...req.headers, ...b.headers } }; } }] });
console.log(Math.round(r.requests.total / r.duration), r.latency.p99, r.non2xx);
