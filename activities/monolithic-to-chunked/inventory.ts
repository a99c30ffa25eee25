/**
 * Lists the legacy sessions of the store (monolithic `<id>.json` documents), in id order, a page at
 * a time. Sessions already chunked are left out, so a finished migration finds nothing to do.
 * Files whose name is not a valid session id are listed too (flagged), so that the backup step
 * reports them; they are never opened. Reads only.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { InventoryPage, StepRun } from '../../src/engine/kind';
import { listStore } from '../../src/chunked/session-store';
import { settingsOf } from './settings';

export const inventoryPageSize = 1000;

export async function inventory(run: StepRun, cursor: string | undefined): Promise<InventoryPage> {
  const settings = settingsOf(run.deps.config, run.options.filters);
  const listing = await listStore(settings.root);
  const wanted = settings.sessions ? new Set(settings.sessions) : undefined;
  const keys = [
    ...listing.legacy.filter((id) => !wanted || wanted.has(id)).map((id) => ({ key: id, invalid: false })),
    ...(wanted ? [] : listing.invalidNames.map((name) => ({ key: name.slice(0, -'.json'.length), invalid: true }))),
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const start = cursor ? Number(cursor) : 0;
  const page = keys.slice(start, start + inventoryPageSize);
  const units = [];
  for (const { key, invalid } of page) {
    const bytes = invalid ? undefined : (await stat(path.join(settings.root, `${key}.json`)).catch(() => undefined))?.size;
    units.push({ key, bytes, detail: invalid ? { invalidId: true } : {} });
  }
  const next = start + page.length;
  return { units, nextCursor: next < keys.length ? String(next) : undefined };
}
