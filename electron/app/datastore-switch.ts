import { resolve } from 'node:path';
import type { ParsedInput } from '../../shared/api/contract.js';
import type { DatastoreChoices, OpenedDatastore } from '../../shared/api/datastores.js';
import { datastoreProblem } from '../datastore/datastore-folder.js';
import type { DatastoreLocation, VmDirReading } from '../datastore/vm-dir.js';
import { AppError } from '../errors.js';
import type { OpenDatastore } from './open-datastore.js';

export interface SwitchDeps {
  open(location: DatastoreLocation): Promise<OpenDatastore>;
  readVmDir(): Promise<VmDirReading | undefined>;
  /** Remembers the choice for the next start; absent: nothing is remembered (tests, the CLI). */
  remember?(location: DatastoreLocation): Promise<void>;
  /** Told once another datastore is open, so every window can follow. */
  opened(path: string): void;
}

/**
 * The open datastore, and opening another at run time: the new one is opened first (a failure
 * leaves the old one as it was), then the old one is closed, its consoles ended with a message
 * while its guests keep running. One switch at a time.
 */
export class DatastoreSwitch {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private opened: OpenDatastore,
    private readonly deps: SwitchDeps,
  ) {}

  get current(): OpenDatastore {
    return this.opened;
  }

  async choices(): Promise<DatastoreChoices> {
    const vmDir = await this.deps.readVmDir();
    return {
      current: this.opened.location.path,
      ...(vmDir && 'location' in vmDir ? { vmDir: { value: vmDir.value, path: vmDir.location.path } } : {}),
      ...(vmDir && 'problem' in vmDir ? { vmDirProblem: vmDir.problem } : {}),
    };
  }

  open(input: ParsedInput<'openDatastore'>): Promise<OpenedDatastore> {
    const next = this.queue.then(() => this.switchTo(input));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async switchTo(input: ParsedInput<'openDatastore'>): Promise<OpenedDatastore> {
    const location = await this.locate(input);
    const problem = await datastoreProblem(location.path);
    if (problem) throw new AppError('invalid_input', problem, input.from === 'folder' ? { path: problem } : undefined);
    if (location.path !== this.opened.location.path || location.zfsDataset !== this.opened.location.zfsDataset) {
      const previous = this.opened;
      this.opened = await this.deps.open(location);
      await previous.close(`Hivedesk opened the datastore ${location.path}; the guest keeps running.`);
      this.deps.opened(location.path);
    }
    const notice = await this.remember(location);
    return { path: location.path, ...(notice ? { notice } : {}) };
  }

  /** The folder the user gave, or vm_dir read again here: a dataset name never comes from a window. */
  private async locate(input: ParsedInput<'openDatastore'>): Promise<DatastoreLocation> {
    if (input.from === 'folder') return { path: resolve(input.path) };
    const vmDir = await this.deps.readVmDir();
    if (!vmDir) throw new AppError('not_found', 'rc.conf sets no vm_dir: vm-bhyve has no datastore on this host.');
    if ('problem' in vmDir) throw new AppError('unavailable', vmDir.problem);
    return vmDir.location;
  }

  /** A choice that cannot be remembered is still made; the user is told. */
  private async remember(location: DatastoreLocation): Promise<string | undefined> {
    try {
      await this.deps.remember?.(location);
      return undefined;
    } catch (err) {
      return `Opened, but it could not be remembered for the next start: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}
