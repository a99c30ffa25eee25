/**
 * Entry point of a lap thread (lap-thread-pool.ts): runs the requests it is sent and posts the
 * results back, with the request's bytes (a raw lap, a lap file) for the main thread to reuse.
 * Reading a lap file back needs Arrow and parquet-wasm, which take ~1 CPU s to load per thread:
 * they are loaded on the first such request, so a thread that only encodes never loads them.
 */
import { parentPort } from 'node:worker_threads';
import { encodeLap } from './lap-encoding';
import type { LapThreadRequest, LapThreadResult } from './lap-thread-pool';
import { isRawLap } from './raw-lap';

function requestBuffer(request: LapThreadRequest): ArrayBuffer | undefined {
  if (request.op === 'digest') return request.file.buffer as ArrayBuffer;
  return isRawLap(request.lap) ? (request.lap.bytes.buffer as ArrayBuffer) : undefined;
}

async function run(request: LapThreadRequest): Promise<LapThreadResult> {
  if (request.op === 'encode') return encodeLap(request.lap, request.plan, request.adopt);
  const { lapFileDigest } = await import('./lap-file-digest');
  return lapFileDigest(request.file, request.entry, request.columns);
}

parentPort!.on('message', ({ id, request }: { id: number; request: LapThreadRequest }) => {
  const spare = requestBuffer(request);
  run(request).then((result) => {
    const moved = [...('pages' in result ? [result.pages.buffer as ArrayBuffer] : []), ...(spare ? [spare] : [])];
    parentPort!.postMessage({ id, result, spare }, moved);
  }, (error: Error) => {
    parentPort!.postMessage({ id, error: error.message, spare }, spare ? [spare] : []);
  });
});
