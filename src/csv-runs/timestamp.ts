/**
 * Parses logger timestamps to microseconds since the Unix epoch (UTC), exactly: Python's
 * `isoformat()` writes microseconds, which a JavaScript Date would round away. Accepts
 * `YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM]`; a time without an offset is read as UTC.
 */
const pattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6})\d*)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Microseconds since 1970-01-01T00:00:00Z, or null when the text is not a valid timestamp. */
export function parseTimestampMicros(text: string): number | null {
  const m = pattern.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 April over into May: a real calendar date gives back its own day.
  if (new Date(ms).getUTCDate() !== day) return null;
  const fraction = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (hours > 23 || minutes > 59) return null;
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  return (ms - offsetMinutes * 60_000) * 1000 + fraction;
}

/** ISO text (UTC, microseconds) of an epoch-microsecond value, for reports. */
export function formatMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const rest = micros - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}
