/**
 * The sessions of one call are handled a few at a time: their work is mostly waiting for fsync,
 * so overlapping them multiplies throughput while memory stays bounded per session.
 */
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
