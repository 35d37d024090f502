import { chmod, chown, readFile, stat } from 'node:fs/promises';

/**
 * Debian's Taylor cu opens the line as the `uucp` user: setuid uucp on older releases, and
 * when started as root it switches to uucp itself. A pty QEMU just made is ours alone
 * (0600/0620), so cu would fail with "Permission denied". Hand it to uucp when we can
 * (root); otherwise, if cu is setuid to someone else, open it up (the only way a user can).
 */
export async function letCuOpen(device: string, cuPath = '/usr/bin/cu', passwd = '/etc/passwd'): Promise<void> {
  const uucp = await uidOf('uucp', passwd);
  if (uucp === undefined) return;
  if (process.getuid?.() === 0) return chown(device, uucp, -1);
  const cu = await stat(cuPath).catch(() => undefined);
  if (cu && cu.mode & 0o4000 && cu.uid !== process.getuid?.()) await chmod(device, 0o666);
}

async function uidOf(user: string, passwd: string): Promise<number | undefined> {
  const line = (await readFile(passwd, 'utf8').catch(() => '')).split('\n').find((l) => l.startsWith(`${user}:`));
  const uid = Number(line?.split(':')[2]);
  return Number.isInteger(uid) ? uid : undefined;
}
