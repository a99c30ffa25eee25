/**
 * Parses one byte range of a logger file into binary COPY rows for run_samples and logger_events,
 * with counts, rejections (line, span, code, reason) and the SHA-256 of the rows produced. Convert
 * streams the sample chunks into COPY as they come; validation and the dry run only keep the sums.
 */
import type { Hash } from 'node:crypto';
import { FerryError } from '../errors';
import { BinaryCopyWriter } from './copy-binary';
import { readCsvRange, type CsvRange } from './csv-source';
import { mapHeader, type HeaderMap } from './header-map';
import { LineMapper, type LineCounts, type Rejection } from './line-mapper';

export interface LineRejection extends Rejection {
  readonly line: number;
  readonly span: number;
}

export interface SegmentParse {
  readonly header: HeaderMap;
  readonly counts: LineCounts;
  readonly rejections: LineRejection[];
  readonly nextLine: number;
  readonly samplesSha256: string;
  readonly eventsSha256: string;
  /** Event rows (binary COPY chunks), kept for loading after the samples. */
  readonly eventChunks: Buffer[];
}

export interface ParseSegmentOptions {
  /** How the file is named in messages. */
  readonly file: string;
  readonly runId: number;
  /** The header fields, when the range starts after the header line. */
  readonly header?: readonly string[];
  /** Receives sample chunks as they fill (a COPY stream); without it they are dropped. */
  readonly onSampleChunks?: (chunks: Buffer[]) => Promise<void>;
  /** Called between file chunks with the physical line reached. */
  readonly progress?: (line: number) => void;
  /** Fed every byte of the range (to extend a prefix checksum). */
  readonly hash?: Hash;
  /**
   * Only records starting before this physical line are mapped, and reading stops soon after (a
   * spot check of a segment's first records; they come out exactly as in a full parse, since the
   * parser never sees an artificial end). Counts, checksums and nextLine then cover those records only.
   */
  readonly untilLine?: number;
}

export async function parseSegment(range: CsvRange, options: ParseSegmentOptions): Promise<SegmentParse> {
  const samples = new BinaryCopyWriter();
  const events = new BinaryCopyWriter();
  const rejections: LineRejection[] = [];
  let mapper: LineMapper | undefined = options.header ? new LineMapper(mapHeader(options.header, options.file), options.runId, samples, events) : undefined;
  let line = range.fromLine;
  const until = options.untilLine ?? Number.POSITIVE_INFINITY;
  let stopped = false;
  const result = await readCsvRange(range, {
    done: () => stopped,
    header(fields) {
      mapper = new LineMapper(mapHeader(fields, options.file), options.runId, samples, events);
    },
    record(fields, at, span) {
      if (at >= until || stopped) {
        stopped = true;
        return;
      }
      line = at;
      if (!mapper) mapper = new LineMapper(mapHeader(fields, options.file), options.runId, samples, events);
      const rejection = mapper.map(fields);
      if (rejection) rejections.push({ ...rejection, line: at, span });
    },
    syntaxError(at, reason) {
      if (at >= until || stopped) {
        stopped = true;
        return;
      }
      line = at;
      if (!mapper) throw new FerryError('BAD_HEADER', `"${options.file}": the header line cannot be parsed (${reason}).`, { retryable: false, record: { file: options.file, line: at } });
      mapper.counts.records++;
      mapper.counts.rejected++;
      rejections.push({ code: 'CSV_SYNTAX', reason, line: at, span: 1 });
    },
    async afterChunk() {
      const chunks = samples.take();
      if (options.onSampleChunks && chunks.length > 0) await options.onSampleChunks(chunks);
      options.progress?.(line);
    },
  }, options.hash);
  if (!mapper) {
    // An empty file (or only a header): nothing to map.
    mapper = new LineMapper(mapHeader(options.header ?? ['Timestamp'], options.file), options.runId, samples, events);
  }
  const sampleEnd = samples.finish();
  if (options.onSampleChunks) await options.onSampleChunks(sampleEnd.chunks);
  const eventEnd = events.finish();
  return {
    header: mapper.header,
    counts: mapper.counts,
    rejections,
    nextLine: result.nextLine,
    samplesSha256: sampleEnd.sha256,
    eventsSha256: eventEnd.sha256,
    eventChunks: eventEnd.chunks,
  };
}
