/**
 * The three backend entity types this migration moves, and the table each one lives in.
 * Glossary: "entity type" is the value of sync_data.entity_type; "source table" is the backend
 * table it comes from (the source of truth until the read switch is flipped).
 */
export const entityTypes = ['logbook_entry', 'goal', 'practice_session'] as const;
export type EntityType = (typeof entityTypes)[number];

export const sourceTables: Readonly<Record<EntityType, string>> = {
  logbook_entry: 'logbook_entries',
  goal: 'goals',
  practice_session: 'practice_sessions',
};

export function isEntityType(value: unknown): value is EntityType {
  return typeof value === 'string' && (entityTypes as readonly string[]).includes(value);
}
