import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostRunner, RunResult } from '../host/run.js';

export type FileRead = { kind: 'text'; text: string } | { kind: 'missing' } | { kind: 'denied'; message: string } | { kind: 'error'; message: string };

export interface FileFacts {
  uid: number;
  gid: number;
  mode: number;
}

/**
 * How checks see the host: its files under `root` (/, a mounted system, a jail, the simulator's sandbox) and,
 * on the running host only, its commands. Under `hivedesk doctor --root` there are no commands: checks that
 * need one say "unknown". Reads are shared by the checks of one run.
 */
export class HostAccess {
  private readonly reads = new Map<string, Promise<FileRead>>();
  private readonly runs = new Map<string, Promise<RunResult>>();

  constructor(
    readonly root: string,
    private readonly runner: HostRunner | undefined,
  ) {}

  /** Whether commands run on this host (false under --root). */
  get live(): boolean {
    return this.runner !== undefined;
  }

  /** A host path as this process reaches it. */
  path(hostPath: string): string {
    return join(this.root, hostPath);
  }

  /** A host path as a fix names it: itself on the running host, under the root otherwise. */
  target(hostPath: string): string {
    return this.live ? hostPath : this.path(hostPath);
  }

  read(hostPath: string): Promise<FileRead> {
    let read = this.reads.get(hostPath);
    if (!read) {
      read = readFile(this.path(hostPath), 'utf8').then(
        (text): FileRead => ({ kind: 'text', text }),
        (err: NodeJS.ErrnoException): FileRead => (err.code === 'ENOENT' ? { kind: 'missing' } : err.code === 'EACCES' || err.code === 'EPERM' ? { kind: 'denied', message: `${hostPath}: permission denied (reading it needs root)` } : { kind: 'error', message: `${hostPath}: ${err.message}` }),
      );
      this.reads.set(hostPath, read);
    }
    return read;
  }

  exists(hostPath: string): Promise<boolean> {
    return this.existsAt(this.path(hostPath));
  }

  /** For paths already resolved for this process (the bhyve backend's firmware directory). */
  existsAt(path: string): Promise<boolean> {
    return access(path, constants.F_OK).then(
      () => true,
      () => false,
    );
  }

  facts(hostPath: string): Promise<FileFacts | undefined> {
    return this.factsAt(this.path(hostPath));
  }

  async factsAt(path: string): Promise<FileFacts | undefined> {
    const info = await stat(path).catch(() => undefined);
    return info && { uid: info.uid, gid: info.gid, mode: info.mode & 0o7777 };
  }

  /** A read-only command of the running host, run once per check run; undefined under --root. */
  run(argv: string[]): Promise<RunResult> | undefined {
    if (!this.runner) return undefined;
    const key = JSON.stringify(argv);
    let run = this.runs.get(key);
    if (!run) {
      run = this.runner.run(argv, { timeoutMs: 10_000 });
      this.runs.set(key, run);
    }
    return run;
  }
}
