// The reference: the Lark SDK's own adaptDefault + EventDispatcher with the same keys. It
// verifies and decrypts, and stores nothing.
import * as lark from '@larksuiteoapi/node-sdk';
import { createServer } from 'node:http';

let handled = 0;
const dispatcher = new lark.EventDispatcher({
  encryptKey: process.env.FEISHU_ENCRYPT_KEY,
  verificationToken: process.env.FEISHU_VERIFICATION_TOKEN,
  loggerLevel: lark.LoggerLevel.error,
}).register({
  'im.message.receive_v1': async () => {
    handled++;
    return {};
  },
});
const server = createServer(lark.adaptDefault('/feishu/events', dispatcher, { autoChallenge: true }));
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => {
  console.error(`sdk handled ${handled}`);
  process.exit(0);
});
