/**
 * How far V8 lets the JavaScript heap grow past what survived the last full collection before it
 * starts the next one. A worker's heap holds the whole Temporal SDK (~70 MB live), while
 * telemetry conversion keeps promoting short-lived lap objects a few MB at a time: with V8's
 * default factor the headroom above 70 MB stayed barely larger than the young generation, so a
 * full collection of the whole heap started every ~0.3 s and freed almost nothing (~47 during
 * one 5 M-sample migration, several CPU s of marking on a 2-core machine). Doubling the headroom
 * cut them by about two thirds. The cost: the heap may grow to twice its live size between
 * collections.
 *
 * `FERRY_HEAP_GROWING_PERCENT` overrides the value (0 = V8's own policy); a `--heap-growing-percent`
 * given to node itself (`node --heap-growing-percent=… bin/ferry.js worker`) wins.
 */
import { setFlagsFromString } from 'node:v8';

export const defaultHeapGrowingPercent = 100;

const nodeFlag = /^--heap[-_]growing[-_]percent=(\d+)$/;

/**
 * The percent to set, or null when node was started with its own `--heap-growing-percent`.
 * Throws for a `FERRY_HEAP_GROWING_PERCENT` that is not an integer from 0 to 1000.
 */
export function heapGrowingPercent(env: NodeJS.ProcessEnv, execArgv: readonly string[]): number | null {
  // Node refuses the flag in NODE_OPTIONS, so only its own arguments can carry it.
  if (execArgv.some((arg) => nodeFlag.test(arg))) return null;
  const raw = env.FERRY_HEAP_GROWING_PERCENT?.trim();
  if (raw === undefined || raw === '') return defaultHeapGrowingPercent;
  const percent = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(percent <= 1000)) throw new Error(`FERRY_HEAP_GROWING_PERCENT must be an integer from 0 to 1000 (0 = V8's default), got "${raw}"`);
  return percent;
}

let applied = false;

/** Sets V8's heap growing factor for this process (all its threads), once. */
export function applyHeapGrowth(): void {
  if (applied) return;
  const percent = heapGrowingPercent(process.env, process.execArgv);
  applied = true;
  // V8 reads the flag each time it sizes the heap after a collection, so setting it late works.
  if (percent) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
