/**
 * Where a spreadsheet's bytes come from, without node:fs: bytes in memory (a file sent in a
 * chat, on Node or on Workers) or, through src/import/sheet/file.ts (Node only), a file path.
 * The readers only ask for the size, a range (the zip directory of an .xlsx) and a stream of
 * chunks (the CSV, an .xlsx entry).
 */
export interface ByteSource {
  /** the file name, for the format guess and for messages ('' when unknown) */
  readonly name: string;
  size(): Promise<number>;
  /** `length` bytes from `offset` (fewer at the end of the file) */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** the bytes from `start` to `end` (exclusive; default: to the end) in chunks */
  chunks(start?: number, end?: number): AsyncIterable<Uint8Array>;
}

/** A problem with the file as a whole (missing, unreadable, not a spreadsheet, over a cap), in Chinese. */
export class SheetFileError extends Error {}

const CHUNK = 1 << 16;

export function bytesSource(data: Uint8Array, name = ''): ByteSource {
  return {
    name,
    size: async () => data.length,
    read: async (offset, length) => data.subarray(offset, Math.min(data.length, offset + length)),
    async *chunks(start = 0, end = data.length) {
      const stop = Math.min(end, data.length);
      for (let p = start; p < stop; p += CHUNK) yield data.subarray(p, Math.min(stop, p + CHUNK));
    },
  };
}
