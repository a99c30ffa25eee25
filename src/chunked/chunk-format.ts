/**
 * The bytes of one chunk file: `[` + the items' original bytes joined by `,` + `]`. The writer makes
 * chunks this way and validation relies on it: a chunk whose SHA-256 equals that of the original
 * items framed the same way holds exactly those items, value for value.
 */
import { ByteBuilder } from './byte-builder';

const OPEN = 0x5b;
const COMMA = 0x2c;
const CLOSE = 0x5d;

/** Builds one chunk from item bytes (copied in, so the caller's buffers may be reused); reusable after `reset`. */
export class ChunkAssembler {
  private readonly bytes = new ByteBuilder();
  private readonly ends: number[] = [];
  private closed = false;

  get count(): number {
    return this.ends.length;
  }

  /** Bytes so far, without the closing bracket. */
  get size(): number {
    return this.bytes.length;
  }

  add(raw: Uint8Array): void {
    if (this.closed) throw new Error('chunk already assembled; reset it first');
    this.bytes.appendByte(this.ends.length === 0 ? OPEN : COMMA);
    this.bytes.append(raw);
    this.ends.push(this.bytes.length);
  }

  /** The bytes of item `index` of this chunk. */
  item(index: number): Buffer {
    return this.bytes.view(index === 0 ? 1 : this.ends[index - 1] + 1, this.ends[index]);
  }

  /** The whole chunk file's bytes; valid until `reset`. */
  assembled(): Buffer {
    if (!this.closed) {
      if (this.ends.length === 0) this.bytes.appendByte(OPEN);
      this.bytes.appendByte(CLOSE);
      this.closed = true;
    }
    return this.bytes.view();
  }

  reset(): void {
    this.bytes.reset();
    this.ends.length = 0;
    this.closed = false;
  }
}
