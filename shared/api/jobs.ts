import { z } from 'zod';
import { request } from './define.js';

/** What a job does; disk creation and downloads will join clone here. */
export const JobKind = z.enum(['clone']);
export type JobKind = z.infer<typeof JobKind>;

/**
 * `interrupted`: the job's process is gone (killed, the host rebooted) without saying how it
 * ended; what it made is still there until the job is cleared.
 */
export const JobStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type JobStatus = z.infer<typeof JobStatus>;

export const JobId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'Not a job id.');

export const Job = z.object({
  id: JobId,
  kind: JobKind,
  /** What it does, for a person: "Clone web1 as web2". */
  title: z.string(),
  /** The guest it works from (a clone's source): not started, renamed or deleted meanwhile. */
  source: z.string().optional(),
  /** The guest it makes: listed as a placeholder until it exists, and its name is taken. */
  target: z.string().optional(),
  status: JobStatus,
  /** The step under way and how far it is, in bytes or steps (`total` 0 while unknown). */
  step: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  error: z.string().optional(),
});
export type Job = z.infer<typeof Job>;

export const JobRef = z.object({ id: JobId });

export function isActive(job: Pick<Job, 'status'>): boolean {
  return job.status === 'running';
}

export const jobsApi = {
  /** Every job this datastore has a record of, oldest first, including finished ones not yet cleared. */
  listJobs: request(z.object({}), z.array(Job)),
  /** Asks a running job to stop; it removes what it made, then says `cancelled`. */
  cancelJob: request(JobRef, Job),
  /** Forgets a finished job; an interrupted one's half-made work is removed first. */
  clearJob: request(JobRef, z.object({ removed: z.array(z.string()) })),
};
