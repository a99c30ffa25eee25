/**
 * Decides what happens to one source lap (pure). A lap is written when it has a `time` array and
 * every other array is NULL or exactly as long; otherwise it is quarantined with a stable code:
 * - LAP_DUPLICATE_NUMBER: another row of the session has the same lap number (all copies kept out);
 * - LAP_NO_TIME: `time` is NULL or empty;
 * - LAP_LENGTH_MISMATCH: some array's length differs from `time`'s;
 * - ARRAY_NOT_ONE_DIMENSIONAL: a multi-dimensional array;
 * - AUX_NAME_CONFLICT / AUX_DUPLICATE_NAME: an auxiliary channel named like a standard column or
 *   twice in the same lap.
 * NaN and ±Infinity are values like any other and are kept exactly.
 */
import { decodeFloat8Elements } from '../../src/telemetry/pg-binary-copy';
import { packRawLap, type RawLap } from '../../src/telemetry/raw-lap';
import { lapNumberColumn, standardChannels, type ChannelColumn, type LapColumns } from '../../src/telemetry/types';
import type { SourceArray, SourceLap } from './source';

export type LapVerdict =
  | { readonly ok: true; readonly lapNumber: number; readonly absent: string[]; readonly samples: number }
  | { readonly ok: false; readonly code: string; readonly reason: string; readonly samples: number };

const reserved = new Set<string>([...standardChannels, lapNumberColumn]);

export function checkLap(source: SourceLap, channels: readonly string[], duplicates: ReadonlySet<number>): LapVerdict {
  const arrays = [...source.standard.entries(), ...source.aux.map((a) => [a.name, a.data] as const)];
  const samples = arrays.reduce((max, [, a]) => Math.max(max, a?.length ?? 0), 0);
  const fail = (code: string, reason: string): LapVerdict => ({ ok: false, code, reason, samples });
  if (duplicates.has(source.lapNumber)) return fail('LAP_DUPLICATE_NUMBER', `lap number ${source.lapNumber} appears more than once in the session (lap_telemetry id ${source.id}); fix or delete the extra rows`);
  const multi = arrays.find(([, a]) => a && a.dims > 1);
  if (multi) return fail('ARRAY_NOT_ONE_DIMENSIONAL', `channel "${multi[0]}" is a ${multi[1]!.dims}-dimensional array`);
  const time = source.standard.get('time');
  if (!time || time.length === 0) return fail('LAP_NO_TIME', `lap has no "time" array (lap_telemetry id ${source.id})`);
  const n = time.length;
  const wrong = arrays.filter(([, a]) => a && a.length !== n);
  if (wrong.length > 0) return fail('LAP_LENGTH_MISMATCH', `arrays differ in length from time (${n}): ${wrong.map(([name, a]) => `${name}=${a!.length}`).join(', ')}`);
  const seen = new Set<string>();
  for (const a of source.aux) {
    if (reserved.has(a.name)) return fail('AUX_NAME_CONFLICT', `auxiliary channel "${a.name}" (telemetry_channels id ${a.id}) has the name of a standard column`);
    if (seen.has(a.name)) return fail('AUX_DUPLICATE_NAME', `auxiliary channel "${a.name}" appears twice in the lap (telemetry_channels id ${a.id})`);
    seen.add(a.name);
  }
  const present = new Set(arrays.filter(([, a]) => a).map(([name]) => name));
  return { ok: true, lapNumber: source.lapNumber, absent: channels.filter((name) => !present.has(name)), samples: n };
}

/** The lap's arrays in `channels` order (null for a NULL or missing array). */
function arraysOf(source: SourceLap, channels: readonly string[]): SourceArray[] {
  const aux = new Map(source.aux.map((a) => [a.name, a.data]));
  return channels.map((name) => source.standard.get(name) ?? aux.get(name) ?? null);
}

/** A lap checkLap accepted, decoded into columns (`channels` order; absent channels null). */
export function decodeLap(source: SourceLap, channels: readonly string[], samples: number): LapColumns {
  const map = new Map<string, ChannelColumn | null>();
  arraysOf(source, channels).forEach((a, i) => map.set(channels[i], a && decodeFloat8Elements(a.elements, a.length)));
  return { lapNumber: source.lapNumber, length: samples, channels: map };
}

/** A lap checkLap accepted, packed undecoded for a lap thread (see src/telemetry/raw-lap.ts). */
export function packLap(source: SourceLap, channels: readonly string[], samples: number): RawLap {
  return packRawLap(source.lapNumber, samples, arraysOf(source, channels).map((a) => a?.elements ?? null));
}

/** The session file's channel columns: standard ones, then the auxiliary names that can be columns. */
export function fileChannels(auxiliaryChannels: readonly string[]): string[] {
  return [...standardChannels, ...auxiliaryChannels.filter((name) => !reserved.has(name))];
}
