/**
 * Streams a monolithic session file through the JSON scanner, handing events to `onEvent` one at a
 * time (awaited, so a slow consumer slows reading), and returns the file's size and SHA-256. An
 * event's `raw` bytes are only valid while `onEvent` handles it: copy what must be kept.
 */
import { createHash } from 'node:crypto';
import { FerryError } from '../errors';
import { readPieces } from './byte-builder';
import { JsonScanError, JsonScanner, type ScanEvent } from './json-scanner';
import { groups } from './session-layout';

export const readChunkBytes = 256 * 1024;

export interface ScanResult {
  readonly bytes: number;
  readonly sha256: string;
}

export async function scanSessionFile(
  file: string,
  sessionId: string,
  onEvent: (event: ScanEvent) => void | Promise<void>,
  onProgress?: (bytesRead: number) => void,
  options: { readonly parseItems?: boolean } = {},
): Promise<ScanResult> {
  const scanner = new JsonScanner({ streamPaths: groups.map((g) => g.path), parseItems: options.parseItems });
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    // One reused read buffer: the scanner copies what must outlive a piece, consumers copy what they keep.
    await readPieces(file, readChunkBytes, async (piece) => {
      hash.update(piece);
      bytes += piece.length;
      for (const event of scanner.push(piece)) await onEvent(event);
      onProgress?.(bytes);
    });
    for (const event of scanner.end()) await onEvent(event);
  } catch (error) {
    if (error instanceof JsonScanError) {
      throw new FerryError('INVALID_JSON', `Session "${sessionId}" is not valid JSON: ${error.message}`, { retryable: false, record: { session: sessionId, file } });
    }
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
}

export function malformed(sessionId: string, file: string, reason: string): FerryError {
  return new FerryError('MALFORMED_SESSION', `Session "${sessionId}" cannot be migrated: ${reason}`, { retryable: false, record: { session: sessionId, file } });
}
