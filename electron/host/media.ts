import type { BigIntStats } from 'node:fs';
import { access, constants, realpath, stat } from 'node:fs/promises';

/** Where the kernel keeps its own files: "booting" one would hand host state to a guest. */
const KERNEL_TREES = ['/proc', '/sys', '/dev'];
/** Linux's SCSI CD-ROM drives (`sr*`, what /dev/cdrom points at): the only block devices a guest may boot. */
const LINUX_CDROM_MAJOR = 11n;

/**
 * Why a path cannot be a guest's install media, or undefined when it can: a readable regular
 * file outside the kernel's trees, or the host's CD/DVD drive. Links are judged by what they
 * point at, so a link to a hard disk is refused as the disk it is.
 */
export async function installMediaProblem(path: string): Promise<string | undefined> {
  let real: string;
  let info: BigIntStats;
  try {
    real = await realpath(path);
    info = await stat(real, { bigint: true });
  } catch (err) {
    return cannotOpen(path, (err as NodeJS.ErrnoException).code);
  }
  const shown = real === path ? path : `${path} (a link to ${real})`;
  const refusal = kindRefusal(real, info);
  if (refusal) return `${shown} ${refusal}`;
  return access(real, constants.R_OK).then(
    () => undefined,
    () => `${shown} cannot be read: check its permissions.`,
  );
}

function cannotOpen(path: string, code: string | undefined): string {
  if (code === 'ENOENT' || code === 'ENOTDIR') return `There is no file at ${path}.`;
  if (code === 'EACCES') return `${path} cannot be read: check its permissions.`;
  if (code === 'ELOOP') return `${path} is a loop of symbolic links.`;
  return `${path} cannot be opened (${code ?? 'unknown error'}).`;
}

/** What is wrong with this kind of file as install media, if anything (its readability aside). */
function kindRefusal(real: string, info: BigIntStats): string | undefined {
  if (info.isFile()) {
    const tree = KERNEL_TREES.find((dir) => real.startsWith(`${dir}/`));
    return tree && `is under ${tree}, where the kernel keeps its own files, not an install image.`;
  }
  if (isOpticalDrive(real, info)) return undefined;
  if (info.isDirectory()) return 'is a folder; choose an ISO file in it.';
  if (info.isBlockDevice()) return 'is a disk device, not a CD/DVD drive: a guest may boot an ISO file or the host’s CD/DVD drive only.';
  if (info.isCharacterDevice()) return 'is a character device, not an ISO file or a CD/DVD drive.';
  return `is a ${info.isFIFO() ? 'pipe (FIFO)' : 'socket'}, not an ISO file.`;
}

/** Linux: a block device of the CD-ROM major. FreeBSD has no block devices; its drives are /dev/cdN. */
function isOpticalDrive(real: string, info: BigIntStats): boolean {
  if (process.platform === 'linux') return info.isBlockDevice() && linuxMajor(info.rdev) === LINUX_CDROM_MAJOR;
  if (process.platform === 'freebsd') return info.isCharacterDevice() && /^\/dev\/cd\d+$/.test(real);
  return false;
}

/** glibc's major(): 12 bits above the low minor byte, the rest from the top 32 bits. */
function linuxMajor(rdev: bigint): bigint {
  return ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
}
