import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

/** Writes a file so readers see the old or the new content, never half of it: temp file, fsync, rename. */
/** Keeps an existing file's mode (a user may have made a .conf private). */
export async function writeFileAtomic(path: string, data: string, defaultMode = 0o644): Promise<void> {
  const mode = (await stat(path).catch(() => undefined))?.mode ?? defaultMode;
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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

/** Makes the rename itself durable. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
