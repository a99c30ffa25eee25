/** A unit's source records, transformed: what convert writes and simulate predicts. */
import type { StepRun, QuarantineEntry, UnitRow } from '../../src/engine/kind';
import { readUnitSource } from '../../src/sync-data/source-reader';
import type { SyncUnit } from '../../src/sync-data/sync-unit';
import { transformRecord, type RejectedRecord, type TransformedRecord } from '../../src/sync-data/transform-record';

export interface TransformedUnit {
  readonly read: number;
  readonly good: TransformedRecord[];
  readonly rejects: RejectedRecord[];
  readonly raw: Map<string, string>;
}

export async function readAndTransform(run: StepRun, unit: SyncUnit): Promise<TransformedUnit> {
  const rows = await readUnitSource(run.deps.db.pool, unit, true);
  const good: TransformedRecord[] = [];
  const rejects: RejectedRecord[] = [];
  const raw = new Map<string, string>();
  for (const row of rows) {
    const result = transformRecord(unit.entity, row);
    if (result.ok) good.push(result);
    else {
      rejects.push(result);
      raw.set(row.id, JSON.stringify(row));
    }
  }
  return { read: rows.length, good, rejects, raw };
}

export function recordRef(reject: Pick<RejectedRecord, 'entityType' | 'entityId' | 'userId'>): string {
  return `${reject.entityType} ${reject.entityId} (user ${reject.userId})`;
}

export function quarantineEntries(unit: UnitRow, transformed: TransformedUnit): QuarantineEntry[] {
  return transformed.rejects.map((r) => ({
    unitKey: unit.key, recordRef: recordRef(r), raw: transformed.raw.get(r.entityId), code: 'BAD_RECORD', reason: r.reason,
  }));
}
