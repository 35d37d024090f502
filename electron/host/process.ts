import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { waitUntil } from './wait.js';

/**
 * Whether a process still runs. A daemon whose parent is gone is reaped by PID 1, which may
 * take a while; until then it is a zombie that signal 0 still reaches, so /proc's state is
 * checked where there is one. EPERM means alive but another user's (a root bhyve).
 */
export function isRunning(pid: number | undefined, title?: string): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid) && (title === undefined || hasTitle(pid, title));
}

/** After a reboot a pidfile's number may belong to anything; where /proc tells, the title must match. */
function hasTitle(pid: number, title: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(title);
  } catch {
    return true;
  }
}

function isZombie(pid: number): boolean {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

export function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  return waitUntil(() => !isRunning(pid), timeoutMs, 100);
}

/**
 * What the running processes call themselves, from one read of the process table: argv[0], and
 * each of its beginnings that a space ends, since a title may carry more after the name (so
 * `bhyve: web` is found in `bhyve: web (stopping)` but not in `bhyve: web2`).
 */
export class ProcessTitles {
  private readonly titles = new Set<string>();

  constructor(argv0s: Iterable<string>) {
    for (const argv0 of argv0s) {
      this.titles.add(argv0);
      for (let at = argv0.indexOf(' '); at !== -1; at = argv0.indexOf(' ', at + 1)) this.titles.add(argv0.slice(0, at));
    }
  }

  has(title: string): boolean {
    return this.titles.has(title);
  }
}

/** A process as the process table shows it: its pid and argv[0], which is its title once it set one. */
export interface TitledProcess {
  pid: number;
  title: string;
}

/** Every process, read from /proc where there is one; elsewhere (FreeBSD without procfs) none are known. */
export async function readProcessTable(): Promise<TitledProcess[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const pids = entries.filter((entry) => /^\d+$/.test(entry));
  const cmdlines = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
  return pids.map((pid, i) => ({ pid: Number(pid), title: cmdlines[i]?.split('\0')[0] ?? '' }));
}

/** Every process's title (bhyve retitles itself `bhyve: <vm>`), from one read of the process table. */
export async function readProcessTitles(): Promise<ProcessTitles> {
  return new ProcessTitles((await readProcessTable()).map((p) => p.title));
}

/** The lines of `ps -A -o pid=,ppid=,args=` (which works where /proc is not mounted). */
function parsePs(ps: string): { pid: number; ppid: number; args: string }[] {
  return ps.split('\n').flatMap((line) => {
    const [, pid, ppid, args] = /^\s*(\d+)\s+(\d+)\s+(.*?)\s*$/.exec(line) ?? [];
    return pid && ppid ? [{ pid: Number(pid), ppid: Number(ppid), args: args ?? '' }] : [];
  });
}

/** Whether `root` or a process below it has this title, in the output of `ps -A -o pid=,ppid=,args=`. */
export function hasTitledDescendant(ps: string, root: number, title: string): boolean {
  const procs = parsePs(ps);
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (tree.has(p.pid) || !tree.has(p.ppid)) continue;
      tree.add(p.pid);
      grew = true;
    }
  }
  return procs.some((p) => tree.has(p.pid) && isTitled(p.args, title));
}

/** The process with this title, in the output of `ps -A -o pid=,ppid=,args=` or in the table read from /proc. */
export function titledPid(processes: string | readonly TitledProcess[], title: string): number | undefined {
  const table = typeof processes === 'string' ? parsePs(processes).map((p) => ({ pid: p.pid, title: p.args })) : processes;
  return table.find((p) => isTitled(p.title, title))?.pid;
}

/** Whether a process's arguments (as /proc or `ps -o args` show them) are this title: FreeBSD's ps adds ` (comm)`. */
function isTitled(args: string, title: string): boolean {
  return args === title || args.startsWith(`${title} `);
}

/** The pid a pidfile holds, if it holds one. */
export async function readPid(path: string): Promise<number | undefined> {
  const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
