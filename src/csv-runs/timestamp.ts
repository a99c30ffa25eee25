/**
 * Parses logger timestamps to microseconds since the Unix epoch (UTC), exactly: Python's
 * `isoformat()` writes microseconds, which a JavaScript Date would round away. Accepts
 * `YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM]`; a time without an offset is read as UTC.
 */
const pattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6})\d*)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Microseconds since 1970-01-01T00:00:00Z, or null when the text is not a valid timestamp. */
export function parseTimestampMicros(text: string): number | null {
  const fast = plainTimestampMicros(text);
  if (fast !== undefined) return fast;
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

const zero = 48;
const daysBeforeMonth = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digitPositions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/**
 * The logger's own form, `YYYY-MM-DDTHH:MM:SS[.f…f]` (1–6 fraction digits, optional `Z`, years
 * from 1000), read from character codes: the parse runs once per line, and the general pattern
 * costs a tenth of the load. Anything else (offsets, spaces, other years, …) returns undefined and
 * takes the general path, so both give the same value for every text.
 */
function digit(text: string, i: number): number {
  return text.charCodeAt(i) - zero;
}

function plainTimestampMicros(text: string): number | null | undefined {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 90 /* Z */) end--;
  if (end < 19 || end > 26 || end === 20) return undefined;
  for (const i of digitPositions) {
    const value = digit(text, i);
    if (!(value >= 0 && value <= 9)) return undefined;
  }
  const t = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (t !== 84 && t !== 32) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  if (year < 1000) return undefined;
  let fraction = 0;
  if (end > 19) {
    if (text.charCodeAt(19) !== 46 /* . */) return undefined;
    let scale = 100_000;
    for (let i = 20; i < end; i++, scale /= 10) {
      const value = digit(text, i);
      if (!(value >= 0 && value <= 9)) return undefined;
      fraction += value * scale;
    }
  }
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  const hour = digit(text, 11) * 10 + digit(text, 12);
  const minute = digit(text, 14) * 10 + digit(text, 15);
  const second = digit(text, 17) * 10 + digit(text, 18);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 ? (leap ? 29 : 28) : daysInMonth[month - 1];
  if (day > monthDays) return null;
  // Days since 1970-01-01 of a proleptic Gregorian date (what Date.UTC computes).
  const y = year - 1;
  const days = y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - 719_162
    + daysBeforeMonth[month - 1] + (month > 2 && leap ? 1 : 0) + day - 1;
  return ((days * 86_400 + hour * 3600 + minute * 60 + second) * 1000) * 1000 + fraction;
}
