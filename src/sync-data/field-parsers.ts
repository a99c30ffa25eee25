/**
 * Field conversions shared by the three entity transforms. Each either returns the converted value
 * or throws a RecordRejection naming the field and why, so one bad field rejects its record only.
 */
import type { JsonValue } from './canonical-json';

/** Why a record cannot be moved: the field and a reason a person can act on. */
export class RecordRejection extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'RecordRejection';
  }
}

/** Latest instant JavaScript dates can hold (±8.64e15 ms), the bound of a "possible" timestamp. */
const maxDateMs = 8.64e15;

/** Unix milliseconds (a number or the digits PostgreSQL sends for BIGINT) → ISO 8601 string. */
export function msToIso(field: string, raw: unknown): string {
  const ms = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof ms !== 'number' || !Number.isInteger(ms)) throw new RecordRejection(field, `timestamp ${JSON.stringify(raw)} is not whole Unix milliseconds`);
  if (ms < 0 || ms > maxDateMs) throw new RecordRejection(field, `timestamp ${ms} is outside the possible range`);
  return new Date(ms).toISOString();
}

export function optionalMsToIso(field: string, raw: unknown): string | null {
  return raw === null || raw === undefined ? null : msToIso(field, raw);
}

function parseJsonText(field: string, text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new RecordRejection(field, `malformed JSON (${detail})`);
  }
}

/** JSON text holding an array; NULL or empty text is an empty array. */
export function parseJsonArray(field: string, text: string | null | undefined): JsonValue[] {
  if (text === null || text === undefined || text.trim() === '') return [];
  const value = parseJsonText(field, text);
  if (!Array.isArray(value)) throw new RecordRejection(field, `expected a JSON array, found ${describe(value)}`);
  return value;
}

export const defaultMetadata: Readonly<{ source: string }> = Object.freeze({ source: 'manual' });

/** JSON text holding an object; NULL or empty text is {"source":"manual"}. */
export function parseMetadata(field: string, text: string | null | undefined): { [key: string]: JsonValue } {
  if (text === null || text === undefined || text.trim() === '') return { ...defaultMetadata };
  const value = parseJsonText(field, text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new RecordRejection(field, `expected a JSON object, found ${describe(value)}`);
  return value;
}

/** A whole number ≥ 0 (or NULL). */
export function nonNegativeInt(field: string, raw: unknown): number | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0) throw new RecordRejection(field, `${JSON.stringify(raw)} is not a whole number ≥ 0`);
  return raw;
}

/** A number within [0, 100] (or NULL). */
export function percentage(field: string, raw: unknown, integer = false): number | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || (integer && !Number.isInteger(raw)) || raw < 0 || raw > 100) {
    throw new RecordRejection(field, `${JSON.stringify(raw)} is not a percentage between 0 and 100`);
  }
  return raw;
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
