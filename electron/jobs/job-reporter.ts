import type { JobStatus } from '../../shared/api/jobs.js';
import type { JobRecord, JobStore } from './job-store.js';

const WRITE_EVERY_MS = 400;

/**
 * The job's file, kept by its one writer: the job's process. Progress is written at most a few
 * times a second (each write is a whole atomic file); the end is written at once.
 */
export class JobReporter {
  private pending?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly jobs: JobStore,
    private record: JobRecord,
  ) {}

  /** Writes now, and waits for it. */
  flush(): Promise<void> {
    clearTimeout(this.pending);
    this.pending = undefined;
    const snapshot = this.record;
    this.writing = this.writing.then(() => this.jobs.write(snapshot));
    return this.writing;
  }

  progress(step: string, done: number, total: number): void {
    this.record = { ...this.record, step, done, total };
    this.pending ??= setTimeout(() => void this.flush(), WRITE_EVERY_MS);
  }

  finish(status: Exclude<JobStatus, 'running' | 'interrupted'>, error?: string): Promise<void> {
    const step = { succeeded: 'done', failed: 'failed', cancelled: 'cancelled' }[status];
    this.record = { ...this.record, status, step, endedAt: new Date().toISOString(), ...(error ? { error } : {}) };
    return this.flush();
  }
}
