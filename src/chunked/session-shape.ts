/**
 * What a monolithic session document must hold to be migrated: required core fields and arrays of
 * objects where arrays are expected. Fed with scanner events; reports the first problem found.
 */
import type { ScanEvent } from './json-scanner';
import { groups } from './session-layout';

const requiredStrings = ['id', 'name', 'status', 'startTime'] as const;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export class SessionShapeCheck {
  private problem: string | undefined;
  private readonly seen = new Map<string, unknown>();
  private readonly arrays = new Set<string>();

  constructor(private readonly expectedId: string) {}

  observe(event: ScanEvent): void {
    if (this.problem) return;
    const key = event.path.join('.');
    if (event.type === 'value') {
      if (event.path.length === 1) this.seen.set(key, event.value);
      const group = groups.find((g) => g.path.join('.') === key);
      if (group && !(key === 'audioSegments' && event.value === null)) {
        this.problem = `"${key}" is ${typeName(event.value)}, expected an array`;
      }
      if (key === 'video' && event.value !== null) this.problem = `"video" is ${typeName(event.value)}, expected an object`;
    } else if (event.type === 'array-start') {
      this.arrays.add(key);
    } else if (event.type === 'item') {
      const value = event.value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        this.problem = `${key}[${event.index}] is ${typeName(value)}, expected an object`;
      }
    }
  }

  /** The first problem, once the whole document was observed; undefined when the session is fine. */
  finish(): string | undefined {
    if (this.problem) return this.problem;
    for (const field of requiredStrings) {
      const value = this.seen.get(field);
      if (value === undefined) return `required field "${field}" is missing`;
      if (typeof value !== 'string') return `"${field}" is ${typeName(value)}, expected a string`;
    }
    if (this.seen.get('id') !== this.expectedId) {
      return `"id" is ${JSON.stringify(this.seen.get('id'))} but the document is stored as session "${this.expectedId}"`;
    }
    if (!this.arrays.has('screenshots')) return 'required field "screenshots" is missing';
    return undefined;
  }
}
