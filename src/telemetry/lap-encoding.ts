/**
 * One lap encoded as a row group's pages plus its footer facts (pure; runs in an encoder thread
 * or inline). Returns the wider plan instead when a value does not fit the plan it was given.
 */
import { widenPlan } from './channel-encoding';
import { footerOf, rowGroupRange, rowGroupsOf } from './parquet-footer';
import { encodeLapFile } from './lap-file-encoder';
import type { ThriftStruct } from './thrift-compact';
import type { ColumnPlan, LapColumns } from './types';

export type EncodedLap =
  | { readonly widened: readonly ColumnPlan[] }
  | { readonly pages: Uint8Array; readonly group: ThriftStruct; readonly start: number; readonly footer: ThriftStruct };

export function encodeLap(lap: LapColumns, plan: readonly ColumnPlan[]): EncodedLap {
  const wider = plan.map((c) => widenPlan(c, lap.channels.get(c.name) ?? null, lap.length));
  if (wider.some((c, i) => c !== plan[i])) return { widened: wider };
  const file = encodeLapFile(lap, plan);
  const footer = footerOf(file);
  const [group] = rowGroupsOf(footer);
  const { start, end } = rowGroupRange(group);
  return { pages: file.slice(start, end), group, start, footer };
}
