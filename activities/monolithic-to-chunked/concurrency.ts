/**
 * The sessions of one call are handled a few at a time: their work is mostly waiting for fsync,
 * so overlapping them multiplies throughput while memory stays bounded per session.
 */
import { fsyncDir } from '../../src/chunked/durable-fs';

export const unitConcurrency = 4;

/** Like Promise.all over `items.map(work)`, with at most `limit` running at once; results in order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Like mapConcurrent, for steps that rename or remove files: `work` names each folder whose entries
 * it changed (`changed(dir)`), and every such folder is fsynced once, after all lanes have finished
 * and before the results are returned — a batch's changes become durable before any is reported.
 */
export async function mapConcurrentSyncing<T, R>(items: readonly T[], limit: number, work: (item: T, changed: (dir: string) => void) => Promise<R>): Promise<R[]> {
  const dirs = new Set<string>();
  const results = await mapConcurrent(items, limit, (item) => work(item, (dir) => dirs.add(dir)));
  for (const dir of dirs) await fsyncDir(dir);
  return results;
}
