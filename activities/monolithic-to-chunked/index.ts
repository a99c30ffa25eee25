/**
 * monolithic-to-chunked: splits monolithic session documents of a file-system store into the
 * chunked layout (src/chunked/session-layout.ts) — backup, streaming atomic convert, field-by-field
 * validation, cutover by removing the original — plus on-demand migration of one session
 * (src/chunked/migrate-one.ts) and backup cleanup (src/chunked/cleanup-backups.ts).
 *
 * Rollback can undo everything while the backups live: originals are restored byte for byte from
 * this migration's backups, then chunked copies and backups are removed. It cannot restore a session
 * whose backup has expired or was deleted: that unit's rollback is refused (BACKUP_EXPIRED /
 * BACKUP_MISSING) and its chunked form is kept, so no session is ever lost. Malformed sessions were
 * never touched, so there is nothing to undo for them.
 */
import { createHash } from 'node:crypto';
import type { KindFactory, MigrationKind } from '../../src/engine/kind';
import { backup } from './backup';
import { convert } from './convert';
import { cutover } from './cutover';
import { inventory } from './inventory';
import { rollback } from './rollback';
import { seed } from './seed';
import { filterFlags } from './settings';
import { simulate } from './simulate';
import { validate } from './validate';

export const kindId = 'monolithic-to-chunked';

export function scope(filters: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (typeof filters.root === 'string' && filters.root !== '') parts.push(`root=${createHash('sha256').update(filters.root).digest('hex').slice(0, 10)}`);
  if (Array.isArray(filters.sessions) && filters.sessions.length > 0) {
    const ids = [...filters.sessions].map(String).sort();
    const listed = ids.join(',');
    parts.push(`sessions=${listed.length <= 60 ? listed : `${ids.length}:${createHash('sha256').update(listed).digest('hex').slice(0, 10)}`}`);
  }
  return parts.length === 0 ? 'all' : parts.join(';');
}

export function createMonolithicToChunkedKind(): MigrationKind {
  return {
    id: kindId,
    title: 'Session documents into chunked storage',
    rollbackNotes:
      'Restores each original document byte for byte from its backup and removes the chunked copy and the backup; ' +
      'refused for a session whose backup has expired or is missing (its chunked form is kept).',
    filterFlags,
    unitsPerCall: 10,
    scope,
    inventory,
    backup,
    simulate,
    convert,
    validate,
    cutover,
    rollback,
    seed,
  };
}

export const kindFactory: KindFactory = () => createMonolithicToChunkedKind();
