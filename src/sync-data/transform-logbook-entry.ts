/** logbook_entries row → sync_data entity: ms → ISO, JSON text → arrays, metadata defaulted, enums kept. */
import type { JsonValue } from './canonical-json';
import { msToIso, nonNegativeInt, parseJsonArray, parseMetadata } from './field-parsers';
import type { LogbookEntryRow } from './source-rows';

export function transformLogbookEntry(row: LogbookEntryRow): { [key: string]: JsonValue } {
  return {
    id: row.id,
    timestamp: msToIso('timestamp', row.timestamp),
    duration: nonNegativeInt('duration', row.duration),
    type: row.type,
    instrument: row.instrument,
    pieces: parseJsonArray('pieces', row.pieces),
    techniques: parseJsonArray('techniques', row.techniques),
    goalIds: parseJsonArray('goal_ids', row.goal_ids),
    notes: row.notes,
    mood: row.mood,
    tags: parseJsonArray('tags', row.tags),
    metadata: parseMetadata('metadata', row.metadata),
    createdAt: msToIso('created_at', row.created_at),
    updatedAt: msToIso('updated_at', row.updated_at),
  };
}
