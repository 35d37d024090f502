import type { ConsolePort } from '../../shared/api/consoles.js';
import type { PlannedCommand } from '../../shared/api/vms.js';
import { consoleFileDisplay, cuEndpoint } from '../consoles/console-file.js';
import type { DisplayTarget } from '../consoles/display-target.js';
import type { ConsoleEndpoint } from '../consoles/endpoint.js';
import type { Datastore } from '../datastore/datastore.js';
import type { GuestConfig } from '../datastore/guest-config.js';
import type { HostRunner } from '../host/run.js';
import type { DeleteResult } from './backend.js';

/**
 * What the backends whose guests are the datastore's .conf files (bhyve, QEMU, Xen) do alike: a new guest is its
 * disks, made one by one; delete is vm-bhyve's `vm destroy`; the console and the screen are what the guest's
 * `console` file names (cu on a device, the `vnc=` line), unless the backend reaches them otherwise.
 */
export abstract class DatastoreBackend {
  constructor(
    protected readonly runner: HostRunner,
    protected readonly store: Datastore,
  ) {}

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

  /** The guest's directory goes, with the disk files in it only when asked; disks elsewhere (zvols, custom paths) stay. */
  async delete(guest: GuestConfig, deleteDisks: boolean): Promise<DeleteResult> {
    const inDir = guest.disks.filter((d) => d.dev === 'file').map((d) => d.name);
    const outside = guest.disks.filter((d) => d.dev !== 'file').map((d) => d.name);
    const keep = new Set(deleteDisks ? [] : inDir);
    const removed = await this.store.remove(guest.name, keep);
    const dir = this.store.guestDir(guest.name);
    return { removed, kept: [...[...keep].map((f) => `${dir}/${f}`), ...outside] };
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
