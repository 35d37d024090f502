import { appendCommandsTo } from '../host/command-file.js';
import { CommandLog } from '../host/command-log.js';
import { HostRunner } from '../host/run.js';
import { JobReporter } from './job-reporter.js';
import { jobTitle, JobStore } from './job-store.js';
import { TASKS } from './tasks.js';

/**
 * One job in a detached process of its own (like a guest's supervisor), so it carries on when
 * the GUI quits and any later GUI finds it through its file. Usage: job-main <datastore> <id>.
 * SIGTERM cancels: the task stops, removes what it made, and the file says `cancelled`.
 */
async function main(): Promise<void> {
  const [datastore, id] = process.argv.slice(2);
  if (!datastore || !id) throw new Error('usage: job-main <datastore> <job id>');
  process.title = jobTitle(id);
  const jobs = new JobStore(datastore);
  const record = await jobs.readRaw(id);
  if (!record || record.status !== 'running' || record.pid !== undefined) throw new Error(`job ${id} is not waiting to run`);
  const cancel = new AbortController();
  process.on('SIGTERM', () => cancel.abort());
  process.on('SIGINT', () => cancel.abort());
  process.on('SIGHUP', () => undefined);
  const log = new CommandLog();
  appendCommandsTo(log, jobs.commandsPath(id));
  const runner = new HostRunner(log);
  const reporter = new JobReporter(jobs, { ...record, pid: process.pid });
  await reporter.flush();
  const task = TASKS[record.kind];
  try {
    await task.run(record.spec, { signal: cancel.signal, runner, progress: (step, done, total) => reporter.progress(step, done, total) });
    await reporter.finish('succeeded');
  } catch (err) {
    reporter.progress('removing what was made', 0, 0);
    const undone = await task.undo(record.spec, runner).then(
      () => undefined,
      (undoErr: unknown) => ` Removing what it made failed too: ${message(undoErr)}`,
    );
    if (cancel.signal.aborted) await reporter.finish('cancelled', undone?.trim());
    else await reporter.finish('failed', `${message(err)}${undone ?? ''}`);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 70;
});
