/**
 * Checks one streamed array of an original session against its chunk files, in item order.
 *
 * Fast path: the original's items are gathered (their bytes only) until they fill the next chunk
 * of the manifest; when that chunk file's SHA-256 equals the SHA-256 of those bytes framed as a
 * chunk (src/chunked/chunk-format.ts), the chunk holds exactly these items and nothing is parsed.
 * The first chunk that does not match (or is missing, or the array ends early) switches the array
 * to item-by-item comparison of parsed values, which names every differing field. Memory: one
 * chunk's items at a time, as before.
 */
import { createHash } from 'node:crypto';
import { ChunkAssembler } from './chunk-format';
import type { ChunkEntry } from './session-layout';

export interface LoadedChunk {
  readonly data: Buffer;
  readonly sha256: string;
}

export interface GroupVerifierDeps {
  /** Reads a chunk file (reporting a missing file or a checksum unlike the manifest's); its data may be reused after the next read. */
  readonly read: (entry: ChunkEntry) => Promise<LoadedChunk | undefined>;
  /** Parses a chunk's items (reporting invalid JSON). */
  readonly parse: (entry: ChunkEntry, chunk: LoadedChunk) => unknown[] | undefined;
  /** Compares original item `index` with the chunked copy's, reporting differences. */
  readonly compare: (index: number, expected: unknown, actual: unknown) => void;
  /** Parses one original item (its bytes were only cut out, not parsed, while scanning). */
  readonly parseOriginal: (index: number, raw: Buffer) => unknown;
}

export class GroupVerifier {
  private fast = true;
  /** The original's items since the last chunk taken (copied: the scanner reuses its buffer). */
  private readonly pending = new ChunkAssembler();
  private pendingFrom = 0;
  /** The last chunk taken (by either path), the items of the one parsed last and where they start. */
  private chunk = -1;
  private items: unknown[] = [];
  private base = 0;
  /** Index just past the last item of the chunks taken so far. */
  private end = 0;

  constructor(private readonly entries: readonly ChunkEntry[], private readonly deps: GroupVerifierDeps) {}

  /** Item `index` of the original (indices arrive in order, from 0). */
  async item(index: number, raw: Buffer): Promise<void> {
    if (this.fast) {
      const entry = this.entries[this.chunk + 1];
      if (entry) {
        if (this.pending.count === 0) this.pendingFrom = index;
        this.pending.add(raw);
        if (this.pending.count < entry.count) return;
        const loaded = await this.deps.read(entry);
        if (loaded && loaded.sha256 === createHash('sha256').update(this.pending.assembled()).digest('hex')) {
          this.chunk++;
          this.base = this.end;
          this.end += entry.count;
          this.items = [];
          this.pending.reset();
          return;
        }
        await this.switchToItems(loaded);
        return;
      }
      this.fast = false;
    }
    await this.compareOne(index, raw);
  }

  /** How many items the chunk files hold, once the original's array has ended. */
  async finish(): Promise<number> {
    if (this.fast && this.pending.count > 0) await this.switchToItems(await this.deps.read(this.entries[this.chunk + 1]));
    while (this.chunk + 1 < this.entries.length) this.takeChunk(await this.deps.read(this.entries[this.chunk + 1]));
    return this.end;
  }

  /** The next chunk (already read) did not settle by checksum: compare its pending items one by one. */
  private async switchToItems(loaded: LoadedChunk | undefined): Promise<void> {
    this.fast = false;
    this.takeChunk(loaded);
    for (let i = 0; i < this.pending.count; i++) await this.compareOne(this.pendingFrom + i, this.pending.item(i));
    this.pending.reset();
  }

  private takeChunk(loaded: LoadedChunk | undefined): void {
    this.chunk++;
    this.items = (loaded && this.deps.parse(this.entries[this.chunk], loaded)) ?? [];
    this.base = this.end;
    this.end += this.items.length;
  }

  private async compareOne(index: number, raw: Buffer): Promise<void> {
    while (index >= this.end) {
      if (this.chunk + 1 >= this.entries.length) return; // past the copy's end: reported once, as a count mismatch
      this.takeChunk(await this.deps.read(this.entries[this.chunk + 1]));
    }
    this.deps.compare(index, this.deps.parseOriginal(index, raw), this.items[index - this.base]);
  }
}
