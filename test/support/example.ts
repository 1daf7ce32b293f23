// The shipped example township, for tests: who is who, and the chats.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXAMPLES_DIR } from '../../src/township/seed';
import type { Township } from '../../src/township/schema';

export const exampleJson = (): Township => JSON.parse(readFileSync(resolve(EXAMPLES_DIR, 'township.json'), 'utf8')) as Township;

const t = exampleJson();
const byName = (name: string) => {
  const p = t.people.find((x) => x.name === name);
  if (!p?.openId) throw new Error(`example person ${name} has no openId`);
  return p.openId;
};
const chatOf = (village: string) => t.villages.find((v) => v.name === village)!.chatId!;

export const EX = {
  office: byName('周建华'),
  leader: byName('杨国平'),
  inspector: byName('陈静'),
  shimen: {
    name: '石门村',
    chat: chatOf('石门村'),
    packageCadre: byName('王磊'),
    firstSecretary: byName('马超'),
    cadre: byName('杨光明'),
  },
  yanjiao: { name: '岩脚村', chat: chatOf('岩脚村'), cadre: byName('龙德贵'), packageCadre: byName('张敏'), firstSecretary: byName('胡晓燕') },
  qingshuiCun: { name: '清水村', chat: chatOf('清水村'), cadre: byName('田建国'), packageCadre: byName('赵琳') },
  leadersChat: t.chats!.leaders!,
  inspectorsChat: t.chats!.inspectors!,
  nonPartyCadre: byName('欧阳芳'),
};
