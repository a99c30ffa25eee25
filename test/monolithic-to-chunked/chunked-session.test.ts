import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeChunkedSession } from '../../src/chunked/chunked-writer';
import { assertSessionId, isValidSessionId } from '../../src/chunked/session-id';
import { chunkedDir, metadataPath, stagingRoot } from '../../src/chunked/session-layout';
import { isChunked, loadChunkedSession, readChunk, readMetadata } from '../../src/chunked/session-reader';
import { getMigrationStatus } from '../../src/chunked/session-store';
import { verifyChunkedSession } from '../../src/chunked/verify-session';
import { FerryError } from '../../src/errors';
import { writeSessions } from './store-snapshot';

const limits = { itemsPerChunk: 5, maxChunkBytes: 1 << 20 };

function freshRoot(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'chunked-'));
}

describe('chunked layout', () => {
  it('reassembles the whole session equal to the original, key order included', async () => {
    const root = freshRoot();
    const texts = writeSessions(root, 1, { pretty: true });
    await writeChunkedSession({ root, id: 's-0', migrationId: 'm', limits });
    const back = await loadChunkedSession(root, 's-0');
    expect(JSON.stringify(back)).toBe(JSON.stringify(JSON.parse(texts.get('s-0')!)));
  });

  it('loads the metadata alone with storageVersion, counts and one checksum per chunk', async () => {
    const root = freshRoot();
    writeSessions(root, 1);
    await writeChunkedSession({ root, id: 's-0', migrationId: 'm', limits });
    const metadata = (await readMetadata(root, 's-0'))!;
    expect(metadata.storageVersion).toBe(1);
    expect(metadata.core.name).toEqual(expect.any(String));
    expect(metadata.core).not.toHaveProperty('screenshots');
    expect(metadata.manifest.groups.screenshots.count).toBe(12);
    expect(metadata.manifest.groups.screenshots.chunks.map((c) => c.count)).toEqual([5, 5, 2]);
    expect(metadata.manifest.groups.screenshots.chunks.every((c) => /^[0-9a-f]{64}$/.test(c.sha256))).toBe(true);
  });

  it('loads one chunk: the items of that slice of the array', async () => {
    const root = freshRoot();
    const texts = writeSessions(root, 1);
    await writeChunkedSession({ root, id: 's-0', migrationId: 'm', limits });
    const metadata = (await readMetadata(root, 's-0'))!;
    const original = JSON.parse(texts.get('s-0')!) as { screenshots: unknown[] };
    expect(await readChunk(root, 's-0', metadata, 'screenshots', 1)).toEqual(original.screenshots.slice(5, 10));
  });

  it('refuses a chunk whose bytes do not match the manifest checksum', async () => {
    const root = freshRoot();
    writeSessions(root, 1);
    await writeChunkedSession({ root, id: 's-0', migrationId: 'm', limits });
    const metadata = (await readMetadata(root, 's-0'))!;
    const file = path.join(chunkedDir(root, 's-0'), metadata.manifest.groups.audioSegments.chunks[0].file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"duration":10', '"duration":11'));
    await expect(readChunk(root, 's-0', metadata, 'audioSegments', 0)).rejects.toMatchObject({ code: 'CHUNK_CHECKSUM_MISMATCH' });
  });

  it('never shows a half-written session: a staging leftover is invisible and cleared by the next write', async () => {
    const root = freshRoot();
    writeSessions(root, 1);
    const leftover = path.join(stagingRoot(root), 's-0.deadbeef');
    mkdirSync(path.join(leftover, 'screenshots'), { recursive: true });
    writeFileSync(path.join(leftover, 'screenshots', '000000.json'), '[{"id":');
    expect(await readMetadata(root, 's-0')).toBeUndefined();
    expect((await getMigrationStatus(root)).chunked).toBe(0);
    await writeChunkedSession({ root, id: 's-0', migrationId: 'm', limits });
    expect(existsSync(leftover)).toBe(false);
    expect(readdirSync(stagingRoot(root))).toEqual([]);
    expect(existsSync(metadataPath(root, 's-0'))).toBe(true);
  });

  it('reports status as the seed does: total, chunked, legacy, percentage', async () => {
    const root = freshRoot();
    writeSessions(root, 4);
    await writeChunkedSession({ root, id: 's-0', migrationId: 'm' });
    expect(await getMigrationStatus(root)).toEqual({ total: 4, chunked: 0, legacy: 4, percentage: 0 });
    const { rmSync } = await import('node:fs');
    rmSync(path.join(root, 's-0.json'));
    expect(await isChunked(root, 's-0')).toBe(true);
    expect(await getMigrationStatus(root)).toEqual({ total: 4, chunked: 1, legacy: 3, percentage: 25 });
  });
});

describe('bad input is refused with the session id and the reason, and nothing is written', () => {
  const session = () => JSON.parse(writeSessions(freshRoot(), 1).get('s-0')!) as Record<string, unknown>;
  const cases: Array<[string, () => string, string, RegExp]> = [
    ['invalid JSON', () => JSON.stringify(session()).slice(0, 200), 'INVALID_JSON', /Session "s-0" is not valid JSON/],
    ['a missing required field', () => JSON.stringify({ ...session(), name: undefined }), 'MALFORMED_SESSION', /required field "name" is missing/],
    ['screenshots that are not an array', () => JSON.stringify({ ...session(), screenshots: { a: 1 } }), 'MALFORMED_SESSION', /"screenshots" is an object, expected an array/],
    ['an audio segment that is not an object', () => JSON.stringify({ ...session(), audioSegments: [{}, 'x'] }), 'MALFORMED_SESSION', /audioSegments\[1\] is a string, expected an object/],
    ['video chunks that are a number', () => JSON.stringify({ ...session(), video: { chunks: 3 } }), 'MALFORMED_SESSION', /"video.chunks" is a number, expected an array/],
    ['an id that differs from the file name', () => JSON.stringify({ ...session(), id: 'other' }), 'MALFORMED_SESSION', /"id" is "other" but the document is stored as session "s-0"/],
  ];
  for (const [name, text, code, message] of cases) {
    it(name, async () => {
      const root = freshRoot();
      const content = text();
      writeFileSync(path.join(root, 's-0.json'), content);
      const error = await writeChunkedSession({ root, id: 's-0', migrationId: 'm' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FerryError);
      expect(error).toMatchObject({ code, record: { session: 's-0' } });
      expect((error as Error).message).toMatch(message);
      expect(readdirSync(root).filter((n) => !n.startsWith('.'))).toEqual(['s-0.json']);
      expect(readFileSync(path.join(root, 's-0.json'), 'utf8')).toBe(content);
    });
  }
});

describe('session ids are checked before they touch a path', () => {
  for (const bad of ['../etc', 'a/b', 'a\\b', '.', '..', '', 'x.json', 'with space', '.staging', 'a'.repeat(129)]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      expect(isValidSessionId(bad)).toBe(false);
      expect(() => assertSessionId(bad)).toThrow(/is not allowed/);
      expect(() => chunkedDir('/store', bad)).toThrow(FerryError);
    });
  }
  it('accepts letters, digits, "_" and "-"', () => {
    expect(assertSessionId('Session_2024-10-24-abc')).toBe('Session_2024-10-24-abc');
  });
});

describe('validation reports a planted difference in each field group, in the seed format', () => {
  type Edit = (dir: string, metadata: Record<string, any>) => void;
  const editJson = (file: string, change: (value: any) => void) => {
    const value = JSON.parse(readFileSync(file, 'utf8'));
    change(value);
    writeFileSync(file, JSON.stringify(value));
  };
  const chunk = (dir: string, folder: string, n = 0) => path.join(dir, folder, `${String(n).padStart(6, '0')}.json`);
  const cases: Array<[string, Edit, RegExp]> = [
    ['core metadata', (dir) => editJson(path.join(dir, 'metadata.json'), (m) => { m.core.name = 'Renamed'; }), /^Session name mismatch \(name\) Expected: ".+", Actual: "Renamed"$/],
    ['capture settings', (dir) => editJson(path.join(dir, 'metadata.json'), (m) => { m.core.screenshotInterval = 60; }), /^Session screenshotInterval mismatch \(screenshotInterval\) Expected: 30, Actual: 60$/],
    ['screenshots count', (dir) => editJson(chunk(dir, 'screenshots', 2), (items) => { items.pop(); }), /^Screenshots count mismatch \(screenshots\.length\) Expected: 12, Actual: 11$/],
    ['screenshot content', (dir) => editJson(chunk(dir, 'screenshots', 0), (items) => { items[3].attachmentId = 'att-x'; }), /^Screenshot 3 attachmentId mismatch \(screenshots\[3\]\.attachmentId\) Expected: "att-s-0-3", Actual: "att-x"$/],
    ['audio transcription', (dir) => editJson(chunk(dir, 'audio-segments', 1), (items) => { items[0].transcription = 'Changed'; }), /^Audio segment 5 transcription mismatch \(audioSegments\[5\]\.transcription\) Expected: ".+", Actual: "Changed"$/],
    ['video chunks', (dir) => editJson(chunk(dir, 'video-chunks', 0), (items) => { items[1].endTime = '2000-01-01T00:00:00.000Z'; }), /^Video chunk 1 endTime mismatch \(video\.chunks\[1\]\.endTime\) Expected: ".+", Actual: "2000-01-01T00:00:00.000Z"$/],
    ['summary', (dir) => editJson(path.join(dir, 'summary.json'), (s) => { s.narrative = 'Other'; }), /^Summary narrative mismatch \(summary\.narrative\) Expected: ".+…, Actual: "Other"$/],
    ['audio insights', (dir) => editJson(path.join(dir, 'audio-insights.json'), (s) => { s.emotionalJourney[0].emotion = 'bored'; }), /^Audio insights emotionalJourney\[0\]\.emotion mismatch \(audioInsights\.emotionalJourney\[0\]\.emotion\) Expected: "focused", Actual: "bored"$/],
  ];
  for (const [group, edit, line] of cases) {
    it(group, async () => {
      const root = freshRoot();
      writeSessions(root, 1);
      await writeChunkedSession({ root, id: 's-0', migrationId: 'm', limits });
      expect((await verifyChunkedSession(root, 's-0')).ok).toBe(true);
      edit(chunkedDir(root, 's-0'), {});
      const result = await verifyChunkedSession(root, 's-0');
      expect(result.ok).toBe(false);
      expect(result.mismatches.filter((m) => line.test(m))).toHaveLength(1);
    });
  }
});
