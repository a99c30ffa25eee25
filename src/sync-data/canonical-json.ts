/**
 * The canonical text of a transformed entity and its checksum. Keys are sorted at every depth and
 * no whitespace is written, so two equal entities always give the same text and the same SHA-256,
 * whatever order their fields were built in. The checksum is what makes re-runs idempotent.
 */
import { createHash } from 'node:crypto';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** JSON text with object keys sorted (by UTF-16 code units) at every depth; `undefined` fields are left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`cannot encode ${value} as JSON`);
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  const keys = Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
}

/** SHA-256 (hex) of the canonical text. */
export function checksumOf(canonicalText: string): string {
  return createHash('sha256').update(canonicalText).digest('hex');
}
