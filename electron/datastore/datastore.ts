import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../host/atomic-write.js';
import { type ConfDocument, parseConf, serializeConf } from './conf.js';

/** vm-bhyve's layout: `<root>/<guest>/<guest>.conf`, runtime files beside it. */
export class Datastore {
  constructor(readonly root: string) {}

  guestDir(name: string): string {
    return join(this.root, name);
  }

  confPath(name: string): string {
    return join(this.guestDir(name), `${name}.conf`);
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
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

  /** Creates the guest directory (failing if it exists, so two creates cannot both win) and its .conf. */
  async create(name: string, doc: ConfDocument): Promise<void> {
    await mkdir(this.guestDir(name));
    try {
      await writeFileAtomic(this.confPath(name), serializeConf(doc));
    } catch (err) {
      await rm(this.guestDir(name), { recursive: true, force: true });
      throw err;
    }
  }

  /** Undoes a `create` whose later steps failed; only ever called on a directory this run just made. */
  async removeNew(name: string): Promise<void> {
    await rm(this.guestDir(name), { recursive: true, force: true });
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

  async write(name: string, doc: ConfDocument): Promise<void> {
    await writeFileAtomic(this.confPath(name), serializeConf(doc));
  }

  /** Runtime files (`console`, pidfiles…) live beside the .conf, as vm-bhyve keeps them. */
  runtimePath(name: string, file: string): string {
    return join(this.guestDir(name), file);
  }

  /** vm-bhyve's `console` file: one `port=device` line per serial port. */
  async readConsoles(name: string): Promise<Record<string, string>> {
    const text = await readFile(this.runtimePath(name, 'console'), 'utf8').catch(() => '');
    return Object.fromEntries(
      text
        .split('\n')
        .map((line) => /^(com\d)=(.+)$/.exec(line.trim()))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1] as string, m[2] as string]),
    );
  }

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
