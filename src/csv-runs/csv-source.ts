/**
 * Reads a byte range of a CSV file through csv-parse, record by record, with the physical line
 * number each record starts on. Real CSV rules: quoted fields (with commas, quotes and newlines),
 * CRLF or LF line ends, a UTF-8 BOM at the start of the file. A syntax error (a quote never closed)
 * costs only its own physical line: it is reported and parsing restarts on the next line.
 *
 * Records come from RecordSplitter (csv-parse's rules, several times faster on logger lines); lines
 * are counted here.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { RecordSplitter } from './record-splitter';

export interface CsvRange {
  readonly path: string;
  /** Byte offset of the first byte to read (0 = the start of the file, header included). */
  readonly fromOffset: number;
  /** Byte offset just past the last byte to read (the end of a complete line). */
  readonly toOffset: number;
  /** Physical line number (1-based) of the line starting at fromOffset. */
  readonly fromLine: number;
}

export interface CsvVisitor {
  /** The header record (only when reading from offset 0). */
  header?(fields: string[], line: number): void;
  /** A record other than the header or an empty line. */
  /** `span` is the number of physical lines the record covers (quoted newlines). */
  record(fields: string[], line: number, span: number): void;
  /** A line the parser could not read. */
  syntaxError(line: number, reason: string): void;
  /** Called between file chunks, for back-pressure and heartbeats. */
  afterChunk?(): Promise<void>;
  /** Checked between file chunks: true ends the read early (a spot check needs only the first records). */
  done?(): boolean;
}

export interface CsvRangeResult {
  /** Physical line number just past the range (the next range's fromLine). */
  readonly nextLine: number;
  /** Bytes the range held. */
  readonly bytes: number;
}

/**
 * Visits every record of the range. `hash`, when given, is fed every byte of the range exactly once
 * (so a caller can extend a prefix checksum).
 */
export async function readCsvRange(range: CsvRange, visitor: CsvVisitor, hash?: Hash): Promise<CsvRangeResult> {
  let start = range.fromOffset;
  let line = range.fromLine;
  let hashedTo = range.fromOffset;
  let expectHeader = range.fromOffset === 0;
  while (start < range.toOffset) {
    const core = new RecordSplitter(start === 0);
    let failure: Error | undefined;
    const push = (fields: string[]) => {
      const at = line;
      const span = 1 + newlinesIn(fields);
      line += span;
      if (fields.length === 1 && fields[0] === '') return; // an empty line
      if (expectHeader) {
        expectHeader = false;
        visitor.header?.(fields, at);
        return;
      }
      visitor.record(fields, at, span);
    };
    let offset = start;
    const stream = createReadStream(range.path, { start, end: range.toOffset - 1, highWaterMark: 256 * 1024 });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (hash && offset + chunk.length > hashedTo) {
          hash.update(chunk.subarray(Math.max(0, hashedTo - offset)));
          hashedTo = offset + chunk.length;
        }
        offset += chunk.length;
        failure = core.parse(chunk, false, push, () => undefined);
        if (failure) break;
        await visitor.afterChunk?.();
        if (visitor.done?.()) return { nextLine: line, bytes: offset - range.fromOffset };
      }
      if (!failure) failure = core.parse(undefined, true, push, () => undefined);
    } finally {
      stream.destroy();
    }
    if (!failure) return { nextLine: line, bytes: range.toOffset - range.fromOffset };
    // The record starting at `line` is unreadable: report its first physical line, go on after it.
    visitor.syntaxError(line, failure.message.replace(/\s+/g, ' ').slice(0, 200));
    if (visitor.done?.()) return { nextLine: line, bytes: offset - range.fromOffset };
    const next = await offsetOfLine(range, line + 1);
    if (hash && next > hashedTo) {
      // Bytes the failed attempt never read still belong to the checksum.
      await hashBytes(range.path, hashedTo, next, hash);
      hashedTo = next;
    }
    line += 1;
    start = next;
    expectHeader = false;
  }
  if (hash && hashedTo < range.toOffset) await hashBytes(range.path, hashedTo, range.toOffset, hash);
  return { nextLine: line, bytes: range.toOffset - range.fromOffset };
}

function newlinesIn(fields: string[]): number {
  let count = 0;
  for (const field of fields) {
    if (field.length > 0 && field.includes('\n')) {
      for (let i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) count++;
    }
  }
  return count;
}

/** Byte offset where physical line `target` starts (or the range end). */
export async function offsetOfLine(range: CsvRange, target: number): Promise<number> {
  let line = range.fromLine;
  if (target <= line) return range.fromOffset;
  const handle = await open(range.path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(256 * 1024);
    let position = range.fromOffset;
    while (position < range.toOffset) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, range.toOffset - position), position);
      if (bytesRead === 0) break;
      for (let i = buffer.indexOf(10); i >= 0 && i < bytesRead; i = buffer.indexOf(10, i + 1)) {
        line++;
        if (line === target) return position + i + 1;
      }
      position += bytesRead;
    }
    return range.toOffset;
  } finally {
    await handle.close();
  }
}

/** The text of physical lines [from, to) of a range (for quarantined records). */
export async function readLines(range: CsvRange, from: number, to: number): Promise<string> {
  const start = await offsetOfLine(range, from);
  const end = await offsetOfLine(range, to);
  const handle = await open(range.path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(end - start, 64 * 1024));
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8').replace(/\r?\n$/, '');
  } finally {
    await handle.close();
  }
}

async function hashBytes(path: string, from: number, to: number, hash: Hash): Promise<void> {
  if (to <= from) return;
  for await (const chunk of createReadStream(path, { start: from, end: to - 1 }) as AsyncIterable<Buffer>) hash.update(chunk);
}

/** SHA-256 of bytes [0, to) of a file. */
export async function sha256Prefix(path: string, to: number): Promise<string> {
  const hash = createHash('sha256');
  await hashBytes(path, 0, to, hash);
  return hash.digest('hex');
}

/**
 * One read of bytes [0, to): their SHA-256 and the newline characters in [from, to) (the physical
 * lines of a range that ends on a line end).
 */
export async function prefixAndLines(path: string, from: number, to: number): Promise<{ sha256: string; newlines: number }> {
  const hash = createHash('sha256');
  let newlines = 0;
  let offset = 0;
  if (to > 0) {
    for await (const chunk of createReadStream(path, { start: 0, end: to - 1, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      const skip = Math.max(0, from - offset);
      if (skip < chunk.length) for (let i = chunk.indexOf(10, skip); i >= 0; i = chunk.indexOf(10, i + 1)) newlines++;
      offset += chunk.length;
    }
  }
  return { sha256: hash.digest('hex'), newlines };
}
