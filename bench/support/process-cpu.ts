/**
 * CPU seconds spent so far, from /proc (Linux): by the embedded PostgreSQL (its postmaster's child
 * processes, found through a backend's parent) and by this process. Where the time of a CPU-bound
 * step goes on a machine with few cores.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';

function statOf(pid: number | string, where = '/proc'): { ppid: number; cpu: number; exitedChildren: number } | null {
  try {
    const stat = readFileSync(`${where}/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the name: state, ppid, …, utime (12th), stime (13th), then the same of children
    // that have exited (cutime, cstime); clock ticks of 1/100 s.
    return { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / 100, exitedChildren: (Number(f[13]) + Number(f[14])) / 100 };
  } catch {
    return null;
  }
}

/**
 * A function reading the CPU seconds used so far by every process of the server behind `pool`:
 * the postmaster, its running children, and the children that have exited (a backend whose
 * connection closed), so that the reading never goes down.
 */
export async function postgresCpu(pool: pg.Pool): Promise<() => number> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmaster = statOf(rows[0].pid)?.ppid;
  return () => {
    let sum = 0;
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const s = statOf(name);
      if (s && s.ppid === postmaster) sum += s.cpu;
      else if (s && Number(name) === postmaster) sum += s.cpu + s.exitedChildren;
    }
    return sum;
  };
}

/** CPU seconds used so far by this process: its main thread and all other threads together. */
export function processCpu(): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const s = statOf(tid, '/proc/self/task');
    if (!s) continue;
    if (Number(tid) === process.pid) main += s.cpu;
    else others += s.cpu;
  }
  return { main, others };
}
