/** The byte buffer Ferry's Parquet page writers fill (lap-page-encoder.ts and the value writers it calls). */

/** Growable byte buffer with the varint forms Parquet uses. */
export class Bytes {
  buf = new Uint8Array(1 << 16);
  length = 0;
  /** Makes room for `n` more bytes (writers may then fill `buf` directly). */
  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }
  /** ULEB128 of a non-negative integer up to 2^53. */
  uleb(v: number): void {
    this.reserve(8);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }
  /** Zigzag ULEB128 of an integer within ±2^52. */
  zigzag(v: number): void {
    this.uleb(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
