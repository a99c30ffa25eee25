/**
 * A unit of this migration: one entity type's source records whose ids lie in [fromId, toId]
 * (text order of the primary key), either to upsert into sync_data or (full runs) to find rows of
 * sync_data whose source record is gone. `since` narrows an incremental run to records whose
 * updated_at is later than the previous run's watermark; `until` is this run's watermark.
 */
import type { EntityType } from './entity-types';

export interface SyncUnit {
  readonly entity: EntityType;
  readonly mode: 'upsert' | 'delete';
  readonly fromId: string;
  readonly toId: string;
  readonly since: number | null;
  readonly until: number | null;
  readonly user: string | null;
}

export function unitKeyOf(unit: Pick<SyncUnit, 'entity' | 'mode' | 'fromId' | 'toId'>): string {
  return `${unit.entity}:${unit.mode === 'delete' ? 'deleted:' : ''}${unit.fromId}..${unit.toId}`;
}

/** Reads a unit back from the detail the engine kept for it. */
export function syncUnitOf(detail: Readonly<Record<string, unknown>>): SyncUnit {
  return {
    entity: detail.entity as EntityType,
    mode: detail.mode === 'delete' ? 'delete' : 'upsert',
    fromId: String(detail.fromId),
    toId: String(detail.toId),
    since: detail.since === null || detail.since === undefined ? null : Number(detail.since),
    until: detail.until === null || detail.until === undefined ? null : Number(detail.until),
    user: typeof detail.user === 'string' ? detail.user : null,
  };
}
