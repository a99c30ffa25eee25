/**
 * CPU readings taken every `everyMs` while a run goes on, so that phases known only afterwards
 * (from a workflow's history) can be given their CPU: this process's main thread and its other
 * threads, the embedded PostgreSQL, and the machine as a whole (from /proc/stat), whose idle share
 * tells whether a phase was short of CPU or waiting.
 */
import { readFileSync } from 'node:fs';
import { processCpu } from './process-cpu';

interface Reading {
  readonly at: number;
  readonly main: number;
  readonly others: number;
  readonly postgres: number;
  readonly machineBusy: number;
}

export interface CpuSlice {
  readonly seconds: number;
  readonly main: number;
  readonly others: number;
  readonly postgres: number;
  /** Every process on the machine, CPU seconds. */
  readonly machine: number;
}

/** CPU seconds all cores have been busy since boot (user, nice, system, irq, softirq, steal). */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + (steal ?? 0)) / 100;
}

export function startCpuTimeline(postgresCpu: () => number, everyMs = 100) {
  const readings: Reading[] = [];
  const read = () => {
    const own = processCpu();
    readings.push({ at: Date.now(), main: own.main, others: own.others, postgres: postgresCpu(), machineBusy: machineBusySeconds() });
  };
  read();
  const timer = setInterval(read, everyMs);
  // The reading nearest to an instant (epoch ms).
  const nearest = (at: number) => readings.reduce((best, r) => (Math.abs(r.at - at) < Math.abs(best.at - at) ? r : best));
  return {
    stop() {
      clearInterval(timer);
      read();
    },
    slice(from: number, to: number): CpuSlice {
      const a = nearest(from);
      const b = nearest(to);
      return { seconds: (b.at - a.at) / 1000, main: b.main - a.main, others: b.others - a.others, postgres: b.postgres - a.postgres, machine: b.machineBusy - a.machineBusy };
    },
  };
}

export const describeSlice = (s: CpuSlice) =>
  `CPU s: PostgreSQL ${s.postgres.toFixed(1)}, worker main ${s.main.toFixed(1)}, worker others ${s.others.toFixed(1)}, machine ${s.machine.toFixed(1)} (${s.seconds > 0 ? (s.machine / s.seconds).toFixed(2) : '–'} cores busy)`;
