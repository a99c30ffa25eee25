/**
 * Encodes rows in PostgreSQL's binary COPY format (header, tuples, trailer) into ~256 KB chunks,
 * hashing every byte it produces. Binary COPY skips number and date parsing on the server, and it
 * makes a content checksum exact: `COPY (SELECT …) TO STDOUT (FORMAT binary)` of the same rows
 * yields the same bytes, so validation compares file, load and table by SHA-256.
 */
import { createHash, type Hash } from 'node:crypto';

const signature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
const postgresEpochMicros = 946_684_800_000_000;
const twoTo32 = 4_294_967_296;
const chunkSize = 256 * 1024;

export class BinaryCopyWriter {
  private buffer = Buffer.allocUnsafe(chunkSize);
  private position = 0;
  private readonly ready: Buffer[] = [];
  private readonly hash: Hash = createHash('sha256');
  rows = 0;
  bytes = 0;

  constructor() {
    signature.copy(this.buffer, 0);
    this.buffer.writeInt32BE(0, 11); // flags
    this.buffer.writeInt32BE(0, 15); // header extension length
    this.position = 19;
  }

  /** Starts a tuple of `fields` fields; `maxBytes` bounds its encoded size (so it fits the chunk). */
  beginRow(fields: number, maxBytes: number): void {
    if (this.position + maxBytes + 2 > this.buffer.length) this.rotate(maxBytes + 2);
    this.buffer.writeInt16BE(fields, this.position);
    this.position += 2;
    this.rows++;
  }

  int4(value: number): void {
    this.buffer.writeInt32BE(4, this.position);
    this.buffer.writeInt32BE(value, this.position + 4);
    this.position += 8;
  }

  /** A timestamptz given as microseconds since the Unix epoch. */
  timestampMicros(micros: number): void {
    const value = micros - postgresEpochMicros;
    const high = Math.floor(value / twoTo32);
    this.buffer.writeInt32BE(8, this.position);
    this.buffer.writeInt32BE(high, this.position + 4);
    this.buffer.writeUInt32BE(value - high * twoTo32, this.position + 8);
    this.position += 12;
  }

  float8(value: number | null): void {
    if (value === null) {
      this.buffer.writeInt32BE(-1, this.position);
      this.position += 4;
      return;
    }
    this.buffer.writeInt32BE(8, this.position);
    this.buffer.writeDoubleBE(value, this.position + 4);
    this.position += 12;
  }

  /** Text whose UTF-8 length is at most `maxBytes` given to beginRow. */
  text(value: string): void {
    const length = this.buffer.write(value, this.position + 4, 'utf8');
    this.buffer.writeInt32BE(length, this.position);
    this.position += 4 + length;
  }

  /** Chunks completed so far (each hashed already); the caller writes them to the COPY stream. */
  take(): Buffer[] {
    return this.ready.splice(0, this.ready.length);
  }

  /** Adds the trailer and returns the remaining chunks and the SHA-256 of all bytes produced. */
  finish(): { chunks: Buffer[]; sha256: string } {
    if (this.position + 2 > this.buffer.length) this.rotate(2);
    this.buffer.writeInt16BE(-1, this.position);
    this.position += 2;
    this.rotate(0);
    return { chunks: this.take(), sha256: this.hash.digest('hex') };
  }

  private rotate(need: number): void {
    if (this.position > 0) {
      const done = this.buffer.subarray(0, this.position);
      this.hash.update(done);
      this.bytes += done.length;
      this.ready.push(done);
    }
    this.buffer = Buffer.allocUnsafe(Math.max(chunkSize, need));
    this.position = 0;
  }
}

/** Upper bound of a string's UTF-8 length without encoding it. */
export function maxUtf8Bytes(value: string): number {
  return value.length * 3;
}
