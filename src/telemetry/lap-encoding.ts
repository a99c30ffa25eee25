/**
 * One lap encoded as a row group's pages plus its footer facts (pure; runs on a lap thread or
 * inline). A lap whose values do not fit the plan either widens it (`adopt`, for the first lap of
 * a file, when nothing written depends on the plan yet) or is returned as the wider plan, for the
 * writer to start the file again. A raw lap (as PostgreSQL sent it) is digested and encoded here.
 * The pages come from lap-page-encoder.ts; they match the footer template parquet-wasm writes for
 * the plan (lap-file-encoder.ts), which the writer makes on its own thread.
 */
import { widenPlan } from './channel-encoding';
import { encodeLapPages } from './lap-page-encoder';
import { isRawLap, rawLapColumns, rawLapDigest, type RawLap } from './raw-lap';
import type { ThriftStruct } from './thrift-compact';
import type { ColumnPlan, LapColumns } from './types';

export type EncodedLap =
  | { readonly widened: readonly ColumnPlan[] }
  | {
      readonly pages: Uint8Array;
      /** The RowGroup of the pages, its offsets counted from the start of `pages`. */
      readonly group: ThriftStruct;
      /** The plan the lap was encoded with (wider than the one asked for only when adopted). */
      readonly plan: readonly ColumnPlan[];
      /** Content digest of a raw lap. */
      readonly digest?: string;
    };

export function encodeLap(input: LapColumns | RawLap, asked: readonly ColumnPlan[], adopt = false): EncodedLap {
  const raw = isRawLap(input) ? input : undefined;
  const digest = raw && rawLapDigest(raw);
  // Encoding checks that every value fits the plan (a raw lap is encoded from its bytes); only a
  // lap that does not fit is decoded and scanned for the plan that does.
  let plan = asked;
  let encoded = encodeLapPages(input, plan);
  if (encoded === null) {
    // The decoded columns live only for this call: scratch arrays, reused by the next lap.
    const lap = raw ? rawLapColumns(raw, asked.map((c) => c.name), true) : (input as LapColumns);
    const wider = asked.map((c) => widenPlan(c, lap.channels.get(c.name) ?? null, lap.length));
    encoded = wider.some((c, i) => c !== asked[i]) ? encodeLapPages(lap, wider) : null;
    // Both checks are the same rule (fitsScale); disagreeing would make the writer restart forever.
    if (encoded === null) throw new Error(`lap ${lap.lapNumber}: its values fit neither the plan nor the plan widened for them`);
    if (!adopt) return { widened: wider };
    plan = wider;
  }
  const { pages, group } = encoded;
  return { pages, group, plan, ...(digest ? { digest } : {}) };
}
