/**
 * Session ids become file and folder names in the store, so they are checked before they touch a
 * path: letters, digits, "_" and "-" only (no dots, no separators, so no traversal and no clash
 * with the store's own names such as backups and the staging folder).
 */
import { FerryError } from '../errors';

const validId = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function isValidSessionId(id: unknown): id is string {
  return typeof id === 'string' && validId.test(id);
}

/** Returns the id, or throws a non-retryable FerryError naming it and the rule it breaks. */
export function assertSessionId(id: unknown): string {
  if (isValidSessionId(id)) return id;
  throw new FerryError(
    'INVALID_SESSION_ID',
    `Session id ${JSON.stringify(id)} is not allowed: use 1–128 letters, digits, "_" or "-" (no dots, slashes or other separators)`,
    { retryable: false, record: { session: String(id) } },
  );
}
