import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChunkAssembler } from '../../src/chunked/chunk-format';
import { GroupVerifier, type LoadedChunk } from '../../src/chunked/group-verifier';
import type { ChunkEntry } from '../../src/chunked/session-layout';

const item = (i: number, extra = '') => Buffer.from(`{"id":"shot-${i}","n":${i}${extra}}`);

/** Chunk files in memory, made the writer's way from per-chunk item bytes, and a verifier over them recording what it did. */
function setUp(chunkItems: Buffer[][]) {
  const files = new Map<string, Buffer>();
  const entries: ChunkEntry[] = chunkItems.map((items, n) => {
    const assembler = new ChunkAssembler();
    for (const raw of items) assembler.add(raw);
    const data = Buffer.from(assembler.assembled());
    files.set(`c${n}`, data);
    return { file: `c${n}`, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex'), count: items.length };
  });
  const parsed: string[] = [];
  const differences: Array<{ index: number; expected: unknown; actual: unknown }> = [];
  const verifier = new GroupVerifier(entries, {
    read: async (entry) => {
      const data = files.get(entry.file);
      return data && ({ data, sha256: createHash('sha256').update(data).digest('hex') } satisfies LoadedChunk);
    },
    parse: (entry, chunk) => {
      parsed.push(entry.file);
      return JSON.parse(chunk.data.toString()) as unknown[];
    },
    compare: (index, expected, actual) => {
      if (JSON.stringify(expected) !== JSON.stringify(actual)) differences.push({ index, expected, actual });
    },
    parseOriginal: (_index, raw) => JSON.parse(raw.toString()),
  });
  return { files, verifier, parsed, differences };
}

async function feed(verifier: GroupVerifier, originals: Buffer[]): Promise<number> {
  for (const [index, raw] of originals.entries()) await verifier.item(index, raw);
  return verifier.finish();
}

const originals = Array.from({ length: 10 }, (_, i) => item(i));
const asChunks = (items: Buffer[]) => [items.slice(0, 4), items.slice(4, 8), items.slice(8)];

describe('group verifier', () => {
  it('settles chunks holding the original bytes by checksum, parsing nothing', async () => {
    const { verifier, parsed, differences } = setUp(asChunks(originals));
    expect(await feed(verifier, originals)).toBe(10);
    expect(parsed).toEqual([]);
    expect(differences).toEqual([]);
  });

  it('compares values from the first chunk whose bytes differ, and finds equal values equal', async () => {
    const respaced = originals.map((raw, i) => (i === 5 ? Buffer.from(raw.toString().replace(':', ': ')) : raw));
    const { verifier, parsed, differences } = setUp(asChunks(respaced));
    expect(await feed(verifier, originals)).toBe(10);
    expect(parsed).toEqual(['c1', 'c2']);
    expect(differences).toEqual([]);
  });

  it('names the index of a changed item in a later chunk', async () => {
    const changed = originals.map((raw, i) => (i === 9 ? item(9, ',"x":true') : raw));
    const { verifier, differences } = setUp(asChunks(changed));
    expect(await feed(verifier, originals)).toBe(10);
    expect(differences).toEqual([{ index: 9, expected: { id: 'shot-9', n: 9 }, actual: { id: 'shot-9', n: 9, x: true } }]);
  });

  it('counts what the copy holds when the original has fewer or more items', async () => {
    const shorter = setUp(asChunks(originals));
    expect(await feed(shorter.verifier, originals.slice(0, 6))).toBe(10);
    expect(shorter.differences).toEqual([]);
    const longer = setUp(asChunks(originals));
    expect(await feed(longer.verifier, [...originals, item(10)])).toBe(10);
    expect(longer.differences).toEqual([]);
  });

  it('goes on past a missing chunk file, comparing the next chunk item by item', async () => {
    const { files, verifier, differences } = setUp(asChunks(originals));
    files.delete('c1');
    expect(await feed(verifier, originals)).toBe(6);
    // Items 4 and 5 now line up with chunk 2's items 8 and 9 and differ; 6–9 lie past the copy's end (a count mismatch for the caller).
    expect(differences.map((d) => d.index)).toEqual([4, 5]);
  });
});
