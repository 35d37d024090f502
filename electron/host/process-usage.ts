import { readFile } from 'node:fs/promises';
import type { HostRunner } from './run.js';

/** What one reading of a process tells: its CPU time so far and its resident memory. */
export interface ProcessUsage {
  /** User + system CPU time since it started, in seconds. */
  cpuSeconds: number;
  rssBytes: number;
  /** Tells a process from a later one with the same pid, where the system says (procfs's start time). */
  started?: string;
}

/** Reads the usage of the given processes, in one go; a process that is gone is simply not in the map. */
export type UsageReader = (pids: readonly number[]) => Promise<Map<number, ProcessUsage>>;

/**
 * Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. It is 100 on every
 * architecture Linux runs QEMU/KVM on (the kernel converts to it for userspace), so no
 * `getconf CLK_TCK` is run for it.
 */
const CLOCK_TICKS = 100;

/**
 * `utime`, `stime` and `starttime` from the text of /proc/<pid>/stat (proc(5)): fields 14, 15
 * and 22, counted after the command name, which is in parentheses and may hold spaces and ')'.
 */
export function parseProcStat(text: string): { cpuSeconds: number; started: string } | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state).
  const [utime, stime, starttime] = [fields[11], fields[12], fields[19]].map(Number);
  if (utime === undefined || stime === undefined || starttime === undefined || ![utime, stime, starttime].every(Number.isFinite)) return undefined;
  return { cpuSeconds: (utime + stime) / CLOCK_TICKS, started: String(starttime) };
}

/** `VmRSS` from /proc/<pid>/status, in bytes (the kernel writes kB, meaning KiB); absent for a kernel thread or a zombie. */
export function parseStatusRss(text: string): number | undefined {
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text)?.[1];
  return kib === undefined ? undefined : Number(kib) * 1024;
}

/** Reads /proc/<pid>/stat and status of each process: no command is run. */
export function procfsUsage(procDir = '/proc'): UsageReader {
  return async (pids) => {
    const readings = await Promise.all(
      pids.map(async (pid) => {
        const [stat, status] = await Promise.all([readFile(`${procDir}/${pid}/stat`, 'utf8'), readFile(`${procDir}/${pid}/status`, 'utf8')].map((p) => p.catch(() => undefined)));
        const cpu = stat === undefined ? undefined : parseProcStat(stat);
        const rssBytes = status === undefined ? undefined : parseStatusRss(status);
        return cpu && rssBytes !== undefined ? ([pid, { ...cpu, rssBytes }] as const) : undefined;
      }),
    );
    return new Map(readings.filter((r) => r !== undefined));
  };
}

/**
 * ps's `time` column as seconds: FreeBSD prints `MMM:SS.hh` (minutes without bound, the
 * locale's decimal point, hundredths), procps `[DD-]HH:MM:SS` (whole seconds).
 */
export function parsePsTime(text: string): number | undefined {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)(?:[.,](\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = m;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds) + (fraction ? Number(`0.${fraction}`) : 0);
}

/** The lines of `ps -o pid=,time=,rss=`: rss is in KiB on FreeBSD and Linux alike. */
export function parsePsUsage(stdout: string): Map<number, ProcessUsage> {
  const usage = new Map<number, ProcessUsage>();
  for (const line of stdout.split('\n')) {
    const [pid, time, rss] = line.trim().split(/\s+/);
    const cpuSeconds = parsePsTime(time ?? '');
    if (!pid || cpuSeconds === undefined || !/^\d+$/.test(pid) || !/^\d+$/.test(rss ?? '')) continue;
    usage.set(Number(pid), { cpuSeconds, rssBytes: Number(rss) * 1024 });
  }
  return usage;
}

/** What every sample runs where there is no procfs: one record in the command log, updated, not one every few seconds. */
export const PS_SAMPLE_LOG_KEY = 'activity sampling (ps)';

/**
 * One `ps` for all the processes (FreeBSD without procfs). `time` rather than `%cpu`: FreeBSD's
 * %cpu is a decaying average over up to a minute, while CPU time over wall time is what the
 * procfs reading gives, so both hosts mean the same by "CPU %".
 */
export function psUsage(runner: HostRunner): UsageReader {
  return async (pids) => {
    if (pids.length === 0) return new Map();
    const result = await runner.run(['ps', '-o', 'pid=,time=,rss=', '-p', pids.join(',')], { timeoutMs: 5_000, logKey: PS_SAMPLE_LOG_KEY });
    // ps exits 1 when one of the pids is gone, and still prints the others.
    return parsePsUsage(result.stdout);
  };
}

/** procfs where it is mounted (Linux; FreeBSD with procfs is not assumed), else ps. */
export async function usageReader(runner: HostRunner, procDir = '/proc'): Promise<UsageReader> {
  const hasProcfs = await readFile(`${procDir}/self/stat`, 'utf8').then(
    (text) => parseProcStat(text) !== undefined,
    () => false,
  );
  return hasProcfs ? procfsUsage(procDir) : psUsage(runner);
}

/**
 * CPU % over an interval as `top` shows it (100 = one CPU busy the whole time): the CPU time
 * the process used in it over the wall time it lasted, to a tenth.
 */
export function cpuPercent(before: ProcessUsage, after: ProcessUsage, wallMs: number): number | undefined {
  if (wallMs <= 0 || before.started !== after.started || after.cpuSeconds < before.cpuSeconds) return undefined;
  // Tenths: more would be noise at these tick sizes (and bytes on every event).
  return Math.round(((after.cpuSeconds - before.cpuSeconds) * 1000 * 1000) / wallMs) / 10;
}
