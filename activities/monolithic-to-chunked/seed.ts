/**
 * `ferry seed monolithic-to-chunked --sessions N --seed S [--root DIR] [--large K]`: writes a store
 * of sample sessions: mostly small and medium, K very large (tens of thousands of screenshots, long
 * transcriptions), about 10% already chunked and about 2% malformed (invalid JSON, a missing
 * required field, wrongly typed arrays, a mismatched id).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SeedSpec } from '../../src/engine/kind';
import type { ActivityDeps } from '../deps';
import { writeChunkedSession } from '../../src/chunked/chunked-writer';
import { makeSession, pickSize, seededRng, type Rng } from '../../src/chunked/sample-session';
import { settingsOf } from './settings';

export interface SeedSummary {
  readonly root: string;
  readonly legacy: number;
  readonly chunked: number;
  readonly malformed: number;
  readonly large: number;
  readonly bytes: number;
}

const malformations = ['invalid-json', 'missing-name', 'screenshots-object', 'item-string', 'id-mismatch'] as const;

function malformedText(kind: (typeof malformations)[number], session: Record<string, unknown>): string {
  switch (kind) {
    case 'invalid-json': {
      const text = JSON.stringify(session);
      return text.slice(0, Math.floor(text.length / 2));
    }
    case 'missing-name': {
      const { name: _name, ...rest } = session;
      return JSON.stringify(rest);
    }
    case 'screenshots-object':
      return JSON.stringify({ ...session, screenshots: { count: 3 } });
    case 'item-string':
      return JSON.stringify({ ...session, audioSegments: ['not an object'] });
    case 'id-mismatch':
      return JSON.stringify({ ...session, id: `${String(session.id)}-other` });
  }
}

export async function seedSessions(root: string, options: { sessions: number; seed: number; large?: number; chunkedShare?: number; malformedShare?: number }): Promise<SeedSummary> {
  await mkdir(root, { recursive: true });
  const rng: Rng = seededRng(options.seed);
  const large = options.large ?? Math.min(3, Math.floor(options.sessions / 100));
  const largeAt = new Set<number>();
  for (let k = 0; k < large; k++) largeAt.add(Math.floor(((k + 0.5) * options.sessions) / Math.max(1, large)));
  let legacy = 0;
  let chunked = 0;
  let malformed = 0;
  let bytes = 0;
  for (let i = 0; i < options.sessions; i++) {
    const id = `session-${options.seed}-${String(i).padStart(6, '0')}`;
    const isLarge = largeAt.has(i);
    const session = makeSession(rng, id, isLarge ? pickSize(() => 0, 1) : pickSize(rng, 0));
    const roll = rng();
    const file = path.join(root, `${id}.json`);
    if (!isLarge && roll < (options.malformedShare ?? 0.02)) {
      const text = malformedText(malformations[malformed % malformations.length], session);
      await writeFile(file, text);
      bytes += text.length;
      malformed++;
      continue;
    }
    const text = JSON.stringify(session);
    await writeFile(file, text);
    bytes += text.length;
    if (!isLarge && roll > 1 - (options.chunkedShare ?? 0.1)) {
      await writeChunkedSession({ root, id, migrationId: 'seed', durable: false });
      await rm(file);
      chunked++;
    } else {
      legacy++;
    }
  }
  return { root, legacy, chunked, malformed, large, bytes };
}

export const seed: SeedSpec = {
  flags: [
    { flag: '--sessions <n>', description: 'how many sessions to write (default 100)', parse: (v) => Number(v) },
    { flag: '--seed <s>', description: 'random seed: the same seed writes the same sessions (default 1)', parse: (v) => Number(v) },
    { flag: '--large <n>', description: 'very large sessions among them (default min(3, sessions/100))', parse: (v) => Number(v) },
    { flag: '--root <dir>', description: 'session store folder (default <dataDir>/sessions)' },
  ],
  async run(deps: ActivityDeps, options) {
    const root = settingsOf(deps.config, { root: options.root }).root;
    const summary = await seedSessions(root, {
      sessions: Number(options.sessions ?? 100),
      seed: Number(options.seed ?? 1),
      large: options.large === undefined ? undefined : Number(options.large),
    });
    return `wrote ${summary.legacy + summary.chunked + summary.malformed} sessions to ${root}: ${summary.legacy} legacy (${summary.large} very large), ` +
      `${summary.chunked} already chunked, ${summary.malformed} malformed; ${(summary.bytes / 1e6).toFixed(1)} MB of documents`;
  },
};
