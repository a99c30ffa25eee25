/**
 * One source row → what sync_data should hold for it (canonical JSON and checksum), or the reason
 * it is rejected. Pure: the same row always gives the same answer, which validation relies on.
 */
import { canonicalJson, checksumOf } from './canonical-json';
import type { EntityType } from './entity-types';
import { RecordRejection } from './field-parsers';
import type { GoalRow, LogbookEntryRow, PracticeSessionRow, SourceRow } from './source-rows';
import { transformGoal } from './transform-goal';
import { transformLogbookEntry } from './transform-logbook-entry';
import { transformPracticeSession } from './transform-practice-session';

export interface TransformedRecord {
  readonly ok: true;
  readonly userId: string;
  readonly entityType: EntityType;
  readonly entityId: string;
  /** Canonical JSON text of the entity (what sync_data.data holds, as jsonb). */
  readonly data: string;
  readonly checksum: string;
}

export interface RejectedRecord {
  readonly ok: false;
  readonly userId: string;
  readonly entityType: EntityType;
  readonly entityId: string;
  readonly field: string;
  readonly reason: string;
}

export function transformRecord(entityType: EntityType, row: SourceRow): TransformedRecord | RejectedRecord {
  const base = { userId: row.user_id, entityType, entityId: row.id };
  try {
    const entity =
      entityType === 'logbook_entry' ? transformLogbookEntry(row as LogbookEntryRow)
        : entityType === 'goal' ? transformGoal(row as GoalRow)
          : transformPracticeSession(row as PracticeSessionRow);
    const data = canonicalJson(entity);
    return { ok: true, ...base, data, checksum: checksumOf(data) };
  } catch (error) {
    if (error instanceof RecordRejection) return { ok: false, ...base, field: error.field, reason: error.message };
    throw error;
  }
}
