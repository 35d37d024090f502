import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConsoleHolder } from '../../shared/api/console-protocol.js';
import type { HostRunner } from '../host/run.js';
import { isRunning } from '../host/process.js';

/** Where cu keeps its UUCP lock files: Debian's Taylor cu, then FreeBSD's cu (tip). */
const LOCK_DIRS = ['/var/lock', '/var/spool/lock', '/var/spool/uucp'];

/** What cu prints when another program holds the line: Taylor's "Line in use", tip's "all ports busy". */
export const LINE_BUSY = /Line in use|all ports busy|already locked|device (is )?busy/i;

/**
 * Who holds a serial line: the pid in cu's UUCP lock file (`LCK..<device name>`, a pid in ASCII,
 * which both cus write), if it still runs, with its user and command line.
 */
export async function lineHolder(device: string, runner: HostRunner, dirs = LOCK_DIRS): Promise<ConsoleHolder | undefined> {
  for (const dir of dirs) {
    const pid = Number((await readFile(`${dir}/LCK..${basename(device)}`, 'latin1').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) return { pid, ...(await describe(pid, runner)) };
  }
  return undefined;
}

/** The holder's user and command: from /proc where there is one, else one `ps` (FreeBSD without procfs). */
async function describe(pid: number, runner: HostRunner): Promise<{ user: string; command: string }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  if (status !== undefined) {
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean).join(' ');
    return { user: (await userName(Number(uid))) ?? `uid ${uid ?? '?'}`, command };
  }
  const ps = await runner.run(['ps', '-o', 'user=,args=', '-p', String(pid)], { timeoutMs: 5000 });
  const [user = '?', ...args] = ps.stdout.trim().split(/\s+/);
  return { user, command: args.join(' ') };
}

async function userName(uid: number, passwd = '/etc/passwd'): Promise<string | undefined> {
  const line = (await readFile(passwd, 'utf8').catch(() => '')).split('\n').find((l) => l.split(':')[2] === String(uid));
  return line?.split(':')[0];
}
