import { readFile } from 'node:fs/promises';
import type { HostRunner } from '../host/run.js';

/** Where a datastore is: its folder and, on ZFS, the dataset mounted there (for zvol disks and snapshots). */
export interface DatastoreLocation {
  path: string;
  zfsDataset?: string;
}

/** vm-bhyve's `vm_dir` as rc.conf has it, and the folder it means. */
export type VmDirReading = { value: string; location: DatastoreLocation } | { value: string; problem: string };

export interface VmDirSource {
  /** Ask `sysrc` (FreeBSD: it knows rc.conf.local and rc.conf.d as vm-bhyve's rc.subr does), else read `rcConf`. */
  sysrc: boolean;
  rcConf?: string;
}

/**
 * vm-bhyve's datastore, from rc.conf's `vm_dir`: a folder, or `zfs:<pool/dataset>`, which means
 * that dataset's mountpoint (vm-bhyve's zfs::init). Undefined when rc.conf sets none.
 */
export async function readVmDir(runner: HostRunner, source: VmDirSource): Promise<VmDirReading | undefined> {
  const value = source.sysrc ? await fromSysrc(runner) : lastAssignment(await readFile(source.rcConf ?? '/etc/rc.conf', 'utf8').catch(() => ''), 'vm_dir');
  if (!value) return undefined;
  if (!value.startsWith('zfs:')) {
    return value.startsWith('/') ? { value, location: { path: value } } : { value, problem: `vm_dir is "${value}", which is not a folder (an absolute path) nor zfs:<dataset>.` };
  }
  const dataset = value.slice('zfs:'.length);
  const got = await runner.run(['zfs', 'get', '-H', '-o', 'value', 'mountpoint', dataset], { timeoutMs: 10_000 });
  const mountpoint = got.stdout.trim();
  if (got.exitCode !== 0) return { value, problem: `vm_dir is ${value}, but zfs could not tell where ${dataset} is mounted: ${got.stderr.trim() || `exit status ${got.exitCode}`}` };
  if (!mountpoint.startsWith('/')) return { value, problem: `vm_dir is ${value}, but ${dataset} is not mounted anywhere (its mountpoint is "${mountpoint}").` };
  return { value, location: { path: mountpoint, zfsDataset: dataset } };
}

/** sysrc exits 1 for a variable rc.conf does not set, and then prints nothing to stdout. */
async function fromSysrc(runner: HostRunner): Promise<string | undefined> {
  const got = await runner.run(['sysrc', '-n', 'vm_dir'], { timeoutMs: 10_000 });
  return got.exitCode === 0 ? got.stdout.trim() : undefined;
}

/**
 * The value of the last `name=` line of an rc.conf read as sh would (the last assignment wins),
 * quotes removed; expansions (`$x`) are not followed.
 */
export function lastAssignment(text: string, name: string): string | undefined {
  let value: string | undefined;
  const line = new RegExp(`^\\s*${name}=(?:"([^"]*)"|'([^']*)'|([^\\s#;]*))`);
  for (const row of text.split('\n')) {
    const m = line.exec(row);
    if (m) value = m[1] ?? m[2] ?? m[3] ?? '';
  }
  return value?.trim() || undefined;
}
