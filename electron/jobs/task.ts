import type { HostRunner } from '../host/run.js';

/** What a running task may use: its cancel signal, the runner (whose commands reach the GUI's log), and its progress. */
export interface JobContext {
  signal: AbortSignal;
  runner: HostRunner;
  /** `done` of `total` (bytes or steps); written to the job's file a few times a second at most. */
  progress(step: string, done: number, total: number): void;
}

/** One kind of job. `spec` is what the launcher wrote into the job's file; the task checks it. */
export interface JobTask {
  run(spec: unknown, ctx: JobContext): Promise<void>;
  /**
   * Removes what an unfinished run made: after a cancel or a failure (in the job's process), or
   * when an interrupted job is cleared (in the GUI's). Safe to repeat; returns what it removed.
   */
  undo(spec: unknown, runner: HostRunner): Promise<string[]>;
}
