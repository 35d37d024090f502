import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { removeStaleTemps, writeFileAtomic } from '../host/atomic-write.js';
import { acquireFileLock } from '../host/file-lock.js';
import { type ConfDocument, parseConf, serializeConf } from './conf.js';

/** Taken by every Hivedesk process (GUI, browser mode, CLI) that creates, clones or renames a guest in this datastore. */
const CREATE_LOCK = '.hivedesk-create.lock';
const CREATE_LOCK_WAIT_MS = 30_000;

/** What holds a name, in whatever case: a guest (it has its .conf), or a directory left behind (kept disks). */
export interface NameHolder {
  name: string;
  guest: boolean;
}

export class NameTakenError extends Error {
  constructor(readonly holder: NameHolder) {
    super(`the name is taken by ${holder.name}`);
  }
}

/** A new guest's directory made otherwise than by mkdir (vm-bhyve's `zfs create` of its dataset), and how to undo it. */
export interface GuestDirMaker {
  make(): Promise<void>;
  /** Removes what `make` made; nothing when it made nothing. */
  undo(): Promise<void>;
}

/** vm-bhyve's layout: `<root>/<guest>/<guest>.conf`, runtime files beside it. */
export class Datastore {
  constructor(readonly root: string) {}

  guestDir(name: string): string {
    return join(this.root, name);
  }

  confPath(name: string): string {
    return join(this.guestDir(name), `${name}.conf`);
  }

  /** Also removes what killed writers left in guest directories: a file that is never written again would keep its temps. */
  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const entries = await readdir(this.root, { withFileTypes: true });
    await Promise.all(entries.filter((entry) => entry.isDirectory()).map((entry) => removeStaleTemps(join(this.root, entry.name))));
  }

  /** Guest names in the datastore: directories holding `<dir>/<dir>.conf` (dot-dirs are vm-bhyve's own). */
  async listNames(): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const dirs = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name);
    // All at once: one after another is a chain of a thousand round trips in a list polled every second.
    const isGuest = await Promise.all(dirs.map((name) => exists(this.confPath(name))));
    return dirs.filter((_, i) => isGuest[i]).sort();
  }

  async read(name: string): Promise<ConfDocument | undefined> {
    const text = await readFile(this.confPath(name), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : parseConf(text);
  }

  /** vm-bhyve's datastore-wide `.config/system.conf` (its switches); undefined where there is none. */
  async readSystemConf(): Promise<ConfDocument | undefined> {
    return readFile(join(this.root, '.config', 'system.conf'), 'utf8').then(parseConf, () => undefined);
  }

  /**
   * The entry holding this name in any case. vm-bhyve's names are case-insensitive, and on a
   * case-insensitive file system `web1` and `WEB1` are one directory anyway.
   */
  async holderOf(name: string): Promise<NameHolder | undefined> {
    const wanted = name.toLowerCase();
    const found = (await readdir(this.root).catch(() => [])).find((entry) => entry.toLowerCase() === wanted);
    return found === undefined ? undefined : { name: found, guest: await exists(this.confPath(found)) };
  }

  /**
   * Creates the guest directory and its .conf, or throws NameTakenError. The check, the mkdir and
   * the .conf happen under a lock every process on this datastore takes, so of creates racing with
   * names that differ only in case exactly one wins, whichever process they come from. `maker`, when
   * given, makes the directory instead of mkdir.
   */
  async create(name: string, doc: ConfDocument, maker?: GuestDirMaker): Promise<void> {
    await this.underCreateLock('creating a VM', async () => {
      await this.makeGuestDir(name, maker);
      // Under the lock too, so a loser is told a VM has the name, not that a directory was left behind.
      await writeFileAtomic(this.confPath(name), serializeConf(doc)).catch(async (err: unknown) => {
        await this.removeNew(name, maker);
        throw err;
      });
    });
  }

  /**
   * Takes a name for a guest still being made (a clone): its directory, made under the create
   * lock, so no create, clone or rename can take the name meanwhile. Throws NameTakenError.
   */
  async reserve(name: string): Promise<void> {
    await this.underCreateLock('cloning a VM', () => this.makeGuestDir(name));
  }

  /**
   * Gives a guest a new name: `move` moves its directory (a rename, or `zfs rename` of its
   * dataset), then its .conf takes the new name. Under the create lock, so a create of the new
   * name cannot slip in. Throws NameTakenError, unless only the case of the name changes.
   */
  async rename(from: string, to: string, move: () => Promise<unknown>): Promise<void> {
    await this.underCreateLock('renaming a VM', async () => {
      const holder = await this.holderOf(to);
      if (holder && holder.name !== from) throw new NameTakenError(holder);
      await move();
      await rename(join(this.guestDir(to), `${from}.conf`), this.confPath(to));
    });
  }

  /** Every process that creates, clones or renames a guest in this datastore takes this lock. */
  private async underCreateLock<T>(what: string, work: () => Promise<T>): Promise<T> {
    const release = await acquireFileLock(join(this.root, CREATE_LOCK), CREATE_LOCK_WAIT_MS, what);
    try {
      return await work();
    } finally {
      await release();
    }
  }

  private async makeGuestDir(name: string, maker?: GuestDirMaker): Promise<void> {
    const holder = await this.holderOf(name);
    if (holder) throw new NameTakenError(holder);
    if (maker) return maker.make();
    await mkdir(this.guestDir(name)).catch(async (err: NodeJS.ErrnoException) => {
      // Made since the check by something that does not take the lock (vm-bhyve, a person).
      if (err.code === 'EEXIST') throw new NameTakenError((await this.holderOf(name)) ?? { name, guest: false });
      throw err;
    });
  }

  /** Undoes a `create` whose later steps failed; only ever called on a directory this run just made (with `maker`). */
  async removeNew(name: string, maker?: GuestDirMaker): Promise<void> {
    await maker?.undo();
    await this.removeDir(name);
  }

  /**
   * Removes a guest: its whole directory, or (keeping disks) every file but the named ones, so
   * the kept disks stay where they were. Returns the paths removed.
   */
  async remove(name: string, keep: ReadonlySet<string>): Promise<string[]> {
    const dir = this.guestDir(name);
    const removed = (await readdir(dir)).filter((f) => !keep.has(f)).map((f) => join(dir, f));
    // The .conf first: from then on the guest is no longer listed, whatever happens to the rest.
    await rm(this.confPath(name));
    if (keep.size === 0) await rm(dir, { recursive: true, force: true });
    else await Promise.all(removed.map((path) => rm(path, { recursive: true, force: true })));
    return removed;
  }

  /** The paths in a guest's directory. */
  async files(name: string): Promise<string[]> {
    const dir = this.guestDir(name);
    return (await readdir(dir)).map((f) => join(dir, f));
  }

  /** What is left of a guest's directory after its dataset went (`rm -R`, as vm destroy does); nothing, usually. */
  async removeDir(name: string): Promise<void> {
    await rm(this.guestDir(name), { recursive: true, force: true });
  }

  async write(name: string, doc: ConfDocument): Promise<void> {
    await writeFileAtomic(this.confPath(name), serializeConf(doc));
  }

  /** Runtime files (`console`, pidfiles…) live beside the .conf, as vm-bhyve keeps them. */
  runtimePath(name: string, file: string): string {
    return join(this.guestDir(name), file);
  }

  /** vm-bhyve's `console` file: one `port=device` line per serial port, and `vnc=<listen>` for a screen. */
  async readConsoles(name: string): Promise<Record<string, string>> {
    const text = await readFile(this.runtimePath(name, 'console'), 'utf8').catch(() => '');
    return Object.fromEntries(
      text
        .split('\n')
        .map((line) => /^(com\d|vnc)=(.+)$/.exec(line.trim()))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1] as string, m[2] as string]),
    );
  }

  /** The framebuffer's `<listen>:<port>` from a running guest's `console` file (vm-bhyve writes a vnc= line there too). */
  async readVnc(name: string): Promise<string | undefined> {
    const text = await readFile(this.runtimePath(name, 'console'), 'utf8').catch(() => '');
    return /^vnc=(.+)$/m.exec(text)?.[1]?.trim();
  }

  /** One `key=value` line each: `com1=/dev/nmdm-web1.1B`, and `vnc=127.0.0.1:5900` for a framebuffer. */
  async writeConsoles(name: string, consoles: Record<string, string>): Promise<void> {
    const text = Object.entries(consoles).map(([port, dev]) => `${port}=${dev}\n`).join('');
    await writeFileAtomic(this.runtimePath(name, 'console'), text);
  }

  async removeRuntime(name: string, file: string): Promise<void> {
    await rm(this.runtimePath(name, file), { force: true });
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
