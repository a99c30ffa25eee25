/**
 * The row groups Ferry encodes itself (lap-page-encoder.ts) read back exactly by two independent
 * readers, parquet-wasm and DuckDB: every width of delta packing (including the 64-bit path), NULL
 * runs, NULL arrays, NaN, ±Infinity and -0, and lap lengths around the block and miniblock sizes.
 * A lap given as PostgreSQL's bytes (encoded from them where it can) gives the same bytes as the
 * lap decoded. validate's digest from parquet-wasm's Arrow memory equals the written lap's.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/sample-data/seeded-random';
import { lapColumnsDigest } from '../../src/telemetry/lap-digest';
import { lapFileArrowDigest } from '../../src/telemetry/lap-file-arrow-digest';
import { encodeLapPages } from '../../src/telemetry/lap-page-encoder';
import { float8ArrayField } from '../../src/telemetry/pg-binary-copy';
import { packRawLap } from '../../src/telemetry/raw-lap';
import { writeSessionFile } from '../../src/telemetry/session-file';
import { ParquetSessionReader } from '../../src/telemetry/session-reader';
import type { ChannelColumn, ColumnPlan, LapColumns } from '../../src/telemetry/types';
import { float8Field } from '../support/binary-copy';

const meta = { sessionId: 9, importedAt: '2026-01-01T00:00:00.000Z', sourceType: 'vbo', auxiliaryChannels: [] };
const channels = ['time', 'smooth', 'swing', 'edge', 'jumpy', 'huge', 'floats', 'gappy', 'holes', 'empty'];

function column(values: number[], nulls?: boolean[]): ChannelColumn {
  return { values: Float64Array.from(values), ...(nulls?.some(Boolean) ? { nulls: Uint8Array.from(nulls.map(Number)) } : {}) };
}

/** A lap of `n` samples exercising every encoding path. */
function lapOf(lapNumber: number, n: number, random: () => number): LapColumns {
  const idx = Array.from({ length: n }, (_, i) => i);
  const special = [NaN, Infinity, -Infinity, -0, 0, 1e-300, -1.5e300];
  return {
    lapNumber,
    length: n,
    channels: new Map<string, ChannelColumn | null>([
      ['time', column(idx.map((i) => Math.round(i * 50) / 1000))],
      ['smooth', column(idx.map((i) => Math.round((120 + 80 * Math.sin(i / 40) + random()) * 100) / 100))],
      // below 2^30 but with deltas of up to ~2^29: the 32-bit path's wide miniblocks
      ['swing', column(idx.map((i) => (i % 2 ? 1 : -1) * Math.round(random() * 2 ** 28)))],
      // just below 2^30, alternating sign: offsets from the block minimum of up to 2^32 - 4 (32-bit width)
      ['edge', column(idx.map((i) => (i % 2 ? 1 : -1) * (2 ** 30 - 1 - (i % 5))))],
      // deltas of up to ~2^40: the wide-width packing path
      ['jumpy', column(idx.map((i) => (i % 2 ? 1 : -1) * Math.round(random() * 2 ** 40)))],
      // scaled integers beyond 2^51: the 64-bit path
      ['huge', column(idx.map((i) => (i % 3 === 0 ? 2 ** 53 - 1 : i % 3 === 1 ? -(2 ** 52) - 3 : 3e15 + i)))],
      ['floats', column(idx.map((i) => (i < special.length ? special[i] : (random() - 0.5) * 1e6)))],
      ['gappy', column(idx.map((i) => (i % 5 === 1 ? NaN : (random() - 0.5) * 1e9)), idx.map((i) => i % 3 === 0))],
      ['holes', column(idx.map((i) => i * 0.5), idx.map((i) => i % 7 === 0 || (i > 40 && i < 90)))],
      ['empty', null],
    ]),
  };
}

const lengths = [1, 2, 31, 32, 33, 127, 128, 129, 130, 257, 1000];

describe('own Parquet pages', () => {
  it('read back bit for bit by parquet-wasm and by DuckDB, with the column types and statistics', async () => {
    const random = seededRandom(5);
    const laps = lengths.map((n, i) => lapOf(i + 1, n, random));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 't2p-pages-')), '9.parquet');
    const written = await writeSessionFile(file, channels, { async *laps() { for (const lap of laps) yield { lap, absent: ['empty'] }; } }, meta);
    expect(written.plan.map((c) => `${c.name}:${c.encoding}:${c.scale}`)).toEqual([
      'time:decimal:2', 'smooth:decimal:2', 'swing:decimal:0', 'edge:decimal:0', 'jumpy:decimal:0', 'huge:decimal:0', 'floats:float64:0', 'gappy:float64:0', 'holes:decimal:1', 'empty:decimal:0',
    ]);
    const same = (a: number, b: number | null) => b !== null && Object.is(a, b);

    const reader = await ParquetSessionReader.open(file);
    try {
      for (const [i, lap] of laps.entries()) {
        const back = await reader.readLapAt(i);
        expect(back.length).toBe(lap.length);
        // validate's digest, taken from parquet-wasm's Arrow memory, is the one of the lap written
        const direct = lapFileArrowDigest(await reader.readLapFileAt(i), reader.info.laps[i], reader.info.columns);
        expect(direct).toEqual({ rows: lap.length, digest: lapColumnsDigest(lap, channels) });
        for (const name of channels) {
          const a = lap.channels.get(name)!;
          const b = back.channels.get(name)!;
          if (a === null) { expect(b, name).toBeNull(); continue; }
          for (let k = 0; k < lap.length; k++) {
            if (a.nulls?.[k]) expect(b.nulls?.[k], `${name}[${k}] of lap ${lap.lapNumber}`).toBe(1);
            else expect(same(a.values[k], b.values[k]), `${name}[${k}] of lap ${lap.lapNumber}: ${a.values[k]} vs ${b.values[k]}`).toBe(true);
          }
        }
      }
    } finally {
      await reader.close();
    }

    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const types = Object.fromEntries((await duck.runAndReadAll(`DESCRIBE SELECT * FROM '${file}'`)).getRows().map((r) => [r[0], r[1]]));
    expect(types).toMatchObject({ lap_number: 'INTEGER', time: 'DECIMAL(18,2)', huge: 'DECIMAL(18,0)', floats: 'DOUBLE', holes: 'DECIMAL(18,1)' });
    for (const name of ['smooth', 'swing', 'edge', 'jumpy', 'huge', 'floats', 'gappy', 'holes', 'empty']) {
      const rows = (await duck.runAndReadAll(`SELECT lap_number, "${name}"::DOUBLE FROM '${file}'`)).getRows();
      const expected = laps.flatMap((lap) => {
        const c = lap.channels.get(name)!;
        return Array.from({ length: lap.length }, (_, k) => [lap.lapNumber, c === null || c.nulls?.[k] ? null : c.values[k]]);
      });
      expect(rows.length).toBe(expected.length);
      rows.forEach((row, k) => {
        const want = expected[k][1];
        expect(row[0]).toBe(expected[k][0]);
        if (want === null) expect(row[1], `${name} row ${k}`).toBeNull();
        else expect(Object.is(row[1], want) || (Number.isNaN(want) && Number.isNaN(row[1] as number)), `${name} row ${k}: ${row[1]} vs ${want}`).toBe(true);
      });
    }
    // statistics: one lap per row group, so DuckDB can skip to a lap by its number
    const stats = (await duck.runAndReadAll(`SELECT row_group_id, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('${file}') WHERE path_in_schema = 'lap_number' ORDER BY 1`)).getRows();
    expect(stats.map((r) => [Number(r[0]), r[1], r[2], Number(r[3])])).toEqual(lengths.map((_, i) => [i, String(i + 1), String(i + 1), 0]));
    const holes = (await duck.runAndReadAll(`SELECT stats_null_count FROM parquet_metadata('${file}') WHERE path_in_schema = 'holes' AND row_group_id = 10`)).getRows();
    expect(Number(holes[0][0])).toBe(laps[10].channels.get('holes')!.nulls!.reduce((s, v) => s + v, 0));
  }, 60_000);
});

describe('pages from the bytes PostgreSQL sent', () => {
  /** The lap as packed for a lap thread: each channel's float8[] elements in binary COPY form. */
  const rawOf = (lap: LapColumns, names: readonly string[]) => packRawLap(lap.lapNumber, lap.length, names.map((name) => {
    const c = lap.channels.get(name) ?? null;
    return c && float8ArrayField(float8Field(Array.from(c.values, (v, i) => (c.nulls?.[i] ? null : v))))!.elements;
  }));
  const same = (a: ReturnType<typeof encodeLapPages>, b: ReturnType<typeof encodeLapPages>) =>
    a !== null && b !== null && Buffer.from(a.pages).equals(Buffer.from(b.pages)) && JSON.stringify(a.group, (_, v) => (typeof v === 'bigint' ? String(v) : v)) === JSON.stringify(b.group, (_, v) => (typeof v === 'bigint' ? String(v) : v));

  it('are the bytes the decoded lap gives, on every path (in place, NULL elements, wide integers, doubles)', () => {
    const random = seededRandom(8);
    const plan: ColumnPlan[] = [
      { name: 'time', encoding: 'decimal', scale: 2 }, { name: 'smooth', encoding: 'decimal', scale: 2 }, { name: 'swing', encoding: 'decimal', scale: 0 },
      { name: 'edge', encoding: 'decimal', scale: 0 }, { name: 'jumpy', encoding: 'decimal', scale: 0 }, { name: 'huge', encoding: 'decimal', scale: 0 },
      { name: 'floats', encoding: 'float64', scale: 0 }, { name: 'gappy', encoding: 'float64', scale: 0 }, { name: 'holes', encoding: 'decimal', scale: 1 },
      { name: 'empty', encoding: 'decimal', scale: 0 },
    ];
    for (const [i, n] of lengths.entries()) {
      const lap = lapOf(i + 1, n, random);
      expect(same(encodeLapPages(rawOf(lap, channels), plan), encodeLapPages(lap, plan)), `lap of ${n}`).toBe(true);
    }
  });

  it('are refused, as the decoded lap is, when a value does not fit its scale', () => {
    const lap = lapOf(1, 300, seededRandom(9));
    for (const name of ['smooth', 'floats']) {
      const plan: ColumnPlan[] = [{ name, encoding: 'decimal', scale: 1 }];
      expect(encodeLapPages(rawOf(lap, [name]), plan), name).toBeNull();
      expect(encodeLapPages(lap, plan), name).toBeNull();
    }
  });
});

