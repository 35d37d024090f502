import { stat } from 'node:fs/promises';

/** A regular file's length in bytes; undefined for anything else (missing, a device, a directory). */
export async function fileBytes(path: string): Promise<number | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? info.size : undefined;
}
