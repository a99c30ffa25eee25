/**
 * A growable byte buffer that is reused: appending copies into memory it already holds, and
 * `reset` keeps that memory for the next round. Streaming a large session through short-lived
 * Buffers leaves tens of megabytes of garbage outside the JavaScript heap before a collection runs;
 * reusing a few buffers keeps a session's memory at the size of its largest chunk.
 */
import { open } from 'node:fs/promises';

export class ByteBuilder {
  private buffer: Buffer;
  private used = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.used;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  appendByte(byte: number): void {
    this.reserve(1);
    this.buffer[this.used++] = byte;
  }

  /** The bytes appended since the last reset; valid until the next append or reset. */
  view(from = 0, to = this.used): Buffer {
    return this.buffer.subarray(from, to);
  }

  reset(): void {
    this.used = 0;
  }

  /** Makes room for `bytes` more and returns the writable space (for reading a file straight in). */
  reserve(bytes: number): Buffer {
    if (this.used + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.used + bytes, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    return this.buffer.subarray(this.used, this.used + bytes);
  }

  /** Counts `bytes` written into the space `reserve` returned. */
  advance(bytes: number): void {
    this.used += bytes;
  }
}

/** Replaces the builder's bytes with the whole content of `file`; returns the view of them. */
export async function readFileInto(file: string, builder: ByteBuilder): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    builder.reset();
    const { size } = await handle.stat();
    for (;;) {
      const space = builder.reserve(Math.max(size - builder.length, 64 * 1024));
      const { bytesRead } = await handle.read(space, 0, space.length, builder.length);
      if (bytesRead === 0) break;
      builder.advance(bytesRead);
    }
    return builder.view();
  } finally {
    await handle.close();
  }
}

/**
 * Reads `file` (or the byte range [start, end)) piece by piece into one reused buffer, handing each
 * piece to `onPiece`, which must be done with it when its promise settles.
 */
export async function readPieces(file: string, pieceBytes: number, onPiece: (piece: Buffer) => void | Promise<void>, range: { start?: number; end?: number } = {}): Promise<number> {
  const handle = await open(file, 'r');
  const buffer = Buffer.allocUnsafe(pieceBytes);
  let position = range.start ?? 0;
  let total = 0;
  try {
    for (;;) {
      const want = range.end === undefined ? pieceBytes : Math.min(pieceBytes, range.end - position);
      if (want <= 0) break;
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      total += bytesRead;
      await onPiece(buffer.subarray(0, bytesRead));
    }
    return total;
  } finally {
    await handle.close();
  }
}
