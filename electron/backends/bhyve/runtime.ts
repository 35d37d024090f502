import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * A running guest's files in its directory. `run.lock` and `console` are vm-bhyve's own (so
 * `vm list` sees a guest Hivedesk started, and the other way round); the rest are Hivedesk's.
 */
const RUNTIME_FILE = {
  lock: 'run.lock',
  console: 'console',
  log: 'vm-bhyve.log',
  supervisorPid: 'hivedesk-supervisor.pid',
  state: 'hivedesk-state',
  lastExit: 'hivedesk-last-exit.json',
  commands: 'hivedesk-commands.jsonl',
} as const;

type RuntimeFile = keyof typeof RUNTIME_FILE;
export const RUNTIME_FILE_NAMES: readonly string[] = Object.values(RUNTIME_FILE);
export type RuntimeFiles = Readonly<Record<RuntimeFile, string>>;

export function runtimeFiles(guestDir: string): RuntimeFiles {
  const at = (file: RuntimeFile) => join(guestDir, RUNTIME_FILE[file]);
  return {
    lock: at('lock'),
    console: at('console'),
    log: at('log'),
    supervisorPid: at('supervisorPid'),
    state: at('state'),
    lastExit: at('lastExit'),
    commands: at('commands'),
  };
}

const FILE_KEYS = new Map(Object.entries(RUNTIME_FILE).map(([key, file]) => [file as string, key as RuntimeFile]));

/**
 * The runtime files that exist, from one listing of the guest's directory: a status poll opens
 * only these, so a guest that is not running costs little more than that listing.
 */
export async function presentRuntimeFiles(guestDir: string): Promise<Partial<RuntimeFiles>> {
  const present: Partial<Record<RuntimeFile, string>> = {};
  for (const file of await readdir(guestDir).catch(() => [] as string[])) {
    const key = FILE_KEYS.get(file);
    if (key) present[key] = join(guestDir, file);
  }
  return present;
}

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
