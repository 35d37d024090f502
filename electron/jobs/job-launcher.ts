import type { JobKind } from '../../shared/api/jobs.js';
import { AppError } from '../errors.js';
import { ownScriptArgv } from '../host/own-script.js';
import type { HostRunner } from '../host/run.js';
import { waitUntil } from '../host/wait.js';
import { type JobRecord, type JobStore, newJobId } from './job-store.js';

/** How long a job's process may take to start (tsx compiles on the fly in development). */
const START_WAIT_MS = 30_000;

export interface NewJob {
  kind: JobKind;
  title: string;
  source?: string;
  target?: string;
  spec: Record<string, unknown>;
}

/**
 * Writes the job's file and starts its process detached (its own session, like daemon(8)), then
 * waits until the process has taken the file over (written its pid) or died trying.
 */
export async function launchJob(jobs: JobStore, runner: HostRunner, job: NewJob): Promise<JobRecord> {
  const record: JobRecord = { id: newJobId(), ...job, status: 'running', step: 'starting', done: 0, total: 0, startedAt: new Date().toISOString() };
  await jobs.write(record);
  const argv = [...ownScriptArgv(import.meta.url, './job-main'), jobs.datastore, record.id];
  // ELECTRON_RUN_AS_NODE: in the desktop app process.execPath is Electron, which must act as plain Node here.
  const child = runner.start(argv, { timeoutMs: 0, logFile: jobs.logPath(record.id), detached: true, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  let exited = false;
  void child.result.then(() => (exited = true));
  await waitUntil(async () => exited || (await jobs.readRaw(record.id))?.pid !== undefined, START_WAIT_MS, 50);
  const started = await jobs.read(record.id);
  if (started?.pid !== undefined) return started;
  await jobs.write({ ...record, status: 'failed', step: 'failed', endedAt: new Date().toISOString(), error: 'The job did not start; see its log.' });
  throw new AppError('internal', `The ${job.kind} job did not start (see ${jobs.logPath(record.id)}).`);
}
