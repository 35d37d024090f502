import type { ConsolePort } from '../../shared/api/consoles.js';
import type { PlannedCommand } from '../../shared/api/vms.js';
import { consoleFileDisplay, cuEndpoint } from '../consoles/console-file.js';
import type { DisplayTarget } from '../consoles/display-target.js';
import type { ConsoleEndpoint } from '../consoles/endpoint.js';
import type { Datastore } from '../datastore/datastore.js';
import type { GuestConfig } from '../datastore/guest-config.js';
import type { HostRunner } from '../host/run.js';
import type { DeleteResult } from './backend.js';
import type { GuestDatasets, NewGuestDir } from './guest-dataset.js';

/**
 * What the backends whose guests are the datastore's .conf files (bhyve, QEMU, Xen) do alike: a new guest is its
 * disks, made one by one; delete is vm-bhyve's `vm destroy`; the console and the screen are what the guest's
 * `console` file names (cu on a device, the `vnc=` line), unless the backend reaches them otherwise.
 */
export abstract class DatastoreBackend {
  constructor(
    protected readonly runner: HostRunner,
    protected readonly store: Datastore,
    /** Set on a ZFS datastore, where each guest is a dataset of its own. */
    private readonly datasets?: GuestDatasets,
  ) {}

  /** vm-bhyve's `zfs create` of the guest's dataset, in place of mkdir, on a ZFS datastore. */
  async newGuestDir(guest: GuestConfig): Promise<NewGuestDir | undefined> {
    return this.datasets?.newGuestDir(guest.name);
  }

  abstract planCreateDisk(guest: GuestConfig, index: number, size: string): PlannedCommand[];

  planCreate(guest: GuestConfig, diskSizes: string[]): PlannedCommand[] {
    return guest.disks.flatMap((_, i) => this.planCreateDisk(guest, i, diskSizes[i] ?? '1G'));
  }

  async create(guest: GuestConfig, diskSizes: string[]): Promise<void> {
    await this.runCommands(this.planCreate(guest, diskSizes));
  }

  async runCommands(commands: PlannedCommand[]): Promise<void> {
    for (const command of commands) await this.runner.check(command.argv);
  }

  /**
   * The guest's directory goes, with the disk files in it only when asked; disks elsewhere (custom paths) stay. A
   * guest that is a dataset of its own is destroyed with its zvols and snapshots, as `vm destroy` does, only when its
   * disks go: keeping them keeps the dataset, with the disks in it.
   */
  async delete(guest: GuestConfig, deleteDisks: boolean): Promise<DeleteResult> {
    const dataset = await this.datasets?.of(guest.name);
    const zvols = guest.disks.filter((d) => d.dev === 'zvol' || d.dev === 'sparse-zvol').map((d) => d.name);
    const inDataset = new Set(dataset ? zvols : []);
    const inDir = guest.disks.filter((d) => d.dev === 'file').map((d) => d.name);
    const outside = guest.disks.filter((d) => d.dev !== 'file' && !inDataset.has(d.name)).map((d) => d.name);
    const dir = this.store.guestDir(guest.name);
    if (dataset && deleteDisks) {
      // The dataset first, as vm destroy does: its mountpoint cannot be removed while it is mounted.
      const files = await this.store.files(guest.name);
      await this.datasets?.destroy(dataset);
      await this.store.removeDir(guest.name);
      return { removed: [...files, ...zvols.map((zvol) => `${dataset}/${zvol}`), dataset], kept: outside };
    }
    const keep = new Set(deleteDisks ? [] : inDir);
    const removed = await this.store.remove(guest.name, keep);
    const kept = [...[...keep].map((f) => `${dir}/${f}`), ...outside, ...(dataset ? [...zvols.map((zvol) => `${dataset}/${zvol}`), dataset] : [])];
    return { removed, kept };
  }

  /** cu on the device the guest's `console` file names for the port (bhyve's nmdm side, QEMU's pty). */
  consoleEndpoint(guest: GuestConfig, port: ConsolePort): Promise<ConsoleEndpoint> {
    return cuEndpoint(this.store, guest.name, port);
  }

  /** The `vnc=` line of the guest's `console` file. */
  display(guest: GuestConfig): Promise<DisplayTarget> {
    return consoleFileDisplay(this.store, guest.name);
  }
}
