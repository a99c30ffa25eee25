/**
 * `COPY … TO STDOUT` read straight off a pg client's socket, one CopyData payload at a time
 * (PostgreSQL sends one per row; a binary COPY's header and trailer come in messages of their
 * own). A payload that arrived inside one socket chunk is a view of it; one spread over several
 * chunks (a lap's arrays, ~1 MB) is gathered into a buffer of its exact size, which with
 * `recycle` is used again once the consumer has asked for the next payload. Nothing else is
 * copied: no stream buffering, no joining of chunks. The socket is taken from pg for the COPY and
 * given back, with whatever followed CopyDone or an ErrorResponse, for pg to go on with; it is
 * paused while `readAhead` bytes wait unconsumed. A consumer that stops early leaves the rest of
 * the COPY to be read and dropped, so the connection ends up idle and usable again.
 */
import type { Duplex } from 'node:stream';
import type { Connection, Submittable } from 'pg';

/** Backend message codes read here; any other (an ErrorResponse, say) goes back to pg. */
const Code = { copyOutResponse: 0x48, copyData: 0x64, copyDone: 0x63, notice: 0x4e, parameterStatus: 0x53, notification: 0x41 } as const;

export interface CopyOutOptions {
  /** Payload buffers are reused once the next payload is asked for (so each is valid only until then). */
  readonly recycle?: boolean;
  /** Bytes of payloads that may wait unconsumed before the socket is paused. */
  readonly readAhead?: number;
}

type Waiter = { resolve: (r: IteratorResult<Buffer>) => void; reject: (e: Error) => void };

export class CopyOut implements Submittable, AsyncIterable<Buffer> {
  private socket: Duplex | undefined;
  private pgListener: ((chunk: Buffer) => void) | undefined;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private paused = false;
  private waiter: Waiter | undefined;
  private ended = false;
  private dropping = false;
  private failure: Error | undefined;
  // The message being read: its 5-byte header (code, int32 length incl. itself), then its body.
  private readonly header = Buffer.alloc(5);
  private headerHave = 0;
  private bodyLeft = 0;
  private body: Buffer | undefined;
  private bodyHave = 0;
  private handedOut: Buffer | undefined;
  private readonly spare: Buffer[] = [];
  /** Backing stores of the buffers payloads were gathered into (the ones that may be reused). */
  private readonly gathered = new WeakSet<ArrayBufferLike>();
  private readonly readAhead: number;
  private readonly recycle: boolean;
  rowCount: number | undefined;

  constructor(private readonly text: string, options: CopyOutOptions = {}) {
    this.readAhead = options.readAhead ?? 4 * 1024 * 1024;
    this.recycle = options.recycle ?? false;
  }

  /** Called by pg when the query's turn comes: takes the socket's data from pg's parser, sends the query. */
  submit(connection: Connection): void {
    const socket = connection.stream;
    const listeners = socket.listeners('data') as ((chunk: Buffer) => void)[];
    if (listeners.length !== 1) throw new Error(`COPY reader: the connection's socket has ${listeners.length} data listeners, expected pg's one`);
    this.socket = socket;
    this.pgListener = listeners[0];
    socket.removeListener('data', this.pgListener);
    socket.on('data', this.onData);
    connection.query(this.text);
  }

  handleError(error: Error): void {
    this.detach(undefined);
    this.failure = error;
    this.wake();
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /^COPY (\d+)/.exec(message?.text ?? '');
    if (match) this.rowCount = Number(match[1]);
  }

  handleReadyForQuery(): void {}

  private readonly onData = (chunk: Buffer): void => {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.bodyLeft === 0 && this.body === undefined) {
        // A message header: read in place when whole, else gathered across chunks.
        let code: number;
        let length: number;
        if (this.headerHave === 0 && chunk.length - pos >= 5) {
          code = chunk[pos];
          length = chunk.readInt32BE(pos + 1) - 4;
          pos += 5;
        } else {
          const n = Math.min(5 - this.headerHave, chunk.length - pos);
          chunk.copy(this.header, this.headerHave, pos, pos + n);
          this.headerHave += n;
          pos += n;
          if (this.headerHave < 5) return;
          this.headerHave = 0;
          code = this.header[0];
          length = this.header.readInt32BE(1) - 4;
        }
        if (code === Code.copyDone) {
          this.ended = true;
          this.detach(chunk.subarray(pos + length));
          this.wake();
          return;
        }
        if (code !== Code.copyData && code !== Code.copyOutResponse && code !== Code.notice && code !== Code.parameterStatus && code !== Code.notification) {
          // An ErrorResponse (or anything else pg must see): pg reads it from its first byte.
          const start = Buffer.alloc(5);
          start[0] = code;
          start.writeInt32BE(length + 4, 1);
          this.detach(Buffer.concat([start, chunk.subarray(pos)]));
          return;
        }
        if (code !== Code.copyData) {
          this.bodyLeft = length;
          this.body = undefined;
          continue;
        }
        if (chunk.length - pos >= length) {
          this.push(chunk.subarray(pos, pos + length));
          pos += length;
          continue;
        }
        this.body = this.dropping ? undefined : this.bufferFor(length);
        this.bodyHave = 0;
        this.bodyLeft = length;
      }
      const n = Math.min(this.bodyLeft, chunk.length - pos);
      if (this.body) chunk.copy(this.body, this.bodyHave, pos, pos + n);
      this.bodyHave += n;
      this.bodyLeft -= n;
      pos += n;
      if (this.bodyLeft === 0) {
        if (this.body) this.push(this.body);
        this.body = undefined;
        this.bodyHave = 0;
      }
    }
  };

  private bufferFor(length: number): Buffer {
    if (this.recycle) {
      const i = this.spare.findIndex((b) => b.buffer.byteLength >= length);
      if (i >= 0) {
        const b = this.spare.splice(i, 1)[0];
        return Buffer.from(b.buffer, 0, length);
      }
      // Room to grow: the next lap is seldom much shorter than this one, often a little longer.
      const store = new ArrayBuffer(Math.ceil(length * 1.125));
      this.gathered.add(store);
      return Buffer.from(store, 0, length);
    }
    return Buffer.allocUnsafe(length);
  }

  private push(payload: Buffer): void {
    if (this.dropping) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      this.handedOut = payload;
      w.resolve({ value: payload, done: false });
      return;
    }
    this.queue.push(payload);
    this.queued += payload.length;
    if (!this.paused && this.queued > this.readAhead) {
      this.paused = true;
      this.socket?.pause();
    }
  }

  /** Gives the socket back to pg, with the bytes pg must read first. */
  private detach(rest: Buffer | undefined): void {
    const socket = this.socket;
    if (!socket || !this.pgListener) return;
    socket.removeListener('data', this.onData);
    socket.on('data', this.pgListener);
    const listener = this.pgListener;
    this.socket = undefined;
    this.pgListener = undefined;
    if (rest && rest.length > 0) listener(rest);
    if (this.paused) {
      this.paused = false;
      socket.resume();
    }
  }

  private wake(): void {
    if (!this.waiter) return;
    const w = this.waiter;
    this.waiter = undefined;
    if (this.failure) w.reject(this.failure);
    else w.resolve({ value: undefined, done: true });
  }

  private next(): Promise<IteratorResult<Buffer>> {
    const previous = this.handedOut;
    this.handedOut = undefined;
    // A gathered buffer (never a view of a socket chunk) goes back for the next long payload.
    if (previous && this.gathered.has(previous.buffer) && this.spare.length < 4) this.spare.push(previous);
    const payload = this.queue.shift();
    if (payload) {
      this.queued -= payload.length;
      if (this.paused && this.queued <= this.readAhead / 2) {
        this.paused = false;
        this.socket?.resume();
      }
      this.handedOut = payload;
      return Promise.resolve({ value: payload, done: false });
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => { this.waiter = { resolve, reject }; });
  }

  /** The consumer stopped: what is left of the COPY is read and dropped. */
  private stop(): Promise<IteratorResult<Buffer>> {
    this.dropping = true;
    this.queue.length = 0;
    this.queued = 0;
    this.handedOut = undefined;
    if (this.paused) {
      this.paused = false;
      this.socket?.resume();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return { next: () => this.next(), return: () => this.stop() };
  }
}
