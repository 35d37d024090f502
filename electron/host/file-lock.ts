import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isRunning } from './process.js';
import { waitUntil } from './wait.js';

/**
 * A lock between processes: a file created exclusively that holds its owner's pid. A lock
 * whose owner died is taken over. Returns the function that releases it.
 */
export async function acquireFileLock(path: string, timeoutMs: number): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  const taken = await waitUntil(() => tryLock(path), timeoutMs, 100);
  if (!taken) throw new Error(`${path} stayed locked for ${timeoutMs / 1000} s`);
  return () => unlink(path).catch(() => undefined);
}

async function tryLock(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (owner > 0 && !isRunning(owner)) await unlink(path).catch(() => undefined);
    return false;
  }
}
