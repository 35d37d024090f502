import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * A running guest's files in its directory. `run.lock` and `console` are vm-bhyve's own (so
 * `vm list` sees a guest Hivedesk started, and the other way round); the rest are Hivedesk's.
 */
export function runtimeFiles(guestDir: string) {
  const at = (file: string) => join(guestDir, file);
  return {
    lock: at('run.lock'),
    console: at('console'),
    log: at('vm-bhyve.log'),
    supervisorPid: at('hivedesk-supervisor.pid'),
    state: at('hivedesk-state'),
    lastExit: at('hivedesk-last-exit.json'),
    commands: at('hivedesk-commands.jsonl'),
  };
}

export type RuntimeFiles = ReturnType<typeof runtimeFiles>;

/** The supervisor's process title: `ps` shows it, and a reused pid can be told apart by it. */
export function supervisorTitle(name: string): string {
  return `hivedesk-supervisor: ${name}`;
}

/**
 * bhyve's process title, which it takes only once every device is set up, right before the guest's
 * first instruction (bhyverun.c calls setproctitle after init_pci); until then it may still refuse
 * its options and exit.
 */
export function bhyveTitle(name: string): string {
  return `bhyve: ${name}`;
}

/** How the last run ended, for the list: a fault names its cause and the guest log's tail. */
export const LastExit = z.object({ at: z.string(), exitCode: z.number().nullable(), fault: z.string().optional() });
export type LastExit = z.infer<typeof LastExit>;

export async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}


/** The pidfile goes last: until then the guest still shows as up, so a Start cannot slip in early. */
export async function removeRunState(files: RuntimeFiles): Promise<void> {
  await Promise.all([files.lock, files.console, files.state].map((f) => rm(f, { force: true })));
  await rm(files.supervisorPid, { force: true });
}

/** The last lines of the guest's log, to show with a fault. */
export async function logTail(files: RuntimeFiles, lines = 8): Promise<string> {
  return ((await readText(files.log)) ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}
