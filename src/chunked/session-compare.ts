/**
 * Field-by-field comparison of an original session value with its reassembled copy, producing the
 * report lines validation prints, in the form
 *   Screenshots count mismatch (screenshots.length) Expected: 120, Actual: 119
 *   Audio segment 15 transcription mismatch (audioSegments[15].transcription) Expected: "…", Actual: "…"
 */

const maxShown = 120;

export function formatValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  return text.length > maxShown ? `${text.slice(0, maxShown)}…` : text;
}

export function mismatchLine(label: string, fieldPath: string, expected: unknown, actual: unknown): string {
  return `${label} mismatch (${fieldPath}) Expected: ${formatValue(expected)}, Actual: ${formatValue(actual)}`;
}

/** Collects report lines, keeping the first `limit` and counting the rest. */
export class MismatchReport {
  readonly lines: string[] = [];
  total = 0;

  constructor(private readonly limit = 20) {}

  add(line: string): void {
    this.total++;
    if (this.lines.length < this.limit) this.lines.push(line);
  }

  /** The kept lines, with a last line saying how many more there were. */
  summary(): string[] {
    return this.total > this.lines.length ? [...this.lines, `… and ${this.total - this.lines.length} more mismatches`] : [...this.lines];
  }
}

/**
 * Compares `expected` with `actual` recursively, reporting each differing leaf under `fieldPath`.
 * `label(leafPath)` names the field for people ("Screenshot 3 timestamp").
 */
export function compareValues(expected: unknown, actual: unknown, fieldPath: string, label: (leaf: string) => string, report: MismatchReport, leaf = ''): void {
  if (Object.is(expected, actual)) return;
  const bothArrays = Array.isArray(expected) && Array.isArray(actual);
  const bothObjects = isPlainObject(expected) && isPlainObject(actual);
  if (bothArrays) {
    const e = expected as unknown[];
    const a = actual as unknown[];
    if (e.length !== a.length) {
      report.add(mismatchLine(label(`${leaf}${leaf ? ' ' : ''}count`.trim()), `${fieldPath}.length`, e.length, a.length));
      return;
    }
    e.forEach((item, i) => compareValues(item, a[i], `${fieldPath}[${i}]`, label, report, leaf ? `${leaf}[${i}]` : `[${i}]`));
    return;
  }
  if (bothObjects) {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
    for (const key of keys) compareValues(e[key], a[key], `${fieldPath}.${key}`, label, report, leaf ? `${leaf}.${key}` : key);
    return;
  }
  report.add(mismatchLine(label(leaf), fieldPath, expected, actual));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
