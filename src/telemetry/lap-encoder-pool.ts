/**
 * Encodes laps on background threads so that reading the next lap from PostgreSQL (main thread)
 * and encoding the previous one (zstd in parquet-wasm, the costliest part of a conversion) run at
 * the same time. One pool per process, created on first use, threads unref'd so they never keep a
 * process alive. Where threads cannot start, laps are encoded inline with the same function.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { encodeLap, type EncodedLap } from './lap-encoding';
import type { ColumnPlan, LapColumns } from './types';

export interface EncodeRequest {
  readonly id: number;
  readonly lap: LapColumns;
  readonly plan: readonly ColumnPlan[];
}

type Pending = { resolve: (r: EncodedLap) => void; reject: (e: Error) => void };

class LapEncoderPool {
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly busy: number[];
  private constructor(private readonly threads: Worker[]) {
    this.busy = threads.map(() => 0);
    threads.forEach((thread, i) => {
      thread.unref();
      thread.on('message', (m: { id: number; result?: EncodedLap; error?: string }) => {
        this.busy[i]--;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(`lap encoder: ${m.error}`));
        else p?.resolve(m.result!);
      });
      thread.on('error', (error) => { for (const p of this.pending.values()) p.reject(error); this.pending.clear(); });
    });
  }

  static start(size: number): LapEncoderPool | null {
    try {
      // The thread loads TypeScript sources through the same loader the process uses (tsx).
      const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
      const entry = new URL('./lap-encoder-thread.ts', import.meta.url).href;
      const boot = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
      return new LapEncoderPool(Array.from({ length: size }, () => new Worker(boot, { eval: true })));
    } catch {
      return null;
    }
  }

  encode(lap: LapColumns, plan: readonly ColumnPlan[]): Promise<EncodedLap> {
    const id = this.next++;
    const i = this.busy.indexOf(Math.min(...this.busy));
    this.busy[i]++;
    return new Promise<EncodedLap>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.threads[i].postMessage({ id, lap, plan } satisfies EncodeRequest);
    });
  }
}

let pool: LapEncoderPool | null | undefined;

/** Threads in the pool: one per core, at most 2 (the main thread mostly waits on PostgreSQL). */
export const encoderThreads = Math.max(1, Math.min(2, availableParallelism()));

/** Encodes a lap on a pool thread (or inline when threads are unavailable). */
export function encodeLapAsync(lap: LapColumns, plan: readonly ColumnPlan[]): Promise<EncodedLap> {
  if (pool === undefined) pool = LapEncoderPool.start(encoderThreads);
  if (pool === null) return Promise.resolve().then(() => encodeLap(lap, plan));
  return pool.encode(lap, plan);
}
