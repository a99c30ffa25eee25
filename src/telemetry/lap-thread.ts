/**
 * Entry point of a lap thread (lap-thread-pool.ts): runs the requests it is sent and posts the
 * results back, with the request's bytes (a raw lap, a lap file) for the main thread to reuse.
 */
import { parentPort } from 'node:worker_threads';
import { runLapRequest, type LapThreadRequest } from './lap-thread-pool';
import { isRawLap } from './raw-lap';

function requestBuffer(request: LapThreadRequest): ArrayBuffer | undefined {
  if (request.op === 'digest') return request.file.buffer as ArrayBuffer;
  return isRawLap(request.lap) ? (request.lap.bytes.buffer as ArrayBuffer) : undefined;
}

parentPort!.on('message', ({ id, request }: { id: number; request: LapThreadRequest }) => {
  const spare = requestBuffer(request);
  try {
    const result = runLapRequest(request);
    const moved = [...('pages' in result ? [result.pages.buffer as ArrayBuffer] : []), ...(spare ? [spare] : [])];
    parentPort!.postMessage({ id, result, spare }, moved);
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message, spare }, spare ? [spare] : []);
  }
});
