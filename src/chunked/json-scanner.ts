/**
 * A streaming scanner for one large JSON object. It walks the object structure itself only along
 * given "stream paths" (for example ["screenshots"] and ["video", "chunks"]); every other value,
 * and every element of a streamed array, is cut out as a byte slice and parsed with JSON.parse
 * (which also validates it). Memory stays bounded by the largest single value, not the document.
 *
 * Feed it Buffers with `push` (any split, even inside a UTF-8 character) and call `end` at the end;
 * both return the events found, in document order. An event's `raw` bytes may point into the pushed
 * buffer: they are valid until that buffer is reused (the next push, when the caller reuses one). Malformed input throws a JsonScanError with
 * the byte offset.
 */

export type ScanEvent =
  | { readonly type: 'value'; readonly path: readonly string[]; readonly value: unknown; readonly raw: Buffer }
  | { readonly type: 'object-start'; readonly path: readonly string[] }
  | { readonly type: 'array-start'; readonly path: readonly string[] }
  | { readonly type: 'item'; readonly path: readonly string[]; readonly index: number; readonly value: unknown; readonly raw: Buffer }
  | { readonly type: 'array-end'; readonly path: readonly string[]; readonly count: number };

export class JsonScanError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'JsonScanError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

type Frame =
  | { kind: 'object'; path: string[]; state: 'key-or-end' | 'key' | 'colon' | 'value' | 'comma-or-end'; key: string }
  | { kind: 'array'; path: string[]; state: 'item-or-end' | 'item' | 'comma-or-end'; index: number };

type Target = { kind: 'key' } | { kind: 'value'; path: string[] } | { kind: 'item'; path: string[]; index: number };

interface Capture {
  target: Target;
  parts: Buffer[];
  start: number;
  mode: 'string' | 'container' | 'scalar';
  depth: number;
  inString: boolean;
  escape: boolean;
}

export interface JsonScannerOptions {
  /** Paths of arrays whose elements are emitted one by one. */
  readonly streamPaths: readonly (readonly string[])[];
  /** Largest single value accepted (bytes); a bigger one is reported as malformed input. */
  readonly maxValueBytes?: number;
  /**
   * When false, items of streamed arrays are only cut out (value undefined, not checked as JSON):
   * for a reader that compares their bytes and parses only the ones it must.
   */
  readonly parseItems?: boolean;
}

export class JsonScanner {
  private readonly stack: Frame[] = [];
  private state: 'start' | 'inside' | 'done' = 'start';
  private capture: Capture | undefined;
  private captureBytes = 0;
  private consumed = 0;
  private events: ScanEvent[] = [];
  /** Position of the next backslash in the current buffer (-1: none left), to skip string bodies fast. */
  private nextBackslash = -1;
  private readonly streamKeys: Set<string>;
  private readonly prefixKeys: Set<string>;
  private readonly maxValueBytes: number;
  private readonly parseItems: boolean;

  constructor(options: JsonScannerOptions) {
    this.streamKeys = new Set(options.streamPaths.map((p) => p.join('\u0000')));
    this.prefixKeys = new Set();
    for (const p of options.streamPaths) {
      for (let i = 1; i < p.length; i++) this.prefixKeys.add(p.slice(0, i).join('\u0000'));
    }
    this.maxValueBytes = options.maxValueBytes ?? 256 * 1024 * 1024;
    this.parseItems = options.parseItems ?? true;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.consumed;
  }

  push(buf: Buffer): ScanEvent[] {
    this.events = [];
    this.nextBackslash = buf.indexOf(BACKSLASH);
    let i = 0;
    const n = buf.length;
    while (i < n) {
      if (this.capture) {
        i = this.continueCapture(buf, i);
        continue;
      }
      const c = buf[i];
      if (isWhitespace(c)) {
        i++;
        continue;
      }
      i = this.structural(buf, i, c);
    }
    if (this.capture) {
      const cap = this.capture;
      // Copied: the caller may reuse `buf` for the next piece.
      const piece = Buffer.from(buf.subarray(cap.start));
      cap.parts.push(piece);
      this.captureBytes += piece.length;
      cap.start = 0;
      if (this.captureBytes > this.maxValueBytes) this.fail(`a single value is larger than ${this.maxValueBytes} bytes`, n);
    }
    this.consumed += n;
    return this.events;
  }

  end(): ScanEvent[] {
    this.events = [];
    if (this.state === 'start') this.fail('empty document: expected a JSON object', 0);
    if (this.state !== 'done' || this.capture) this.fail('unexpected end of document', 0);
    return this.events;
  }

  private fail(message: string, at: number): never {
    throw new JsonScanError(message, this.consumed + at);
  }

  private structural(buf: Buffer, i: number, c: number): number {
    const frame = this.stack[this.stack.length - 1];
    if (!frame) {
      if (this.state === 'done') this.fail('unexpected content after the document', i);
      if (c !== OPEN_OBJECT) this.fail('the document is not a JSON object', i);
      this.state = 'inside';
      this.stack.push({ kind: 'object', path: [], state: 'key-or-end', key: '' });
      this.events.push({ type: 'object-start', path: [] });
      return i + 1;
    }
    if (frame.kind === 'object') {
      switch (frame.state) {
        case 'key-or-end':
          if (c === CLOSE_OBJECT) return this.close(i);
        // falls through: a key
        case 'key':
          if (c !== QUOTE) this.fail('expected a property name', i);
          frame.state = 'colon';
          return this.startCapture(buf, i, { kind: 'key' });
        case 'colon':
          if (c !== COLON) this.fail('expected ":"', i);
          frame.state = 'value';
          return i + 1;
        case 'value': {
          const childPath = [...frame.path, frame.key];
          const joined = childPath.join('\u0000');
          frame.state = 'comma-or-end';
          if (c === OPEN_OBJECT && this.prefixKeys.has(joined)) {
            this.stack.push({ kind: 'object', path: childPath, state: 'key-or-end', key: '' });
            this.events.push({ type: 'object-start', path: childPath });
            return i + 1;
          }
          if (c === OPEN_ARRAY && this.streamKeys.has(joined)) {
            this.stack.push({ kind: 'array', path: childPath, state: 'item-or-end', index: 0 });
            this.events.push({ type: 'array-start', path: childPath });
            return i + 1;
          }
          return this.startCapture(buf, i, { kind: 'value', path: childPath });
        }
        case 'comma-or-end':
          if (c === COMMA) {
            frame.state = 'key';
            return i + 1;
          }
          if (c === CLOSE_OBJECT) return this.close(i);
          return this.fail('expected "," or "}"', i);
      }
    }
    switch (frame.state) {
      case 'item-or-end':
        if (c === CLOSE_ARRAY) return this.close(i);
      // falls through: an item
      case 'item':
        frame.state = 'comma-or-end';
        return this.startCapture(buf, i, { kind: 'item', path: frame.path, index: frame.index++ });
      case 'comma-or-end':
        if (c === COMMA) {
          frame.state = 'item';
          return i + 1;
        }
        if (c === CLOSE_ARRAY) return this.close(i);
        return this.fail('expected "," or "]"', i);
    }
  }

  private close(i: number): number {
    const frame = this.stack.pop()!;
    if (frame.kind === 'array') this.events.push({ type: 'array-end', path: frame.path, count: frame.index });
    if (this.stack.length === 0) this.state = 'done';
    return i + 1;
  }

  private startCapture(buf: Buffer, i: number, target: Target): number {
    const c = buf[i];
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY || c === COMMA || c === COLON) this.fail('expected a value', i);
    const mode = c === QUOTE ? 'string' : c === OPEN_OBJECT || c === OPEN_ARRAY ? 'container' : 'scalar';
    this.capture = { target, parts: [], start: i, mode, depth: mode === 'container' ? 1 : 0, inString: mode === 'string', escape: false };
    this.captureBytes = 0;
    return i + 1;
  }

  /** Advances through the captured value; returns where structural scanning resumes. */
  private continueCapture(buf: Buffer, i: number): number {
    const cap = this.capture!;
    const n = buf.length;
    let j = i;
    while (j < n) {
      if (cap.inString) {
        if (cap.escape) {
          cap.escape = false;
          j++;
          continue;
        }
        if (this.nextBackslash !== -1 && this.nextBackslash < j) this.nextBackslash = buf.indexOf(BACKSLASH, j);
        const quote = buf.indexOf(QUOTE, j);
        const backslash = this.nextBackslash;
        if (backslash !== -1 && (quote === -1 || backslash < quote)) {
          cap.escape = true;
          j = backslash + 1;
          continue;
        }
        if (quote === -1) return n;
        cap.inString = false;
        j = quote + 1;
        if (cap.mode === 'string') return this.finishCapture(buf, j);
        continue;
      }
      const c = buf[j];
      if (cap.mode === 'scalar') {
        if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || isWhitespace(c)) return this.finishCapture(buf, j);
        j++;
        continue;
      }
      if (c === QUOTE) cap.inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) cap.depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        cap.depth--;
        if (cap.depth === 0) return this.finishCapture(buf, j + 1);
      }
      j++;
    }
    return n;
  }

  private finishCapture(buf: Buffer, endExclusive: number): number {
    const cap = this.capture!;
    this.capture = undefined;
    const last = buf.subarray(cap.start, endExclusive);
    const raw = cap.parts.length === 0 ? last : Buffer.concat([...cap.parts, last]);
    const target = cap.target;
    let value: unknown;
    if (target.kind !== 'item' || this.parseItems) {
      try {
        value = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        this.fail(`invalid JSON value (${(error as Error).message})`, endExclusive);
      }
    }
    const frame = this.stack[this.stack.length - 1];
    if (target.kind === 'key') {
      if (frame.kind === 'object') frame.key = value as string;
    } else if (target.kind === 'value') {
      this.events.push({ type: 'value', path: target.path, value, raw });
    } else {
      this.events.push({ type: 'item', path: target.path, index: target.index, value, raw });
    }
    return endExclusive;
  }
}
