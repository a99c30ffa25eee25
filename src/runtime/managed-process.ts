/**
 * A child process Ferry started and must stop: it knows whether an exit was asked for, so an
 * unexpected one (a crash, a kill -9) becomes a clear error instead of a hang further on.
 */
import type { ChildProcess } from 'node:child_process';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly expected: boolean;
}

export class ServiceExitedError extends Error {
  readonly code = 'SERVICE_EXITED';
  constructor(readonly service: string, readonly exit: ProcessExit, logHint: string) {
    super(
      `${service} exited unexpectedly (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}). ` +
        `Ferry cannot go on without it; ${logHint}. Start Ferry again to restart it.`,
    );
    this.name = 'ServiceExitedError';
  }
}

export class ManagedProcess {
  private stopping = false;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<ProcessExit>;

  /**
   * `stopSignal` is the signal for a clean stop; it is also sent, as a last resort, to a child still
   * running when this process exits without having stopped it.
   */
  constructor(readonly name: string, readonly child: ChildProcess, private readonly logHint: string, private readonly stopSignal: NodeJS.Signals = 'SIGTERM') {
    const lastResort = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(stopSignal);
    };
    process.once('exit', lastResort);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        process.removeListener('exit', lastResort);
        resolve({ code, signal, expected: this.stopping });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Calls `handler` with a clear error if the process exits without stop() having been called. */
  onUnexpectedExit(handler: (error: ServiceExitedError) => void): void {
    void this.exited.then((exit) => {
      if (!exit.expected) handler(new ServiceExitedError(this.name, exit, this.logHint));
    });
  }

  /** Asks the process to stop (its stop signal, or `signal`), and kills it if it has not gone after `graceMs`. */
  async stop(signal: NodeJS.Signals = this.stopSignal, graceMs = 15_000): Promise<ProcessExit> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
