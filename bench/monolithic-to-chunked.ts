/**
 * `npm run bench -- monolithic-to-chunked [--sessions 5000] [--seed 1] [--large-mb 200] [--batch 50] [--concurrency 4]`
 *
 * From one run, on the same disk:
 * - sessions/s and MB/s of a whole migration (backup, convert, validate, cutover) through Temporal,
 *   over a seeded store (mixed sizes, a few large, ~10% already chunked, ~2% malformed);
 * - a plain copy of the same documents (copyFile + fsync per file): the limit, and the ratio to it;
 * - the seed script's own rate (500 sessions in 1 minute, its best case) and the ratio to it (target ≥ 10);
 * - peak memory of the (in-process) worker while one `--large-mb` session is migrated, above its
 *   idle memory measured just before (target ≤ 50 MB).
 */
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { scope } from '../activities/monolithic-to-chunked';
import { seedSessions } from '../activities/monolithic-to-chunked/seed';
import { runMigration } from '../src/engine/client';
import { defaultOptions } from '../src/engine/step-run';
import { listStore } from '../src/chunked/session-store';
import { startBenchServices } from './support/bench-services';
import type { BenchResult, Figure } from './support/report';

const kind = 'monolithic-to-chunked';

export default async function bench(args: Record<string, string>): Promise<BenchResult> {
  const sessions = Number(args.sessions ?? 5000);
  const seed = Number(args.seed ?? 1);
  const largeMb = Number(args['large-mb'] ?? 200);
  const batchSize = Number(args.batch ?? 50);
  const concurrency = Number(args.concurrency ?? 4);
  const services = await startBenchServices();
  try {
    const root = path.join(services.config.dataDir, 'sessions');
    const seeded = await seedSessions(root, { sessions, seed });
    const legacy = (await listStore(root)).legacy;
    let bytes = 0;
    for (const id of legacy) bytes += (await stat(path.join(root, `${id}.json`))).size;

    // The limit: the same documents copied on the same disk, each fsynced like the migration's files.
    const copyDir = path.join(services.workDir, 'plain-copy');
    await mkdir(copyDir, { recursive: true });
    let started = performance.now();
    for (const id of legacy) {
      const target = path.join(copyDir, `${id}.json`);
      await copyFile(path.join(root, `${id}.json`), target);
      const handle = await open(target, 'r+');
      await handle.sync();
      await handle.close();
    }
    const copySeconds = (performance.now() - started) / 1000;

    const worker = await services.startWorker();
    const filters = { root };
    started = performance.now();
    const { progress } = await runMigration(services.client, {
      kind, scope: scope(filters), taskQueue: services.config.temporal.taskQueue,
      options: defaultOptions({ batchSize, throttle: { concurrency }, filters }),
    });
    const migrateSeconds = (performance.now() - started) / 1000;
    if (progress.phase !== 'completed') throw new Error(`migration ended in phase ${progress.phase}: ${JSON.stringify(progress.recentErrors)}`);

    const memory = largeMb > 0 ? await measureLargeSession(services, root, largeMb, batchSize, concurrency) : undefined;
    await worker.stop();

    const mb = bytes / 1e6;
    const figures: Figure[] = [
      { name: 'seed script (500 sessions / 60 s)', value: 500 / 60, unit: 'sessions/s', note: 'the seed document\'s best case, not measured here' },
      { name: 'migration through Temporal', value: progress.counters.unitsDone / migrateSeconds, unit: 'sessions/s', baseline: 'seed script (500 sessions / 60 s)', target: { atLeast: 10 } },
      { name: 'plain copy (copyFile + fsync)', value: mb / copySeconds, unit: 'MB/s' },
      { name: 'migration throughput', value: mb / migrateSeconds, unit: 'MB/s', baseline: 'plain copy (copyFile + fsync)' },
      { name: 'migration wall time', value: migrateSeconds, unit: 's', note: `${progress.counters.unitsDone} migrated, ${progress.counters.unitsSkipped} malformed skipped` },
    ];
    if (memory) {
      figures.push(
        { name: 'worker idle memory (RSS)', value: memory.idle / 1e6, unit: 'MB' },
        { name: `worker peak memory, ${largeMb} MB session`, value: memory.peak / 1e6, unit: 'MB', note: `${((memory.peak - memory.idle) / 1e6).toFixed(1)} MB above idle (target ≤ 50); session migrated in ${memory.seconds.toFixed(1)} s` },
        { name: 'worker memory above idle', value: (memory.peak - memory.idle) / 1e6, unit: 'MB', note: 'target ≤ 50 MB' },
      );
    }
    return {
      name: kind,
      parameters: { sessions, seed, largeMb, batchSize, concurrency, legacy: legacy.length, alreadyChunked: seeded.chunked, malformed: seeded.malformed, veryLarge: seeded.large, megabytes: Number(mb.toFixed(1)) },
      figures,
    };
  } finally {
    await services.stop();
  }
}

/** Writes one session of about `megabytes` MB by streaming (so the bench itself stays small), then migrates it alone. */
async function measureLargeSession(services: Awaited<ReturnType<typeof startBenchServices>>, root: string, megabytes: number, batchSize: number, concurrency: number) {
  const id = 'very-large-session';
  await writeLargeSession(path.join(root, `${id}.json`), id, megabytes * 1e6);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  let idle = 0;
  for (let i = 0; i < 20; i++) {
    idle = Math.max(idle, process.memoryUsage().rss);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const filters = { root, sessions: [id] };
  const started = performance.now();
  try {
    const { progress } = await runMigration(services.client, {
      kind, scope: scope(filters), taskQueue: services.config.temporal.taskQueue,
      options: defaultOptions({ batchSize, throttle: { concurrency }, filters }),
    });
    if (progress.counters.unitsDone !== 1) throw new Error(`large session not migrated: ${JSON.stringify(progress.recentErrors)}`);
  } finally {
    clearInterval(sampler);
  }
  const left = await readdir(root);
  if (left.includes(`${id}.json`)) throw new Error('large session still monolithic');
  return { idle, peak, seconds: (performance.now() - started) / 1000 };
}

async function writeLargeSession(file: string, id: string, targetBytes: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  let written = 0;
  const put = async (text: string) => {
    written += text.length;
    await write(text);
  };
  await put(`{"id":${JSON.stringify(id)},"name":"Very long capture","description":"Benchmark session","status":"completed","startTime":"2025-01-01T00:00:00.000Z","endTime":"2025-01-31T00:00:00.000Z","screenshotInterval":30,"autoAnalysis":true,"screenshots":[`);
  let i = 0;
  const words = 'debugging the authentication flow while reviewing the deploy pipeline and meeting notes'.split(' ');
  while (written < targetBytes * 0.6) {
    await put(`${i > 0 ? ',' : ''}${JSON.stringify({ id: `shot-${i}`, timestamp: new Date(Date.UTC(2025, 0, 1) + i * 30_000).toISOString(), attachmentId: `att-${i}`, aiAnalysis: { summary: words.slice(i % 5).join(' '), confidence: (i % 100) / 100 } })}`);
    i++;
  }
  await put('],"audioSegments":[');
  let j = 0;
  while (written < targetBytes * 0.98) {
    await put(`${j > 0 ? ',' : ''}${JSON.stringify({ id: `audio-${j}`, timestamp: new Date(Date.UTC(2025, 0, 1) + j * 10_000).toISOString(), duration: 10, transcription: `${words.join(' ')} ${words.slice(j % 7).join(' ')}` })}`);
    j++;
  }
  await put(`],"video":{"chunks":[{"id":"v0"}]},"summary":{"narrative":"${words.join(' ')}"},"audioInsights":{"narrative":"${words.join(' ')}"}}`);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}
