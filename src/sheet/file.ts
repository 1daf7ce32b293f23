// A file path as a ByteSource (Node only: the CLI). Synchronous reads of 32 KiB: for a CLI
// reading one file, Node streams cost more than the parsing (docs/BENCHMARKS.md, cross-check).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { SheetFileError, type ByteSource } from './source';

const CHUNK = 1 << 15;

/** Opens nothing yet; a missing or unreadable file throws SheetFileError on first use. */
export function fileSource(path: string): ByteSource {
  const fail = (e: unknown): never => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SheetFileError(`找不到文件 ${path}`);
    if (code === 'EISDIR') throw new SheetFileError(`${basename(path)} 是一个目录，不是文件`);
    throw new SheetFileError(`无法读取文件 ${path}（${code ?? String(e)}）`);
  };
  const withFd = <T>(f: (fd: number) => T): T => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
      if (statSync(path).isDirectory()) throw Object.assign(new Error('dir'), { code: 'EISDIR' });
    } catch (e) {
      return fail(e);
    }
    try {
      return f(fd);
    } catch (e) {
      return fail(e);
    } finally {
      closeSync(fd);
    }
  };
  return {
    name: basename(path),
    size: async () => withFd(() => statSync(path).size),
    read: async (offset, length) =>
      withFd((fd) => {
        const buf = new Uint8Array(length);
        const n = readSync(fd, buf, 0, length, offset);
        return buf.subarray(0, n);
      }),
    async *chunks(start = 0, end = Number.POSITIVE_INFINITY) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (e) {
        fail(e);
        return;
      }
      try {
        let position = start;
        while (position < end) {
          // a fresh buffer each time: the consumer may keep the chunk
          const buf = Buffer.allocUnsafe(Math.min(CHUNK, end - position));
          let n: number;
          try {
            n = readSync(fd, buf, 0, buf.length, position);
          } catch (e) {
            fail(e);
            return;
          }
          if (n === 0) break;
          position += n;
          yield buf.subarray(0, n);
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}
