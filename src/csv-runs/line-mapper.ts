/**
 * Turns one CSV record of a logger file into a run_samples row and/or a logger_events row (written
 * straight into binary COPY writers), or a rejection with a stable code. A data line whose readings
 * are missing or not numbers keeps NULLs in those columns; a line with an event level is an event
 * (and also a sample when it carries readings). Counts are kept so validation can reconcile
 * samples + event-only lines + rejected lines = data lines.
 */
import { BinaryCopyWriter, maxUtf8Bytes } from './copy-binary';
import type { HeaderMap } from './header-map';
import { parseTimestampMicros } from './timestamp';

export interface Rejection {
  readonly code: 'COLUMN_COUNT' | 'BAD_TIMESTAMP' | 'BAD_TEXT' | 'CSV_SYNTAX';
  readonly reason: string;
}

export interface LineCounts {
  /** Data records seen (the header and empty lines excluded). */
  records: number;
  samples: number;
  events: number;
  /** Event lines without readings (they produce no sample). */
  eventOnly: number;
  rejected: number;
  /** Reading fields that were present but not numbers (stored as NULL). */
  nonNumeric: number;
  firstMicros: number | null;
  lastMicros: number | null;
}

export function emptyCounts(): LineCounts {
  return { records: 0, samples: 0, events: 0, eventOnly: 0, rejected: 0, nonNumeric: 0, firstMicros: null, lastMicros: null };
}

/** Fields of a sample row: run_id, recorded_at and the ten readings. */
const sampleFields = 12;
const sampleMaxBytes = 8 + 12 + 10 * 12;

export class LineMapper {
  readonly counts = emptyCounts();
  private readonly readings: number[];

  constructor(
    readonly header: HeaderMap,
    private readonly runId: number,
    readonly samples: BinaryCopyWriter,
    readonly events: BinaryCopyWriter,
  ) {
    this.readings = [...header.readings];
  }

  /** Maps one record; returns the rejection when it is not ingestible. */
  map(fields: readonly string[]): Rejection | undefined {
    const header = this.header;
    this.counts.records++;
    if (fields.length !== header.fields.length) {
      return this.reject('COLUMN_COUNT', `expected ${header.fields.length} fields, got ${fields.length}`);
    }
    const micros = parseTimestampMicros(fields[header.timestamp]);
    if (micros === null) {
      return this.reject('BAD_TIMESTAMP', `unparseable timestamp ${JSON.stringify(fields[header.timestamp].slice(0, 40))}`);
    }
    const level = header.level >= 0 ? fields[header.level].trim() : '';
    const message = header.message >= 0 ? fields[header.message] : '';
    if (level !== '' && (level.includes('\0') || message.includes('\0'))) {
      return this.reject('BAD_TEXT', 'event text contains a NUL character, which PostgreSQL text cannot hold');
    }
    let hasReadings = false;
    for (const index of this.readings) {
      if (index >= 0 && fields[index].trim() !== '') {
        hasReadings = true;
        break;
      }
    }
    const counts = this.counts;
    if (counts.firstMicros === null || micros < counts.firstMicros) counts.firstMicros = micros;
    if (counts.lastMicros === null || micros > counts.lastMicros) counts.lastMicros = micros;
    if (level !== '') {
      const events = this.events;
      events.beginRow(4, 8 + 12 + 8 + maxUtf8Bytes(level) + maxUtf8Bytes(message));
      events.int4(this.runId);
      events.timestampMicros(micros);
      events.text(level);
      events.text(message);
      counts.events++;
      if (!hasReadings) {
        counts.eventOnly++;
        return undefined;
      }
    }
    const samples = this.samples;
    samples.beginRow(sampleFields, sampleMaxBytes);
    samples.int4(this.runId);
    samples.timestampMicros(micros);
    for (const index of this.readings) samples.float8(index < 0 ? null : this.number(fields[index]));
    counts.samples++;
    return undefined;
  }

  private number(text: string): number | null {
    if (text === '') return null;
    const value = +text;
    if (value === 0 && text.trim() === '') return null;
    // `+` also accepts hex/octal/binary literals and "Infinity": none of them is a reading.
    if (!Number.isFinite(value) || (Number.isInteger(value) && isPrefixedLiteral(text))) {
      this.counts.nonNumeric++;
      return null;
    }
    return value;
  }

  private reject(code: Rejection['code'], reason: string): Rejection {
    this.counts.rejected++;
    return { code, reason };
  }
}

/**
 * Whether an integer-valued text is a 0x/0o/0b literal. Those never start with a sign, a dot or
 * 1–9, and start "0x", "0o" or "0b" unless blanks come first; only that last case needs the scan.
 */
function isPrefixedLiteral(text: string): boolean {
  const first = text.charCodeAt(0);
  if ((first >= 49 && first <= 57) || first === 43 || first === 45 || first === 46) return false;
  if (first === 48) {
    const second = text.charCodeAt(1) | 0x20; // lower case
    return second === 120 || second === 111 || second === 98;
  }
  return /[xob]/i.test(text);
}
