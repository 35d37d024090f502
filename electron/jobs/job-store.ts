import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Job } from '../../shared/api/jobs.js';
import { writeFileAtomic } from '../host/atomic-write.js';
import { parseJson } from '../host/command-file.js';
import { isRunning } from '../host/process.js';

/** A job as its file holds it: what the API shows, plus its process and what it was asked to do. */
export const JobRecord = Job.extend({
  /** Written by the job's own process as soon as it runs; absent while it is being launched. */
  pid: z.number().int().positive().optional(),
  /** The task's input, checked by the task itself. */
  spec: z.record(z.string(), z.unknown()),
});
export type JobRecord = z.infer<typeof JobRecord>;

/** A job launched this long ago that has not written its pid never started. */
const LAUNCH_GRACE_MS = 30_000;

/** The job process's title: `ps` shows it, and a pid reused after a reboot is told apart by it. */
export function jobTitle(id: string): string {
  return `hivedesk-job: ${id}`;
}

export function newJobId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** The API's view of a record: its process and its task's input stay in main. */
export function toJob(record: JobRecord): Job {
  return Job.parse(record);
}

/**
 * Jobs live in the datastore (`.config/hivedesk-jobs/<id>.json`, written whole and atomically by
 * the job's process), not in the GUI: any Hivedesk on this datastore, including one started after
 * the GUI that launched them quit, finds them there.
 */
export class JobStore {
  readonly dir: string;

  constructor(readonly datastore: string) {
    this.dir = join(datastore, '.config', 'hivedesk-jobs');
  }

  path(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  /** The commands the job ran, as JSON lines (see command-file.ts). */
  commandsPath(id: string): string {
    return join(this.dir, `${id}.commands.jsonl`);
  }

  /** The job process's own stdout and stderr. */
  logPath(id: string): string {
    return join(this.dir, `${id}.log`);
  }

  async write(record: JobRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.path(record.id), `${JSON.stringify(record, null, 2)}\n`);
  }

  /** The record as written, or undefined (none, or damaged). */
  async readRaw(id: string): Promise<JobRecord | undefined> {
    const parsed = JobRecord.safeParse(parseJson((await readFile(this.path(id), 'utf8').catch(() => undefined)) ?? ''));
    return parsed.success ? parsed.data : undefined;
  }

  /** The record as it stands: a `running` job whose process is gone is `interrupted`. */
  async read(id: string): Promise<JobRecord | undefined> {
    const record = await this.readRaw(id);
    return record && this.judged(record);
  }

  /** Every job, oldest first. */
  async list(): Promise<JobRecord[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    const ids = files.filter((f) => f.endsWith('.json') && !f.startsWith('.')).map((f) => f.slice(0, -'.json'.length));
    const records = await Promise.all(ids.map((id) => this.read(id)));
    return records.filter((r): r is JobRecord => r !== undefined).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  }

  /**
   * The job that holds a guest's name (any case), if any: a running job holds its source and its
   * target; an interrupted one still holds its target (its half-made directory) until cleared.
   */
  async holding(name: string): Promise<JobRecord | undefined> {
    const wanted = name.toLowerCase();
    return (await this.list()).find((job) => holds(job).some((held) => held.toLowerCase() === wanted));
  }

  async remove(id: string): Promise<void> {
    await Promise.all([this.path(id), this.commandsPath(id), this.logPath(id)].map((path) => rm(path, { force: true })));
  }

  /** Whether the job's process still runs (or is still being launched). */
  alive(record: JobRecord): boolean {
    if (record.pid === undefined) return Date.now() - Date.parse(record.startedAt) < LAUNCH_GRACE_MS;
    return isRunning(record.pid, jobTitle(record.id));
  }

  private judged(record: JobRecord): JobRecord {
    if (record.status !== 'running' || this.alive(record)) return record;
    return { ...record, status: 'interrupted', error: record.error ?? 'Its process ended before the job did (killed, or the host restarted).' };
  }
}

/** The guest names a job keeps for itself. */
export function holds(job: Pick<JobRecord, 'status' | 'source' | 'target'>): string[] {
  if (job.status === 'running') return [job.source, job.target].filter((n): n is string => n !== undefined);
  if (job.status === 'interrupted') return job.target === undefined ? [] : [job.target];
  return [];
}
