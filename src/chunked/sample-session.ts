/**
 * Realistic sample session documents (seeded, so the same seed gives the same bytes): core
 * metadata and capture settings, screenshots with AI analysis, audio segments with transcriptions,
 * video chunks, a summary and audio insights. Used by `ferry seed`, the tests and the benchmark.
 */

import { seededRandom } from '../sample-data/seeded-random';

export type Rng = () => number;

/** mulberry32: a small, fast, seedable generator. */
export function seededRng(seed: number): Rng {
  return seededRandom(seed);
}

const words = (
  'debugging authentication flow review pull request design tokens deploy staging database index query ' +
  'latency meeting notes refactor component tests failing build pipeline customer feedback roadmap ' +
  'screenshot analysis terminal editor browser documentation sprint planning incident migration schema'
).split(' ');

function sentence(rng: Rng, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(words[Math.floor(rng() * words.length)]);
  const text = out.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

export interface SessionSize {
  readonly screenshots: number;
  readonly audioSegments: number;
  readonly videoChunks: number;
  /** Words per transcription. */
  readonly transcriptionWords: number;
}

export function makeSession(rng: Rng, id: string, size: SessionSize): Record<string, unknown> {
  const start = Date.UTC(2025, 0, 1) + Math.floor(rng() * 300 * 86_400_000);
  const iso = (offsetMs: number) => new Date(start + offsetMs).toISOString();
  const screenshots = Array.from({ length: size.screenshots }, (_, i) => ({
    id: `${id}-shot-${i}`,
    sessionId: id,
    timestamp: iso(i * 30_000),
    attachmentId: `att-${id}-${i}`,
    analysisStatus: rng() < 0.9 ? 'complete' : 'pending',
    aiAnalysis: { summary: sentence(rng, 8), detectedActivity: words[Math.floor(rng() * words.length)], confidence: Math.round(rng() * 1000) / 1000 },
    userComment: rng() < 0.1 ? sentence(rng, 5) : undefined,
    flagged: rng() < 0.05,
  }));
  const audioSegments = Array.from({ length: size.audioSegments }, (_, i) => ({
    id: `${id}-audio-${i}`,
    sessionId: id,
    timestamp: iso(i * 10_000),
    duration: 10,
    transcription: sentence(rng, size.transcriptionWords),
    attachmentId: `aud-${id}-${i}`,
    mode: 'transcription',
  }));
  const chunks = Array.from({ length: size.videoChunks }, (_, i) => ({
    id: `${id}-video-${i}`,
    startTime: iso(i * 60_000),
    endTime: iso((i + 1) * 60_000),
    attachmentId: `vid-${id}-${i}`,
    topics: [sentence(rng, 3)],
  }));
  return {
    id,
    name: sentence(rng, 3).slice(0, -1),
    description: sentence(rng, 12),
    status: 'completed',
    startTime: iso(0),
    endTime: iso(Math.max(size.screenshots * 30_000, size.audioSegments * 10_000, 60_000)),
    screenshotInterval: 30,
    autoAnalysis: true,
    enableScreenshots: true,
    audioMode: 'transcription',
    audioRecording: size.audioSegments > 0,
    tags: [words[Math.floor(rng() * words.length)]],
    screenshots,
    audioSegments,
    video: { id: `${id}-video`, fullVideoAttachmentId: `full-${id}`, duration: size.videoChunks * 60, chunks },
    summary: { narrative: sentence(rng, 60), achievements: [sentence(rng, 6), sentence(rng, 6)], blockers: [sentence(rng, 5)] },
    audioInsights: { narrative: sentence(rng, 40), emotionalJourney: [{ timestamp: iso(0), emotion: 'focused' }], keyMoments: [] },
  };
}

/** A mix like a real user's store: mostly small and medium sessions, rarely a very large one. */
export function pickSize(rng: Rng, largeShare: number): SessionSize {
  const r = rng();
  if (r < largeShare) return { screenshots: 20_000 + Math.floor(rng() * 20_000), audioSegments: 3_000 + Math.floor(rng() * 3_000), videoChunks: 300, transcriptionWords: 40 };
  if (r < 0.2) return { screenshots: 200 + Math.floor(rng() * 400), audioSegments: 100 + Math.floor(rng() * 200), videoChunks: 20, transcriptionWords: 25 };
  return { screenshots: 5 + Math.floor(rng() * 60), audioSegments: Math.floor(rng() * 40), videoChunks: Math.floor(rng() * 5), transcriptionWords: 15 };
}

/** Sizes whose document is about `megabytes` MB (for the benchmark's large session). */
export function sizeForMegabytes(megabytes: number): SessionSize {
  // About 400 bytes per screenshot and 250 per audio segment (with 25-word transcriptions).
  const screenshots = Math.round((megabytes * 1024 * 1024 * 0.6) / 400);
  const audioSegments = Math.round((megabytes * 1024 * 1024 * 0.4) / 250);
  return { screenshots, audioSegments, videoChunks: 500, transcriptionWords: 25 };
}
