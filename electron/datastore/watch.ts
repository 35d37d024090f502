import { type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface WatchListener {
  /** Guests may have come, gone or changed their .conf: the list should be read again. */
  changed(): void;
  /** This guest's `.conf` is not the file it was: edited, replaced, created or removed. */
  confChanged(name: string): void;
}

export interface WatchStats {
  /** Directories with a live watcher, the datastore's own included. */
  watching: number;
  /** Guest directories that could not be watched (the inotify limit, no file descriptors left). */
  unwatched: string[];
  rootWatched: boolean;
}

/** Events come in bursts (an atomic write is a create, a write and a rename): one look after the burst. */
const SETTLE_MS = 50;
/** A datastore folder that is gone or cannot be watched is tried again this often; the poll covers the gap. */
const ROOT_RETRY_MS = 5_000;

/**
 * Watches a vm-bhyve datastore so guests added, removed or edited on disk show at once: the
 * datastore folder (guest directories come and go) and each guest's directory (its `.conf`),
 * one non-recursive watch each. Only the `.conf` counts in a guest directory: a running guest
 * writes its disk all the time, and its state files are the VM monitor's poll's business.
 *
 * Anything that fails (the folder vanished, inotify's watch limit, a file system without
 * notifications) leaves that part to the poll, which runs anyway; the datastore folder is
 * tried again every few seconds. On kqueue (FreeBSD, macOS) an event does not name the file,
 * so every event in a guest directory looks at the `.conf`: a stat, never a read.
 */
export class DatastoreWatcher {
  private root?: FSWatcher;
  /** The folder the root watcher watches: one removed and made again (a remount) needs a new watcher. */
  private rootIno?: bigint;
  private readonly guests = new Map<string, FSWatcher>();
  private readonly unwatched = new Set<string>();
  /** Each guest's `.conf` as last seen (inode, size, times), or undefined where there is none. */
  private readonly confs = new Map<string, string | undefined>();
  private readonly toCheck = new Set<string>();
  private rescan = true;
  private settle?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private closed = false;
  private readonly firstScan: Promise<void>;

  constructor(
    private readonly dir: string,
    private readonly listener: WatchListener,
  ) {
    this.watchRoot();
    this.firstScan = this.flush(true);
  }

  /** Resolves once every guest directory there was at the start is watched (or known not to be). */
  ready(): Promise<void> {
    return this.firstScan;
  }

  stats(): WatchStats {
    return { watching: this.guests.size + (this.root ? 1 : 0), unwatched: [...this.unwatched].sort(), rootWatched: this.root !== undefined };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.settle);
    clearTimeout(this.retry);
    this.root?.close();
    this.root = undefined;
    for (const watcher of this.guests.values()) watcher.close();
    this.guests.clear();
  }

  private watchRoot(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    this.rootIno = undefined;
    if (this.closed) return;
    const watcher = this.open(this.dir, () => {
      this.rescan = true;
      this.schedule();
    });
    if (!watcher) return this.retryRoot();
    watcher.on('error', () => {
      watcher.close();
      if (this.root === watcher) this.root = undefined;
      this.retryRoot();
    });
    this.root = watcher;
  }

  private retryRoot(): void {
    this.retry ??= setTimeout(() => {
      this.watchRoot();
      this.rescan = true;
      this.schedule();
    }, ROOT_RETRY_MS).unref();
  }

  private watchGuest(name: string): void {
    const conf = `${name}.conf`;
    const watcher = this.open(join(this.dir, name), (filename) => {
      // inotify names the file; kqueue names the directory itself, so that means "look".
      if (filename && filename !== conf && filename !== name) return;
      this.toCheck.add(name);
      this.schedule();
    });
    if (!watcher) return void this.unwatched.add(name);
    this.unwatched.delete(name);
    watcher.on('error', () => {
      watcher.close();
      if (this.guests.get(name) === watcher) this.guests.delete(name);
      this.rescan = true;
      this.schedule();
    });
    this.guests.set(name, watcher);
  }

  /** A watcher, or undefined when the system refuses one (ENOENT, ENOSPC, EMFILE…). */
  private open(path: string, onEvent: (filename: string | null) => void): FSWatcher | undefined {
    try {
      // Not persistent (and its timers unref'd): a watcher must never be what keeps Hivedesk (or a test) running.
      return watch(path, { persistent: false }, (_event, filename) => onEvent(filename));
    } catch {
      return undefined;
    }
  }

  private schedule(): void {
    if (this.closed) return;
    this.settle ??= setTimeout(() => {
      this.settle = undefined;
      void this.flush(false);
    }, SETTLE_MS).unref();
  }

  /** One look at a time; what arrives meanwhile waits for the next. */
  private flush(first: boolean): Promise<void> {
    const previous = this.flushing ?? Promise.resolve();
    const next = previous.then(() => this.look(first));
    this.flushing = next.finally(() => {
      if (this.flushing === tracked) this.flushing = undefined;
    });
    const tracked = this.flushing;
    return next;
  }

  private async look(first: boolean): Promise<void> {
    if (this.closed) return;
    const cameOrWent = this.rescan ? await this.reconcile(first) : false;
    const names = [...this.toCheck];
    this.toCheck.clear();
    const edited = (await Promise.all(names.map(async (name) => ((await this.confChanged(name)) ? name : undefined)))).filter((n) => n !== undefined);
    if (this.closed || first) return;
    for (const name of edited) this.listener.confChanged(name);
    if (cameOrWent || edited.length) this.listener.changed();
  }

  /** Watches the guest directories there are now and drops the ones gone; true if any came or went. */
  private async reconcile(first: boolean): Promise<boolean> {
    this.rescan = false;
    await this.checkRoot();
    const entries = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    const dirs = new Set(entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name));
    if (this.closed) return false;
    let changed = false;
    for (const name of [...this.guests.keys(), ...this.unwatched]) {
      if (dirs.has(name)) continue;
      this.guests.get(name)?.close();
      this.guests.delete(name);
      this.unwatched.delete(name);
      // A guest whose directory went (removed, renamed) lost its .conf with it.
      if (this.confs.get(name) !== undefined) this.toCheck.add(name);
      changed = true;
    }
    // Those the system refused a watch before are asked again: a limit may have been raised, watches freed.
    for (const name of [...this.unwatched]) if (dirs.has(name)) this.watchGuest(name);
    const fresh = [...dirs].filter((name) => !this.guests.has(name) && !this.unwatched.has(name));
    for (const name of fresh) this.watchGuest(name);
    if (first) await Promise.all(fresh.map(async (name) => this.confs.set(name, await confIdentity(join(this.dir, name, `${name}.conf`)))));
    // A new one's .conf may have been written before its watcher was there: look now rather than wait for an event.
    else for (const name of fresh) this.toCheck.add(name);
    return changed || fresh.length > 0;
  }

  /** A watcher on a folder that was removed hears nothing more, whatever is made in its place. */
  private async checkRoot(): Promise<void> {
    const here = await stat(this.dir, { bigint: true }).catch(() => undefined);
    if (this.closed || !this.root) return;
    if (here?.isDirectory() && (this.rootIno === undefined || this.rootIno === here.ino)) {
      this.rootIno = here.ino;
      return;
    }
    this.root.close();
    this.root = undefined;
    if (here?.isDirectory()) this.watchRoot();
    else this.retryRoot();
  }

  private async confChanged(name: string): Promise<boolean> {
    const identity = await confIdentity(join(this.dir, name, `${name}.conf`));
    const before = this.confs.get(name);
    if (identity === undefined && !this.guests.has(name) && !this.unwatched.has(name)) this.confs.delete(name);
    else this.confs.set(name, identity);
    return identity !== before;
  }
}

/** What tells one version of a file from the next without reading it: a replacement is a new inode, an edit new times. */
async function confIdentity(path: string): Promise<string | undefined> {
  const s = await stat(path, { bigint: true }).catch(() => undefined);
  return s && s.isFile() ? `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : undefined;
}
