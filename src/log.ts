// A tiny line logger. Never give it secrets: tokens, keys and full ID numbers stay out of logs.
export interface Logger {
  info(msg: string, extra?: Record<string, unknown>): void;
  warn(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
}

export function consoleLogger(prefix = ''): Logger {
  const line = (level: string, msg: string, extra?: Record<string, unknown>) =>
    `${new Date().toISOString()} ${level} ${prefix}${msg}${extra ? ' ' + JSON.stringify(extra) : ''}`;
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
    void lines.push(`${level} ${m}${e ? ' ' + JSON.stringify(e) : ''}`);
  return { lines, info: push('INFO'), warn: push('WARN'), error: push('ERROR') };
}
