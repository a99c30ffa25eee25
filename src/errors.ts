/**
 * Ferry's error base: a stable `code`, the record it is about, and whether retrying can help.
 * Bad input is not retryable; a flaky dependency is. Activities turn non-retryable FerryErrors into
 * non-retryable Temporal failures with the same code as their type.
 */
export interface RecordRef {
  readonly table?: string;
  readonly file?: string;
  readonly line?: number;
  readonly session?: string | number;
  readonly unit?: string;
}

export class FerryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { readonly retryable?: boolean; readonly record?: RecordRef; readonly cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'FerryError';
  }

  get retryable(): boolean {
    return this.options.retryable ?? false;
  }

  get record(): RecordRef | undefined {
    return this.options.record;
  }
}

/** Wraps anything thrown into a FerryError, keeping the cause. */
export function asFerryError(error: unknown, code = 'UNEXPECTED', retryable = true): FerryError {
  if (error instanceof FerryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FerryError(code, message, { retryable, cause: error });
}
