/** A process that encodes one lap on the lap threads and then has nothing left to do (lap-thread-pool.test.ts). */
import { encodeLapAsync } from '../../src/telemetry/lap-thread-pool';

const values = Float64Array.from({ length: 1000 }, (_, i) => i / 100);
const encoded = await encodeLapAsync({ lapNumber: 1, length: values.length, channels: new Map([['time', { values }]]) }, [{ name: 'time', encoding: 'decimal', scale: 2 }]);
process.stdout.write(`encoded ${'pages' in encoded ? encoded.pages.length : 0} bytes\n`);
