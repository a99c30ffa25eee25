/**
 * Streams one session into one Parquet file, one row group per lap, holding one lap in memory at a
 * time. The file is written under a temporary name in the same folder and renamed into place only
 * when complete and synced, so a reader never sees a half-written file under the final name.
 *
 * Each lap is encoded by parquet-wasm as a single-row-group file whose pages are copied into the
 * session file; the footer is then rebuilt over all row groups (parquet-footer.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Table, tableToIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { widenPlan } from './channel-encoding';
import { encodeLaps, formatVersion, metaKeys, type LapEntry } from './file-metadata';
import { arrowSchemaFor, lapNumberColumn, lapToRecordBatch } from './lap-batch';
import { MAGIC, buildFooter, footerOf, relocateRowGroup, rowGroupRange, rowGroupsOf } from './parquet-footer';
import type { ThriftStruct } from './thrift-compact';
import type { ColumnPlan, LapColumns, SessionFileMetadata } from './types';

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
}

function writerProperties(plan: readonly ColumnPlan[]): pw.WriterProperties {
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
    .setMaxRowGroupSize(2 ** 31 - 1)
    .setCreatedBy('ferry telemetry-to-parquet');
  for (const c of plan) {
    // Scaled integers of a smooth signal have small deltas; float bits compress best split by byte.
    b = b.setColumnDictionaryEnabled(c.name, false)
      .setColumnEncoding(c.name, c.encoding === 'decimal' ? pw.Encoding.DELTA_BINARY_PACKED : pw.Encoding.BYTE_STREAM_SPLIT);
  }
  return b.build();
}

/** Encodes one lap as a standalone single-row-group Parquet file (in memory). */
export function encodeLapFile(lap: LapColumns, plan: readonly ColumnPlan[]): Uint8Array {
  const batch = lapToRecordBatch(lap, plan);
  const wasmTable = pw.Table.fromIPCStream(tableToIPC(new Table([batch]), 'stream'));
  return pw.writeParquet(wasmTable, writerProperties(plan));
}

export class ParquetSessionWriter {
  private pos = MAGIC.length;
  private readonly groups: ThriftStruct[] = [];
  private readonly lapEntries: LapEntry[] = [];
  private template?: ThriftStruct;
  private readonly hash = createHash('sha256');
  private rows = 0;

  private constructor(readonly finalPath: string, readonly tempPath: string, private readonly fh: FileHandle, readonly plan: readonly ColumnPlan[]) {}

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

  /** Appends one lap as one row group. Throws PlanWidened when a value does not fit the plan. */
  async addLap(lap: LapColumns, absent: readonly string[] = []): Promise<void> {
    const wider = this.plan.map((c) => widenPlan(c, lap.channels.get(c.name) ?? null, lap.length));
    if (wider.some((c, i) => c !== this.plan[i])) throw new PlanWidened(wider, lap.lapNumber);
    const file = encodeLapFile(lap, this.plan);
    const footer = footerOf(file);
    this.template ??= footer;
    const [group] = rowGroupsOf(footer);
    const { start, end } = rowGroupRange(group);
    const at = this.pos;
    await this.put(file.subarray(start, end));
    this.pos += end - start;
    this.groups.push(relocateRowGroup(group, at - start, this.groups.length));
    this.lapEntries.push({ lapNumber: lap.lapNumber, rows: lap.length, absent });
    this.rows += lap.length;
  }

  /** Writes the footer, syncs and renames into place. A session with no lap gets an empty-lap-free file of zero rows. */
  async close(meta: SessionFileMetadata): Promise<WrittenFile> {
    const template = this.template ?? footerOf(encodeLapFile({ lapNumber: 0, length: 0, channels: new Map() }, this.plan));
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
    return { path: this.finalPath, bytes: this.pos + footer.length, rows: this.rows, laps: this.groups.length, sha256: this.hash.digest('hex') };
  }

  /** Drops the temporary file (after an error or a plan change). */
  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } catch { /* some file systems refuse to sync a folder */ } finally { await fh.close(); }
}
