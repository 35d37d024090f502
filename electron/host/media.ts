import { access, constants, stat } from 'node:fs/promises';

/** Install media a guest can boot: a readable file, or a block device (a host's CD drive). */
export async function isReadableMedia(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() && !info?.isBlockDevice()) return false;
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}
