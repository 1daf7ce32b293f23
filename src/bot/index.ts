// The bot with every feature registered. Features add themselves here, one line each.
import { Bot } from './bot';
import { help } from './features/help';
import { setup } from './features/setup';
import { progress } from './features/progress';

export function createBot(): Bot {
  return new Bot().use(help).use(setup).use(progress);
}
