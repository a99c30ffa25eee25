/**
 * A few large buffers kept for reuse. A lap's bytes travel to a lap thread and come back; reusing
 * them instead of allocating ~1 MB per lap keeps the garbage collector (which off-heap memory
 * churn drives to frequent full collections) out of the way of the threads reading and encoding.
 */
const kept: ArrayBuffer[] = [];
const maxKept = 8;

/** A buffer of at least `size` bytes, new or reused (its contents are not cleared), as a view of exactly `size`. */
export function takeBuffer(size: number): Uint8Array {
  const at = kept.findIndex((b) => b.byteLength >= size);
  if (at >= 0) return new Uint8Array(kept.splice(at, 1)[0], 0, size);
  // Some headroom, so that the next lap, a little longer, fits too.
  return new Uint8Array(new ArrayBuffer(Math.ceil(size * 1.25)), 0, size);
}

/** Hands a buffer back for reuse; the oldest is dropped when enough are kept. */
export function giveBack(buffer: ArrayBuffer): void {
  if (buffer.byteLength === 0) return;
  kept.push(buffer);
  if (kept.length > maxKept) kept.shift();
}
