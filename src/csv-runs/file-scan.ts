/**
 * One read of a file for the inventory: its size, SHA-256, the number of lines, where its last
 * complete line ends (a logger may be half-way through writing the next one), and the SHA-256 of
 * the prefix an earlier ingestion covered (to tell "grew" from "was rewritten").
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface FileScan {
  readonly size: number;
  readonly sha256: string;
  /** Newline characters in the file. */
  readonly lines: number;
  /** Offset just past the last newline (0 when there is none). */
  readonly completeEnd: number;
  /** SHA-256 of bytes [0, prefixLength) when asked for and the file is that long. */
  readonly prefixSha256?: string;
  readonly mtime: Date;
}

export async function scanFile(path: string, prefixLength?: number): Promise<FileScan> {
  const info = await stat(path);
  // Read no further than the size seen now, so the figures describe one consistent prefix.
  const size = info.size;
  const whole = createHash('sha256');
  const prefix = prefixLength !== undefined && prefixLength <= size ? createHash('sha256') : undefined;
  let lines = 0;
  let completeEnd = 0;
  let offset = 0;
  if (size > 0) {
    for await (const chunk of createReadStream(path, { end: size - 1, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      whole.update(chunk);
      if (prefix && offset < prefixLength!) prefix.update(chunk.subarray(0, Math.min(chunk.length, prefixLength! - offset)));
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) {
        lines++;
        completeEnd = offset + i + 1;
      }
      offset += chunk.length;
    }
  }
  return { size, sha256: whole.digest('hex'), lines, completeEnd, prefixSha256: prefix?.digest('hex'), mtime: info.mtime };
}
