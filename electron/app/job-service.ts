import type { Job } from '../../shared/api/jobs.js';
import { AppError } from '../errors.js';
import { CommandFileImporter } from '../host/command-file.js';
import type { HostRunner } from '../host/run.js';
import { waitUntil } from '../host/wait.js';
import { launchJob, type NewJob } from '../jobs/job-launcher.js';
import { type JobRecord, type JobStore, toJob } from '../jobs/job-store.js';
import { TASKS } from '../jobs/tasks.js';

/** How long a cancelled job may take to stop and remove what it made. */
const CANCEL_WAIT_MS = 30_000;

/**
 * The jobs of this datastore as the GUI sees them: read from their files (so a GUI started after
 * them finds them), each job's commands brought into the command log, and every change pushed.
 */
export class JobService {
  private readonly commands: CommandFileImporter;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private last?: { jobs: Job[]; json: string };
  private readonly listeners = new Set<(jobs: Job[]) => void>();

  constructor(
    private readonly jobs: JobStore,
    private readonly runner: HostRunner,
    private readonly intervalMs = 1000,
  ) {
    this.commands = new CommandFileImporter(runner.log);
  }

  /** Called with every job whenever one starts, moves on or ends (while started). */
  onDidChange(listener: (jobs: Job[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.timer ??= setInterval(() => void (this.polling ?? this.refresh()), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The jobs as of the last look, for a window that connects late. */
  current(): Job[] | undefined {
    return this.last?.jobs;
  }

  async list(): Promise<Job[]> {
    const records = await this.jobs.list();
    await Promise.all(records.map((record) => this.commands.import(this.jobs.commandsPath(record.id))));
    return records.map(toJob);
  }

  /** Looks now, and tells of a change. */
  refresh(): Promise<void> {
    this.polling ??= this.poll().finally(() => (this.polling = undefined));
    return this.polling;
  }

  async launch(job: NewJob): Promise<Job> {
    const record = await launchJob(this.jobs, this.runner, job);
    await this.refresh();
    return toJob(record);
  }

  /** SIGTERM to the job's process, which stops, removes what it made and says so; waits for that. */
  async cancel(id: string): Promise<Job> {
    const record = await this.record(id);
    if (record.status !== 'running') throw new AppError('conflict', `“${record.title}” has already ended (${record.status}).`);
    if (record.pid === undefined) throw new AppError('conflict', `“${record.title}” is still starting; try again in a moment.`);
    signal(record.pid);
    await waitUntil(async () => (await this.record(id)).status !== 'running', CANCEL_WAIT_MS, 100);
    await this.refresh();
    return toJob(await this.record(id));
  }

  /** Forgets an ended job; an interrupted one's half-made work goes first (a finished clone stays). */
  async clear(id: string): Promise<{ removed: string[] }> {
    const record = await this.record(id);
    if (record.status === 'running') throw new AppError('conflict', `“${record.title}” is still running: cancel it first.`);
    const removed = record.status === 'interrupted' ? await TASKS[record.kind].undo(record.spec, this.runner) : [];
    await this.jobs.remove(id);
    await this.refresh();
    return { removed };
  }

  private async record(id: string): Promise<JobRecord> {
    const record = await this.jobs.read(id);
    if (!record) throw new AppError('not_found', `There is no job ${id}.`);
    return record;
  }

  private async poll(): Promise<void> {
    const jobs = await this.list();
    const json = JSON.stringify(jobs);
    if (json === this.last?.json) return;
    this.last = { jobs, json };
    for (const listener of this.listeners) listener(jobs);
  }
}

/** A job that ended between the look and the signal has nothing left to cancel. */
function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
