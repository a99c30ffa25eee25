/**
 * Streams one session into one Parquet file, one row group per lap, holding one lap in memory at a
 * time. The file is written under a temporary name in the same folder and renamed into place only
 * when complete and synced, so a reader never sees a half-written file under the final name.
 *
 * Each lap is encoded as one row group's column chunks (lap-page-encoder.ts) appended to the
 * session file; the footer is then built over all row groups (parquet-footer.ts). Encoding runs
 * on a pool thread (lap-thread-pool.ts) with up to `inFlight` laps queued per writer, so the
 * caller reads the next laps meanwhile; row groups are written in the order the laps were added.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { encodeLaps, formatVersion, metaKeys, type LapEntry } from './file-metadata';
import { encodeLapAsync } from './lap-thread-pool';
import type { EncodedLap } from './lap-encoding';
import { footerTemplate } from './lap-file-encoder';
import type { RawLap } from './raw-lap';
import { MAGIC, buildFooter, relocateRowGroup } from './parquet-footer';
import type { ThriftStruct } from './thrift-compact';
import { lapNumberColumn, type ColumnPlan, type LapColumns, type SessionFileMetadata } from './types';

/** Thrown by addLap when a lap needs a wider column plan; the caller restarts the file with `plan`. */
export class PlanWidened extends Error {
  constructor(readonly plan: readonly ColumnPlan[], readonly lapNumber: number) {
    super(`lap ${lapNumber} needs a wider column plan`);
    this.name = 'PlanWidened';
  }
}

export interface WrittenFile {
  readonly path: string;
  readonly bytes: number;
  readonly rows: number;
  readonly laps: number;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
  /** The column plan the file was written with. */
  readonly plan: readonly ColumnPlan[];
  /** Per row group, the content digest of a raw lap (lap-digest.ts); undefined for a lap given as columns. */
  readonly lapDigests: readonly (string | undefined)[];
}

/** Laps a writer may have queued for encoding: bounds its memory to a few laps. */
const inFlight = 3;

export class ParquetSessionWriter {
  private pos = MAGIC.length;
  private readonly groups: ThriftStruct[] = [];
  private readonly lapEntries: LapEntry[] = [];
  private readonly hash = createHash('sha256');
  private rows = 0;
  private readonly digests: (string | undefined)[] = [];
  private readonly queue: { lapNumber: number; rows: number; absent: readonly string[]; encoded: Promise<EncodedLap> }[] = [];

  private constructor(readonly finalPath: string, readonly tempPath: string, private readonly fh: FileHandle, private currentPlan: readonly ColumnPlan[]) {}

  /** The column plan: the one the writer was opened with, widened by the first lap if it needed. */
  get plan(): readonly ColumnPlan[] {
    return this.currentPlan;
  }

  /** Opens a temporary file next to `finalPath`. `plan` lists the channel columns in order. */
  static async open(finalPath: string, plan: readonly ColumnPlan[]): Promise<ParquetSessionWriter> {
    if (plan.some((c) => c.name === lapNumberColumn)) throw new Error(`a channel may not be named "${lapNumberColumn}"`);
    await mkdir(path.dirname(finalPath), { recursive: true });
    const tempPath = path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    const fh = await open(tempPath, 'w');
    const writer = new ParquetSessionWriter(finalPath, tempPath, fh, plan);
    await writer.put(MAGIC);
    return writer;
  }

  private async put(bytes: Uint8Array): Promise<void> {
    await this.fh.write(bytes, 0, bytes.length, null);
    this.hash.update(bytes);
  }

  /**
   * Queues one lap as the next row group. The first lap widens the plan as its values need (and is
   * encoded before any other is queued, so the rest use that plan); a later lap whose values do not
   * fit throws PlanWidened (here or from a later addLap/close). A raw lap's buffer, and with
   * `transfer` a lap's column arrays, move to the encoder thread and must not be used afterwards.
   */
  async addLap(lap: LapColumns | RawLap, absent: readonly string[] = [], transfer = false): Promise<void> {
    const first = this.groups.length === 0 && this.queue.length === 0;
    this.queue.push({ lapNumber: lap.lapNumber, rows: lap.length, absent, encoded: encodeLapAsync(lap, this.currentPlan, { transfer, adopt: first }) });
    // Keep the promise from being reported as unhandled while it waits its turn.
    this.queue[this.queue.length - 1].encoded.catch(() => undefined);
    if (first) await this.writeOldest();
    while (this.queue.length > inFlight) await this.writeOldest();
  }

  private async writeOldest(): Promise<void> {
    const item = this.queue.shift()!;
    const encoded = await item.encoded;
    if ('widened' in encoded) throw new PlanWidened(encoded.widened, item.lapNumber);
    this.currentPlan = encoded.plan;
    const at = this.pos;
    await this.put(encoded.pages);
    this.pos += encoded.pages.length;
    this.groups.push(relocateRowGroup(encoded.group, at, this.groups.length));
    this.lapEntries.push({ lapNumber: item.lapNumber, rows: item.rows, absent: item.absent });
    this.digests.push(encoded.digest);
    this.rows += item.rows;
  }

  /** Writes the footer, syncs and renames into place. A session with no lap gets an empty-lap-free file of zero rows. */
  async close(meta: SessionFileMetadata): Promise<WrittenFile> {
    while (this.queue.length > 0) await this.writeOldest();
    // The schema part comes from parquet-wasm, made here rather than on the lap threads, which then
    // never load Arrow and parquet-wasm while converting (~1 CPU s each).
    const template = footerTemplate(this.plan);
    const kv = new Map<string, string>([
      [metaKeys.formatVersion, formatVersion],
      [metaKeys.sessionId, String(meta.sessionId)],
      [metaKeys.importedAt, meta.importedAt],
      [metaKeys.sourceType, meta.sourceType],
      [metaKeys.channelCount, String(this.plan.length)],
      [metaKeys.totalPoints, String(this.rows)],
      [metaKeys.auxiliaryChannels, JSON.stringify(meta.auxiliaryChannels)],
      [metaKeys.columns, JSON.stringify(this.plan)],
      [metaKeys.laps, encodeLaps(this.lapEntries)],
      ...Object.entries(meta.extra ?? {}),
    ]);
    const footer = buildFooter(template, this.groups, kv);
    await this.put(footer);
    await this.fh.sync();
    await this.fh.close();
    await rename(this.tempPath, this.finalPath);
    await syncDir(path.dirname(this.finalPath));
    return {
      path: this.finalPath, bytes: this.pos + footer.length, rows: this.rows, laps: this.groups.length, sha256: this.hash.digest('hex'),
      plan: this.currentPlan, lapDigests: this.digests,
    };
  }

  /** Drops the temporary file (after an error or a plan change). */
  async abort(): Promise<void> {
    await Promise.allSettled(this.queue.splice(0).map((q) => q.encoded));
    await this.fh.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } catch { /* some file systems refuse to sync a folder */ } finally { await fh.close(); }
}
