// A tiny line logger. Never give it secrets: tokens and keys stay out of logs. Every line is
// masked on its way out (maskIdsInText), so no full ID number reaches a log, whatever was passed.
import { maskIdsInText } from './core/idcard';

const safe = (msg: string, extra?: Record<string, unknown>) => maskIdsInText(`${msg}${extra ? ' ' + JSON.stringify(extra) : ''}`);
export interface Logger {
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
}

export function consoleLogger(prefix = ''): Logger {
  const line = (level: string, msg: string, extra?: Record<string, unknown>) =>
    `${new Date().toISOString()} ${level} ${prefix}${safe(msg, extra)}`;
  return {
    info: (m, e) => console.log(line('INFO ', m, e)),
    warn: (m, e) => console.warn(line('WARN ', m, e)),
    error: (m, e) => console.error(line('ERROR', m, e)),
  };
}

/** Collects lines in memory; for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string, e?: Record<string, unknown>) =>
    void lines.push(`${level} ${safe(m, e)}`);
  return { lines, info: push('INFO'), warn: push('WARN'), error: push('ERROR') };
}
