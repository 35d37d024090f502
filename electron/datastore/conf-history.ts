import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../host/atomic-write.js';
import { exists } from './datastore.js';

/** Hivedesk's own files in a guest's directory (its history, the text it booted with); vm-bhyve never looks into dot-directories. */
export const HIVEDESK_DIR_NAME = '.hivedesk';

export function hivedeskDir(guestDir: string): string {
  return join(guestDir, HIVEDESK_DIR_NAME);
}

/** How many earlier versions of a .conf are kept; the oldest go first. */
export const HISTORY_CAP = 50;
const ID_RE = /^[0-9TZ.-]+$/;

/** A hash of a .conf's text: a save quotes the one it was made from, so a hand edit meanwhile is noticed. */
export function confRevision(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * Earlier versions of a guest's .conf, one file each (`.hivedesk/history/<time>.conf`), named by
 * when they were replaced. Callers serialise saves per guest, so two never take the same name.
 */
export class ConfHistory {
  constructor(
    private readonly guestDir: string,
    private readonly cap = HISTORY_CAP,
  ) {}

  private get dir(): string {
    return join(hivedeskDir(this.guestDir), 'history');
  }

  /** Keeps `text` as the version being replaced now; returns its id. */
  async keep(text: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    let at = Date.now();
    while (await exists(this.path(stamp(at)))) at += 1;
    const id = stamp(at);
    await writeFileAtomic(this.path(id), text);
    const old = (await this.ids()).slice(this.cap);
    await Promise.all(old.map((stale) => rm(this.path(stale), { force: true })));
    return id;
  }

  /** Ids, newest first. */
  async ids(): Promise<string[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    return files
      .filter((f) => f.endsWith('.conf') && ID_RE.test(f.slice(0, -5)))
      .map((f) => f.slice(0, -5))
      .sort()
      .reverse();
  }

  async read(id: string): Promise<string | undefined> {
    if (!ID_RE.test(id)) return undefined;
    return readFile(this.path(id), 'utf8').catch(() => undefined);
  }

  private path(id: string): string {
    return join(this.dir, `${id}.conf`);
  }
}

/** An id is the ISO time with ':' made '-', so it sorts by time and is a file name everywhere. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replaceAll(':', '-');
}

/** The ISO time an id stands for. */
export function idTime(id: string): string {
  return id.replace(/^(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-/, '$1:$2:');
}

/**
 * The .conf text a guest booted with, written by whatever starts it (the bhyve supervisor, the QEMU
 * backend): settings that differ from it apply at the next start.
 */
export function bootedConfPath(guestDir: string): string {
  return join(hivedeskDir(guestDir), 'booted.conf');
}

export async function recordBootedConf(guestDir: string, text: string): Promise<void> {
  await mkdir(hivedeskDir(guestDir), { recursive: true });
  await writeFileAtomic(bootedConfPath(guestDir), text);
}

export async function readBootedConf(guestDir: string): Promise<string | undefined> {
  return readFile(bootedConfPath(guestDir), 'utf8').catch(() => undefined);
}

export async function forgetBootedConf(guestDir: string): Promise<void> {
  await rm(bootedConfPath(guestDir), { force: true });
}

/** Moves a file into `.hivedesk/` under a dated name instead of deleting it; returns where it went. */
export async function setAside(guestDir: string, path: string, name: string): Promise<string> {
  await mkdir(hivedeskDir(guestDir), { recursive: true });
  const to = join(hivedeskDir(guestDir), `${stamp(Date.now())}-${name}`);
  await rename(path, to);
  return to;
}
