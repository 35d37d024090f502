import { chmod, chown, readFile, stat } from 'node:fs/promises';

/** Only serial devices of ours are ever handed over: QEMU's ptys and null-modem ends. */
const CONSOLE_DEVICE = /^\/dev\/(pts\/\d+|nmdm[\w.-]+[AB])$/;

/**
 * Debian's Taylor cu opens the line as the `uucp` user: setuid uucp on older releases, and
 * when started as root it switches to uucp itself. A pty QEMU just made is ours alone
 * (0600/0620), so cu would fail with "Permission denied". As root, hand the device to uucp.
 * As a user with a setuid cu, share it with our own group: cu keeps our groups, and on
 * Debian that group is the user's private one, so no other user gets the console.
 */
export async function letCuOpen(device: string, cuPath = '/usr/bin/cu', passwd = '/etc/passwd'): Promise<void> {
  const info = await stat(device);
  if (!info.isCharacterDevice() || !CONSOLE_DEVICE.test(device)) throw new Error(`${device} is not a console device`);
  const uucp = await uidOf('uucp', passwd);
  if (uucp === undefined) return;
  if (process.getuid?.() === 0) return chown(device, uucp, -1);
  const cu = await stat(cuPath).catch(() => undefined);
  if (cu && cu.mode & 0o4000 && cu.uid !== process.getuid?.() && process.getgid) {
    await chown(device, -1, process.getgid());
    await chmod(device, 0o660);
  }
}

async function uidOf(user: string, passwd: string): Promise<number | undefined> {
  const line = (await readFile(passwd, 'utf8').catch(() => '')).split('\n').find((l) => l.startsWith(`${user}:`));
  const uid = Number(line?.split(':')[2]);
  return Number.isInteger(uid) ? uid : undefined;
}
