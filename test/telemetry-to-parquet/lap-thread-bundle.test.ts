import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { encodeLap } from '../../src/telemetry/lap-encoding';
import { bundledLapThreadEntry } from '../../src/telemetry/lap-thread-bundle';
import type { ColumnPlan, LapColumns } from '../../src/telemetry/types';

const source = new URL('../../src/telemetry/lap-thread.ts', import.meta.url);

const plan: ColumnPlan[] = [{ name: 'speed', encoding: 'decimal', scale: 2 }, { name: 'steering', encoding: 'float64', scale: 0 }];
const lap = (): LapColumns => {
  const n = 3000;
  const speed = Float64Array.from({ length: n }, (_, i) => Math.round(8000 + 3000 * Math.sin(i / 200)) / 100);
  const steering = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 37) * 0.4);
  return { lapNumber: 7, length: n, channels: new Map([['speed', { values: speed }], ['steering', { values: steering }]]) };
};

/** One request to a thread started from `entry`, as lap-thread-pool.ts sends it. */
async function encodeOnThread(entry: URL): Promise<ReturnType<typeof encodeLap>> {
  const thread = new Worker(entry);
  try {
    return await new Promise((resolve, reject) => {
      thread.once('message', (m: { result?: ReturnType<typeof encodeLap>; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.result!)));
      thread.once('error', reject);
      thread.postMessage({ id: 1, request: { op: 'encode', lap: lap(), plan, adopt: false } });
    });
  } finally {
    await thread.terminate();
  }
}

describe('lap thread bundle', () => {
  it('imports packages by file URL, so it runs from the temporary folder', async () => {
    const entry = await bundledLapThreadEntry(source);
    expect(entry).not.toBeNull();
    const dir = path.dirname(fileURLToPath(entry!));
    const specifiers = readdirSync(dir).flatMap((f) => [...readFileSync(path.join(dir, f), 'utf8').matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]));
    expect(specifiers.length).toBeGreaterThan(3);
    for (const s of specifiers) expect(s).toMatch(/^(node:|file:\/\/|\.\/)/);
  });

  it('encodes on a thread exactly as the sources do inline, and is found again by content', async () => {
    const entry = (await bundledLapThreadEntry(source))!;
    const expected = encodeLap(lap(), plan);
    const onThread = await encodeOnThread(entry);
    expect('pages' in onThread && Buffer.from(onThread.pages).equals(Buffer.from((expected as { pages: Uint8Array }).pages))).toBe(true);
    expect((await bundledLapThreadEntry(source))!.href).toBe(entry.href);
  });

  it('leaves an altered folder alone and uses a complete one of its own', async () => {
    const entry = (await bundledLapThreadEntry(source))!;
    const file = fileURLToPath(entry);
    const original = readFileSync(file);
    let other: URL | undefined;
    try {
      writeFileSync(file, 'throw new Error("altered");\n');
      other = (await bundledLapThreadEntry(source))!;
      expect(other.href).not.toBe(entry.href);
      expect(readFileSync(fileURLToPath(other)).equals(original)).toBe(true);
      expect('pages' in (await encodeOnThread(other))).toBe(true);
    } finally {
      writeFileSync(file, original);
      if (other && other.href !== entry.href) rmSync(path.dirname(fileURLToPath(other)), { recursive: true, force: true });
    }
  });
});
