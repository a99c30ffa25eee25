/**
 * Typed arrays reused from one lap to the next within a thread, for work that is finished before
 * the next lap starts (decoding, encoding). A view stays valid only until the same slot is asked
 * for again: never keep one, or hand it to anything that outlives the call.
 */
const f64 = new Map<string, Float64Array>();
const i32 = new Map<string, Int32Array>();
const u8 = new Map<string, Uint8Array>();

function take<A extends Float64Array | Int32Array | Uint8Array>(slots: Map<string, A>, slot: string, length: number, make: (n: number) => A): A {
  let a = slots.get(slot);
  if (!a || a.length < length) {
    a = make(Math.max(length, Math.ceil((a?.length ?? 0) * 1.5)));
    slots.set(slot, a);
  }
  return a.subarray(0, length) as A;
}

export const scratchFloat64 = (slot: string, length: number) => take(f64, slot, length, (n) => new Float64Array(n));
export const scratchInt32 = (slot: string, length: number) => take(i32, slot, length, (n) => new Int32Array(n));
export const scratchUint8 = (slot: string, length: number) => take(u8, slot, length, (n) => new Uint8Array(n));
