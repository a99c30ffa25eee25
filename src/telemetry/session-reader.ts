/**
 * Reads a session file one lap (one row group) at a time: only the footer and the row group's own
 * bytes are read from disk, so memory stays bounded by the largest lap, not the session.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { parseFileInfo, type SessionFileInfo } from './file-metadata';
import { decodeLapFile } from './lap-file-decoder';
import { takeBuffer } from './spare-buffers';
import { MAGIC, buildFooter, isMagic, keyValueOf, relocateRowGroup, rowGroupRange, rowGroupsOf } from './parquet-footer';
import { decodeStruct, type ThriftStruct } from './thrift-compact';
import type { LapColumns } from './types';

export class ParquetSessionReader {
  private constructor(readonly path: string, private readonly fh: FileHandle, private readonly footer: ThriftStruct, readonly info: SessionFileInfo, readonly size: number) {}

  static async open(filePath: string): Promise<ParquetSessionReader> {
    const fh = await open(filePath, 'r');
    try {
      const { size } = await fh.stat();
      const tail = Buffer.alloc(8);
      if (size < 12) throw new Error(`${filePath}: too short to be a Parquet file`);
      await fh.read(tail, 0, 8, size - 8);
      if (!isMagic(tail, 4)) throw new Error(`${filePath}: missing PAR1 magic at the end (truncated or not Parquet)`);
      const len = tail.readUInt32LE(0);
      const body = Buffer.alloc(len);
      await fh.read(body, 0, len, size - 8 - len);
      const footer = decodeStruct(body);
      return new ParquetSessionReader(filePath, fh, footer, parseFileInfo(keyValueOf(footer), filePath), size);
    } catch (error) {
      await fh.close();
      throw error;
    }
  }

  get lapCount(): number {
    return this.info.laps.length;
  }

  /** Row-group index of a lap, or -1. */
  indexOfLap(lapNumber: number): number {
    return this.info.laps.findIndex((l) => l.lapNumber === lapNumber);
  }

  /** Reads row group `index` (one lap) exactly as written. */
  async readLapAt(index: number): Promise<LapColumns> {
    const file = await this.readLapFileAt(index);
    try {
      return decodeLapFile(file, this.info.laps[index], this.info.columns);
    } catch (error) {
      throw new Error(`${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Row group `index` as a standalone one-row-group Parquet file (only its own bytes are read), for
   * decoding elsewhere (decodeLapFile, on a thread).
   */
  async readLapFileAt(index: number): Promise<Uint8Array> {
    const group = structuredClone(rowGroupsOf(this.footer)[index]);
    const { start, end } = rowGroupRange(group);
    // A self-contained one-row-group file: magic, the pages, a footer pointing at them.
    const footer = buildFooter(this.footer, [relocateRowGroup(group, MAGIC.length - start, 0)], new Map());
    const mini = takeBuffer(MAGIC.length + (end - start) + footer.length);
    mini.set(MAGIC, 0);
    const { bytesRead } = await this.fh.read(mini, MAGIC.length, end - start, start);
    if (bytesRead !== end - start) throw new Error(`${this.path}: row group ${index} ends past the end of the file (truncated?)`);
    mini.set(footer, MAGIC.length + (end - start));
    return mini;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
