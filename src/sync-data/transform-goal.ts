/** goals row → sync_data entity: dates → ISO, milestones/linked entries → arrays, status defaults to ACTIVE. */
import type { JsonValue } from './canonical-json';
import { msToIso, optionalMsToIso, parseJsonArray, percentage } from './field-parsers';
import type { GoalRow } from './source-rows';

export const defaultGoalStatus = 'ACTIVE';

export function transformGoal(row: GoalRow): { [key: string]: JsonValue } {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    targetDate: optionalMsToIso('target_date', row.target_date),
    progress: percentage('progress', row.progress, true),
    milestones: parseJsonArray('milestones', row.milestones),
    status: row.status === null || row.status.trim() === '' ? defaultGoalStatus : row.status,
    linkedEntries: parseJsonArray('linked_entries', row.linked_entries),
    createdAt: msToIso('created_at', row.created_at),
    updatedAt: msToIso('updated_at', row.updated_at),
    completedAt: optionalMsToIso('completed_at', row.completed_at),
  };
}
