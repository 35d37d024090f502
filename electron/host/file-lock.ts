import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../errors.js';
import { isRunning } from './process.js';
import { waitUntil } from './wait.js';

/** A takeover (or an ownerless lock) this old was abandoned by a process that died in it. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * A lock between processes: a file that holds its owner's pid, made with link(2) so it never
 * exists empty. A lock whose owner died is taken over, one process at a time (under a second,
 * short-lived lock), so two processes can never both take over the same dead owner's lock.
 * `what` names the work, for the message when the lock stays taken. Returns the release.
 */
export async function acquireFileLock(path: string, timeoutMs: number, what: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  const mine = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(mine, `${process.pid}\n`);
  try {
    const taken = await waitUntil(() => tryLock(path, mine), timeoutMs, 100);
    if (!taken) throw new AppError('unavailable', `Another Hivedesk or hivedesk command has been busy with ${what} for ${timeoutMs / 1000} s; try again.`);
  } finally {
    await unlink(mine).catch(() => undefined);
  }
  return () => unlink(path).catch(() => undefined);
}

async function tryLock(path: string, mine: string): Promise<boolean> {
  try {
    await link(mine, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await takeOverIfDead(path);
    return false;
  }
}

async function takeOverIfDead(path: string): Promise<void> {
  if (!(await abandoned(path))) return;
  const takeover = `${path}.takeover`;
  const since = (await stat(takeover).catch(() => undefined))?.mtimeMs;
  if (since !== undefined && Date.now() - since > TAKEOVER_STALE_MS) await unlink(takeover).catch(() => undefined);
  try {
    await writeFile(takeover, `${process.pid}\n`, { flag: 'wx' });
  } catch {
    return;
  }
  try {
    // Read again under the takeover lock: another process may have taken the lock meanwhile.
    if (await abandoned(path)) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(takeover).catch(() => undefined);
  }
}

/** Its owner is dead; or it names none (an older Hivedesk died while writing it) and is not new. */
async function abandoned(path: string): Promise<boolean> {
  const [text, info] = await Promise.all([readFile(path, 'utf8').catch(() => undefined), stat(path).catch(() => undefined)]);
  if (text === undefined || !info) return false;
  const pid = Number(text.trim());
  if (Number.isInteger(pid) && pid > 0) return !isRunning(pid);
  return Date.now() - info.mtimeMs > TAKEOVER_STALE_MS;
}
