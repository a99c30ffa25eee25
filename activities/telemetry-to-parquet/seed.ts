/**
 * `ferry seed telemetry-to-parquet --sessions N --laps M --samples K --seed S`: creates the app's
 * tables and realistic telemetry: smooth signals quantised like a logger (time 1 ms, speed 0.01,
 * rpm 1, lat/long 1e-7, gear whole numbers, g-forces 0.001), three auxiliary channels, some NULL
 * channels, the same data for the same seed.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { ActivityDeps } from '../deps';
import { createApplicationTables } from '../../src/db/apply-migrations';
import type { SeedSpec } from '../../src/engine/kind';
import { standardChannels } from '../../src/telemetry/types';
import { seededRandom } from '../../src/sample-data/seeded-random';

export interface SeedOptions {
  readonly sessions: number;
  readonly laps: number;
  readonly samples: number;
  readonly seed: number;
}

function prng(seed: number): () => number {
  return seededRandom(seed);
}

const q = (v: number, step: number) => Math.round(v / step) * step;
const dec = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const arr = (values: number[] | null) => (values === null ? '\\N' : `{${values.join(',')}}`);

/** One lap of channels (and auxiliary channels) for session index `s`. */
export function seedLap(random: () => number, s: number, lap: number, samples: number): { standard: Record<string, number[] | null>; aux: Record<string, number[]> } {
  const ch: Record<string, number[]> = {};
  for (const name of [...standardChannels, 'oil_temp', 'water_temp', 'tyre_pressure_fl']) ch[name] = new Array<number>(samples);
  const phase = random() * Math.PI * 2;
  let distance = 0;
  for (let i = 0; i < samples; i++) {
    const x = i / samples;
    const speed = 120 + 80 * Math.sin(x * Math.PI * 8 + phase) + 5 * random();
    distance += speed / 3.6 * 0.05;
    const gear = Math.min(6, Math.max(1, Math.round(speed / 40)));
    ch.time[i] = dec(i * 0.05, 3);
    ch.distance[i] = dec(distance, 2);
    ch.lat[i] = dec(52.0 + 0.01 * Math.sin(x * Math.PI * 2 + s), 7);
    ch.long[i] = dec(-1.0 + 0.015 * Math.cos(x * Math.PI * 2 + s), 7);
    ch.speed[i] = dec(speed, 2);
    ch.rpm[i] = Math.round(3000 + (speed % 40) * 200);
    ch.throttle[i] = dec(Math.max(0, Math.min(100, 50 + 50 * Math.sin(x * 20 + phase))), 1);
    ch.brake[i] = dec(Math.max(0, -40 * Math.sin(x * 20 + phase)), 1);
    ch.gear[i] = gear;
    ch.steering[i] = dec(30 * Math.sin(x * Math.PI * 12), 1);
    ch.glat[i] = dec(1.5 * Math.sin(x * Math.PI * 12) + 0.05 * (random() - 0.5), 3);
    ch.glong[i] = dec(0.8 * Math.cos(x * 20 + phase), 3);
    ch.oil_temp[i] = dec(q(95 + 10 * x + lap * 0.1, 0.1), 1);
    ch.water_temp[i] = dec(85 + 5 * x, 1);
    ch.tyre_pressure_fl[i] = dec(1.9 + 0.2 * x, 2);
  }
  const standard: Record<string, number[] | null> = {};
  for (const name of standardChannels) standard[name] = ch[name];
  // Some sessions log without an IMU or GPS: those channels are NULL arrays.
  if (s % 3 === 1) { standard.glat = null; standard.glong = null; }
  if (s % 4 === 2) standard.steering = null;
  return { standard, aux: { oil_temp: ch.oil_temp, water_temp: ch.water_temp, tyre_pressure_fl: ch.tyre_pressure_fl } };
}

export async function seedTelemetry(pool: pg.Pool, options: SeedOptions): Promise<{ sessionIds: number[]; samples: number }> {
  await createApplicationTables(pool);
  const random = prng(options.seed);
  const sessionIds: number[] = [];
  for (let s = 0; s < options.sessions; s++) {
    const session = await pool.query<{ id: number }>(`INSERT INTO sessions (name, track, started_at) VALUES ($1, $2, $3) RETURNING id`, [`Seed session ${s + 1}`, ['Silverstone', 'Spa', 'Monza'][s % 3], new Date(Date.UTC(2026, 0, 1 + s))]);
    const sessionId = session.rows[0].id;
    sessionIds.push(sessionId);
    await pool.query(`INSERT INTO telemetry_sources (session_id, source_type, file_name, imported_at) VALUES ($1, $2, $3, $4)`, [sessionId, s % 2 ? 'bosch' : 'vbo', `session-${s + 1}.log`, new Date(Date.UTC(2026, 0, 1 + s, 12))]);
    const laps = await pool.query<{ id: number; lap_number: number }>(
      `INSERT INTO laps (session_id, lap_number, lap_time_ms) SELECT $1, n, 90000 + n * 17 FROM generate_series(1, $2) AS n RETURNING id, lap_number`, [sessionId, options.laps]);
    const client = await pool.connect();
    try {
      const lapLines: string[] = [];
      const auxLines: string[] = [];
      for (const lap of laps.rows.sort((a, b) => a.lap_number - b.lap_number)) {
        const data = seedLap(random, s, lap.lap_number, options.samples);
        lapLines.push([sessionId, lap.id, lap.lap_number, ...standardChannels.map((c) => arr(data.standard[c]))].join('\t') + '\n');
        for (const [name, values] of Object.entries(data.aux)) auxLines.push(`${lap.id}\t${name}\t${arr(values)}\n`);
      }
      await pipeline(Readable.from(lapLines), client.query(copyStreams.from(`COPY lap_telemetry (session_id, lap_id, lap_number, ${standardChannels.map((c) => `"${c}"`).join(', ')}) FROM STDIN`)));
      await pipeline(Readable.from(auxLines), client.query(copyStreams.from('COPY telemetry_channels (lap_id, name, data) FROM STDIN')));
    } finally {
      client.release();
    }
  }
  return { sessionIds, samples: options.sessions * options.laps * options.samples };
}

const int = (name: string, fallback: number) => (value: unknown) => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${String(value)}"`);
  return n;
};

export const seedSpec: SeedSpec = {
  flags: [
    { flag: '--sessions <n>', description: 'sessions to create (default 3)' },
    { flag: '--laps <n>', description: 'laps per session (default 5)' },
    { flag: '--samples <n>', description: 'samples per lap (default 1000)' },
    { flag: '--seed <n>', description: 'random seed (default 1)' },
  ],
  async run(deps: ActivityDeps, options) {
    const opts: SeedOptions = {
      sessions: int('sessions', 3)(options.sessions), laps: int('laps', 5)(options.laps),
      samples: int('samples', 1000)(options.samples), seed: int('seed', 1)(options.seed),
    };
    const result = await seedTelemetry(deps.db.pool, opts);
    return `created ${opts.sessions} sessions (ids ${result.sessionIds.join(', ')}), ${opts.laps} laps each, ${result.samples} samples, 3 auxiliary channels per lap`;
  },
};
