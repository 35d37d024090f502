import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isRunning } from './process.js';

/** This host, in temp file names: a datastore on shared storage is written from several hosts, whose pids mean nothing here. */
const THIS_HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 12);
const TEMP_NAME = /^\.(.+)\.(\d+)@([0-9a-z]+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Writes a file so readers see the old or the new content, never half of it: temp file, fsync,
 * rename. Keeps an existing file's mode (a user may have made a .conf private). First removes
 * the temp files of this path that killed writers left behind.
 */
export async function writeFileAtomic(path: string, data: string, defaultMode = 0o644): Promise<void> {
  await removeStaleTemps(dirname(path), basename(path));
  const mode = (await stat(path).catch(() => undefined))?.mode ?? defaultMode;
  const temp = tempPath(path);
  const handle = await open(temp, 'wx', mode & 0o7777);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(path));
}

/** Whether a directory entry is one of writeFileAtomic's temp files (a writer's, live or dead). */
export function isAtomicTemp(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** `.<file>.<pid>@<host>.<random>.tmp`: it names its writer, so a dead writer's can be told from a live one's. */
export function tempPath(path: string, pid = process.pid, host = THIS_HOST): string {
  return join(dirname(path), `.${basename(path)}.${pid}@${host}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Removes temp files in `dir` (of `file` only, if given) whose writer on this host is gone
 * (kill -9, a crash, power loss). Another live writer's (a second Hivedesk, the CLI) stay, as
 * do other hosts'.
 */
export async function removeStaleTemps(dir: string, file?: string): Promise<void> {
  for (const entry of await readdir(dir).catch(() => [])) {
    const temp = TEMP_NAME.exec(entry);
    if (!temp || (file !== undefined && temp[1] !== file) || temp[3] !== THIS_HOST || isRunning(Number(temp[2]))) continue;
    await unlink(join(dir, entry)).catch(() => undefined);
  }
}

/** Makes the rename itself durable. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
