import { readdir, readFile } from 'node:fs/promises';

/**
 * How many inotify watches this process holds (Linux): each inotify descriptor lists one
 * `inotify wd:` line per watch in /proc/self/fdinfo. What a watcher costs the kernel, and what
 * one that leaked would leave behind.
 */
export async function inotifyWatches(): Promise<number> {
  const fds = await readdir('/proc/self/fdinfo');
  const infos = await Promise.all(fds.map((fd) => readFile(`/proc/self/fdinfo/${fd}`, 'utf8').catch(() => '')));
  return infos.reduce((sum, info) => sum + info.split('\n').filter((line) => line.startsWith('inotify wd:')).length, 0);
}
