/** The demo's closing table: one line per migration. */
import { formatBytes, formatTable } from '../cli/output';
import type { Progress } from '../engine/types';

export interface DemoOutcome {
  readonly workflowId: string;
  readonly progress: Progress;
  readonly seconds: number;
}

export function summaryTable(outcomes: readonly DemoOutcome[]): string {
  return formatTable(
    ['KIND', 'UNITS', 'RECORDS', 'BYTES IN', 'BYTES OUT', 'OUT/IN', 'REJECTED', 'TIME', 'FINAL PHASE'],
    outcomes.map(({ progress: p, seconds }) => {
      const c = p.counters;
      return [
        p.kind,
        `${c.unitsDone + c.unitsSkipped}/${c.unitsTotal}`,
        String(c.recordsWritten),
        // A kind that reads rows rather than bytes (sync-data) reports none: shown as "–", not "0 B".
        c.bytesRead > 0 ? formatBytes(c.bytesRead) : '–',
        c.bytesWritten > 0 ? formatBytes(c.bytesWritten) : '–',
        c.bytesRead > 0 && c.bytesWritten > 0 ? `${((c.bytesWritten / c.bytesRead) * 100).toFixed(0)}%` : '–',
        String(c.recordsRejected),
        `${seconds.toFixed(1)} s`,
        p.phase,
      ];
    }),
  );
}
