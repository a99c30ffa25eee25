import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSessionFile } from '../../src/telemetry/session-file';
import { ParquetSessionReader } from '../../src/telemetry/session-reader';
import type { ChannelColumn, LapColumns } from '../../src/telemetry/types';

const col = (values: number[], nulls?: number[]): ChannelColumn => ({ values: Float64Array.from(values), ...(nulls ? { nulls: Uint8Array.from(nulls) } : {}) });
const meta = { sessionId: 1, importedAt: '2026-01-01T00:00:00.000Z', sourceType: 'vbo', auxiliaryChannels: [] };

function sameColumn(a: ChannelColumn | null | undefined, b: ChannelColumn | null | undefined, n: number): boolean {
  if (a == null || b == null) return a === b;
  for (let i = 0; i < n; i++) {
    const an = a.nulls?.[i] === 1, bn = b.nulls?.[i] === 1;
    if (an !== bn || (!an && !Object.is(a.values[i], b.values[i]))) return false;
  }
  return true;
}

describe('session file: values read back exactly', () => {
  it('keeps decimals, NaN, ±Infinity, -0, NULL elements and NULL arrays bit for bit, one row group per lap', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 't2p-file-'));
    const laps: { lap: LapColumns; absent: string[] }[] = [
      { lap: { lapNumber: 1, length: 4, channels: new Map([['time', col([0, 0.05, 0.1, 0.15])], ['speed', col([120.01, 0, 99.99, 1], [0, 1, 0, 0])], ['x', null]]) }, absent: ['x'] },
      // lap 2 widens speed to Float64 (NaN, -0) and x to scale 7: the file restarts with the wider plan
      { lap: { lapNumber: 2, length: 4, channels: new Map([['time', col([0, 0.05, 0.1, 0.15])], ['speed', col([NaN, -0, Infinity, -Infinity])], ['x', col([52.1234567, -1, 0, 0.1 + 0.2])]]) }, absent: [] },
    ];
    const file = path.join(dir, '1.parquet');
    const written = await writeSessionFile(file, ['time', 'speed', 'x'], { async *laps() { yield* laps; } }, meta);
    expect(written.plan).toEqual([{ name: 'time', encoding: 'decimal', scale: 2 }, { name: 'speed', encoding: 'float64', scale: 0 }, { name: 'x', encoding: 'float64', scale: 0 }]);
    expect(written.rows).toBe(8);
    expect(readdirSync(dir)).toEqual(['1.parquet']); // no temporary file left behind
    const reader = await ParquetSessionReader.open(file);
    try {
      expect(reader.lapCount).toBe(2);
      for (let i = 0; i < 2; i++) {
        const back = await reader.readLapAt(i);
        expect(back.lapNumber).toBe(laps[i].lap.lapNumber);
        for (const [name, c] of laps[i].lap.channels) expect(sameColumn(c, back.channels.get(name), 4), `lap ${i + 1} ${name}`).toBe(true);
      }
      expect(reader.info.totalPoints).toBe(8);
    } finally {
      await reader.close();
    }
  });
});
