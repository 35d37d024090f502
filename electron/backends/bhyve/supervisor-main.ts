import { writeFileSync } from 'node:fs';
import { isRunning, readPid } from '../../host/process.js';
import { Datastore } from '../../datastore/datastore.js';
import { appendCommandsTo } from '../../host/command-file.js';
import { CommandLog } from '../../host/command-log.js';
import { HostRunner } from '../../host/run.js';
import { runtimeFiles, supervisorTitle } from './runtime.js';
import { bhyveSettings } from './settings.js';
import { Supervisor } from './supervisor.js';

/**
 * The detached per-guest supervisor (our daemon(8)): started by the bhyve backend, it outlives
 * the GUI, and the GUI finds it again through its pidfile. Usage: supervisor-main <datastore> <vm>.
 */
async function main(): Promise<void> {
  const [datastore, name] = process.argv.slice(2);
  if (!datastore || !name) throw new Error('usage: supervisor-main <datastore> <vm>');
  process.title = supervisorTitle(name);
  const store = new Datastore(datastore);
  const files = runtimeFiles(store.guestDir(name));
  const log = new CommandLog();
  // The GUI reads this file to show the supervisor's commands in its command log.
  appendCommandsTo(log, files.commands);
  const other = await readPid(files.supervisorPid);
  if (isRunning(other, supervisorTitle(name))) throw new Error(`${name} already has a supervisor (pid ${other})`);
  writeFileSync(files.supervisorPid, `${process.pid}\n`);
  const supervisor = new Supervisor({ store, name, settings: bhyveSettings(), runner: new HostRunner(log) });
  process.on('SIGTERM', () => void supervisor.requestStop());
  process.on('SIGUSR2', () => void supervisor.requestPowerOff());
  process.on('SIGHUP', () => undefined);
  const outcome = await supervisor.run();
  process.exitCode = outcome.fault ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 70;
});
