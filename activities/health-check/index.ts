/**
 * The health check's one activity: proves that a worker reached the database by writing a row.
 * Nothing to roll back — the row is the evidence.
 */
import type { ActivityDeps } from '../deps';

export function createHealthCheckActivities({ db }: ActivityDeps) {
  return {
    /** Inserts a row in ferry.health_checks and returns its id. */
    async recordHealthCheck(note: string): Promise<{ id: string; checkedAt: string }> {
      const row = await db.prisma.healthCheck.create({ data: { note } });
      return { id: row.id.toString(), checkedAt: row.checkedAt.toISOString() };
    },
  };
}
