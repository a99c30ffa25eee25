/** Test helpers: a store's files with their SHA-256 (to compare byte for byte), and a sample store. */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeSession, seededRng, type SessionSize } from '../../src/chunked/sample-session';

/** Relative path → SHA-256 of every file under `root`, skipping dot-named entries (staging). */
export function snapshot(root: string, filter: (relative: string) => boolean = () => true): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const full = path.join(dir, name);
      const relative = path.relative(root, full);
      if (statSync(full).isDirectory()) walk(full);
      else if (filter(relative)) out[relative] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(root);
  return out;
}

export const small: SessionSize = { screenshots: 12, audioSegments: 6, videoChunks: 2, transcriptionWords: 12 };

/** Writes sessions `<prefix>-0…` with the given size; returns their documents' text by id. */
export function writeSessions(root: string, count: number, options: { prefix?: string; seed?: number; size?: SessionSize; pretty?: boolean } = {}): Map<string, string> {
  mkdirSync(root, { recursive: true });
  const rng = seededRng(options.seed ?? 7);
  const texts = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const id = `${options.prefix ?? 's'}-${i}`;
    const text = JSON.stringify(makeSession(rng, id, options.size ?? small), null, options.pretty ? 2 : undefined);
    writeFileSync(path.join(root, `${id}.json`), text);
    texts.set(id, text);
  }
  return texts;
}
