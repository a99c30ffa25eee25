/** Entry point of a lap thread (lap-thread-pool.ts): runs the requests it is sent and posts the results back. */
import { parentPort } from 'node:worker_threads';
import { runLapRequest, type LapThreadRequest } from './lap-thread-pool';

parentPort!.on('message', ({ id, request }: { id: number; request: LapThreadRequest }) => {
  try {
    const result = runLapRequest(request);
    parentPort!.postMessage({ id, result }, 'pages' in result ? [result.pages.buffer as ArrayBuffer] : []);
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message });
  }
});
