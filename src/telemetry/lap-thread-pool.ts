/**
 * Background threads for the costly per-lap work, so that it runs beside the main thread's I/O:
 * digesting a lap and encoding it into Parquet pages (lap-page-encoder.ts) while the next laps
 * are read from PostgreSQL, and decoding a lap read back from a file into its content digest
 * (lap-digest.ts) while the next row group is read from disk. One pool per process, created on
 * first use, its threads keeping the process alive only while they have work; each thread runs lap-thread.ts
 * (bundled into JavaScript by lap-thread-bundle.ts where it can be).
 * Where threads cannot start, the same functions run inline. A raw lap's buffer, and with `transfer` a lap's column arrays, move to
 * the thread (no copy) and are unusable afterwards.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LapEntry } from './file-metadata';
import { lapFileDigest, type LapFileDigest } from './lap-file-digest';
import { encodeLap, type EncodedLap } from './lap-encoding';
import { bundledLapThreadEntry } from './lap-thread-bundle';
import { isRawLap, type RawLap } from './raw-lap';
import { giveBack } from './spare-buffers';
import type { ColumnPlan, LapColumns } from './types';

export type LapThreadRequest =
  | { readonly op: 'encode'; readonly lap: LapColumns | RawLap; readonly plan: readonly ColumnPlan[]; readonly adopt: boolean }
  | { readonly op: 'digest'; readonly file: Uint8Array; readonly entry: LapEntry; readonly columns: readonly ColumnPlan[] };

export type LapThreadResult = EncodedLap | LapFileDigest;

/** Runs one request where it is (the thread's job, and the fallback without threads). */
export function runLapRequest(request: LapThreadRequest): LapThreadResult {
  return request.op === 'encode' ? encodeLap(request.lap, request.plan, request.adopt) : lapFileDigest(request.file, request.entry, request.columns);
}

type Pending = { resolve: (r: LapThreadResult) => void; reject: (e: Error) => void };

class LapThreadPool {
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly busy: number[];
  private constructor(private readonly threads: Worker[]) {
    this.busy = threads.map(() => 0);
    threads.forEach((thread, i) => {
      thread.on('message', (m: { id: number; result?: LapThreadResult; error?: string; spare?: ArrayBuffer }) => {
        if (--this.busy[i] === 0) thread.unref();
        if (m.spare) giveBack(m.spare);
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(`lap thread: ${m.error}`));
        else p?.resolve(m.result!);
      });
      thread.on('error', (error) => { for (const p of this.pending.values()) p.reject(error); this.pending.clear(); });
      // A thread keeps the process alive only while it has work (ref'd in run). Unref'd after the
      // listeners: adding a 'message' listener refs a worker again, and a process that had used
      // the pool then never exited by itself (a worker stopped with SIGTERM hung).
      thread.unref();
    });
  }

  static async start(size: number): Promise<LapThreadPool | null> {
    try {
      const source = new URL('./lap-thread.ts', import.meta.url);
      const bundled = await bundledLapThreadEntry(source);
      if (bundled) return new LapThreadPool(Array.from({ length: size }, () => new Worker(bundled)));
      // Without a bundle the thread loads the TypeScript sources through the loader the process uses (tsx).
      const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
      const boot = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); })`;
      return new LapThreadPool(Array.from({ length: size }, () => new Worker(boot, { eval: true })));
    } catch {
      return null;
    }
  }

  run(request: LapThreadRequest, transfer: ArrayBuffer[]): Promise<LapThreadResult> {
    const id = this.next++;
    const i = this.busy.indexOf(Math.min(...this.busy));
    if (this.busy[i]++ === 0) this.threads[i].ref();
    return new Promise<LapThreadResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.threads[i].postMessage({ id, request }, transfer);
    });
  }
}

let pool: Promise<LapThreadPool | null> | undefined;

/** Threads in the pool: one per core, at most 2 (the main thread mostly waits on I/O). */
export const lapThreads = Math.max(1, Math.min(2, availableParallelism()));

function runOnPool(request: LapThreadRequest, transfer: ArrayBuffer[]): Promise<LapThreadResult> {
  pool ??= LapThreadPool.start(lapThreads);
  return pool.then((threads) => (threads ? threads.run(request, transfer) : runLapRequest(request)));
}

/** The distinct buffers behind a lap's columns. */
function buffersOf(lap: LapColumns): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const column of lap.channels.values()) {
    if (column === null) continue;
    out.add(column.values.buffer as ArrayBuffer);
    if (column.nulls) out.add(column.nulls.buffer as ArrayBuffer);
  }
  return [...out];
}

/**
 * Encodes a lap on a pool thread (see encodeLap for `adopt`). A raw lap's buffer moves there; with
 * `transfer`, so do a lap's column arrays.
 */
export function encodeLapAsync(lap: LapColumns | RawLap, plan: readonly ColumnPlan[], options: { transfer?: boolean; adopt?: boolean } = {}): Promise<EncodedLap> {
  const moved = isRawLap(lap) ? [lap.bytes.buffer as ArrayBuffer] : options.transfer ? buffersOf(lap) : [];
  return runOnPool({ op: 'encode', lap, plan, adopt: options.adopt ?? false }, moved) as Promise<EncodedLap>;
}

/** Decodes a one-lap file (moved to the thread) and digests its content. */
export function digestLapFileAsync(file: Uint8Array, entry: LapEntry, columns: readonly ColumnPlan[]): Promise<LapFileDigest> {
  return runOnPool({ op: 'digest', file, entry, columns }, [file.buffer as ArrayBuffer]) as Promise<LapFileDigest>;
}
