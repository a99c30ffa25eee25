/** Entry point of an encoder thread: encodes laps it is sent (lap-encoding.ts) and posts them back. */
import { parentPort } from 'node:worker_threads';
import { encodeLap } from './lap-encoding';
import type { EncodeRequest } from './lap-encoder-pool';

parentPort!.on('message', (request: EncodeRequest) => {
  try {
    const result = encodeLap(request.lap, request.plan);
    parentPort!.postMessage({ id: request.id, result }, 'pages' in result ? [result.pages.buffer as ArrayBuffer] : []);
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: (error as Error).message });
  }
});
