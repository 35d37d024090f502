import type { ConsolePort } from '../../shared/api/consoles.js';
import type { SerialLogWriter } from '../consoles/serial-log.js';
import type { BackendId, PlannedCommand, StartPlan, VmState } from '../../shared/api/vms.js';
import type { DisplayTarget } from '../consoles/display-target.js';
import type { ConsoleEndpoint } from '../consoles/endpoint.js';
import type { Datastore } from '../datastore/datastore.js';
import type { GuestConfig } from '../datastore/guest-config.js';
import type { HostRunner } from '../host/run.js';
import type { NewGuestDir } from './guest-dataset.js';

export type Plan = StartPlan;

export interface GuestStatus {
  state: VmState;
  lockedBy?: string;
  lastFault?: string;
}

export type StatusReader = (guest: GuestConfig) => Promise<GuestStatus>;

/** What an exit status says about a guest (bhyve's 1 is a poweroff, not a failure). */
export interface ExitMeaning {
  meaning: string;
  fault: boolean;
}

/** What a delete removed and what it kept (disks not asked for, or outside the guest's directory). */
export interface DeleteResult {
  removed: string[];
  kept: string[];
}

/** What a backend is made with. */
export interface BackendDeps {
  runner: HostRunner;
  store: Datastore;
  env: NodeJS.ProcessEnv;
  /** The ZFS dataset mounted at the datastore (vm-bhyve's `vm_dir="zfs:…"`), for zvol disks. */
  zfsDataset?: string;
}

/**
 * The guests a hypervisor keeps in its own registry (VirtualBox's): they are listed from there, never from the
 * datastore, each as the same VM model a .conf gives.
 */
export interface GuestRegistry {
  list(): Promise<GuestConfig[]>;
  find(name: string): Promise<GuestConfig | undefined>;
}

/**
 * What every hypervisor backend does. Nothing outside `electron/backends/<name>/` knows a backend's commands; the
 * services only call this.
 */
export interface Backend {
  readonly id: BackendId;
  /** Files in a guest's directory that belong to one run, not to the guest: a clone leaves them out. */
  readonly runtimeFiles: readonly string[];
  /** Set when the hypervisor keeps its guests itself; absent, its guests are the datastore's .conf files. */
  readonly registry?: GuestRegistry;
  /** Who keeps the serial log from power-on: the hypervisor itself, or Hivedesk's console while it is open. */
  readonly serialLogWriter: SerialLogWriter;
  /** Whether the guest, started now, gets a screen Display can show (bhyve: a framebuffer, UEFI guests only). */
  hasScreen(guest: GuestConfig): boolean;
  /** A short description of how guests will run here, e.g. "KVM" or "TCG (no usable /dev/kvm)". */
  accelerator(): Promise<string>;
  /** The host commands that make a new guest (its disks; a registry's own records), exactly as `create` runs them. */
  planCreate(guest: GuestConfig, diskSizes: string[]): PlannedCommand[];
  create(guest: GuestConfig, diskSizes: string[]): Promise<void>;
  /** How a guest of the datastore gets its directory when not by mkdir (its own ZFS dataset), as the plan shows it. */
  newGuestDir?(guest: GuestConfig): Promise<NewGuestDir | undefined>;
  /** Removes a stopped guest: its disks only when asked. */
  delete(guest: GuestConfig, deleteDisks: boolean): Promise<DeleteResult>;
  /** The commands that make disk `index` new with `size` (vm-bhyve's `vm add -d disk`), as `runCommands` runs them. */
  planCreateDisk(guest: GuestConfig, index: number, size: string): PlannedCommand[];
  /** The commands that grow disk `index` to `size`; the caller has checked that it grows. */
  planGrowDisk(guest: GuestConfig, index: number, size: string): PlannedCommand[];
  /** Where disk `index` is on the host; throws RangeError when it cannot be placed (a zvol without a dataset). */
  diskPath(guest: GuestConfig, index: number): string;
  /** Disk `index`'s size in bytes, or undefined when it cannot be read (missing, or a device). */
  diskBytes(guest: GuestConfig, index: number): Promise<number | undefined>;
  /** Runs planned commands in order, stopping at the first that fails. */
  runCommands(commands: PlannedCommand[]): Promise<void>;
  /**
   * The host commands that `start` will run, in order, the files it writes, and the problems a pre-flight check
   * found (a missing ISO or firmware): a plan still shows them, `start` refuses to run.
   */
  planStart(guest: GuestConfig): Promise<Plan>;
  start(guest: GuestConfig): Promise<void>;
  /** Asks the guest to shut down (ACPI power button); returns once asked. */
  stop(guest: GuestConfig): Promise<void>;
  /** Ends the guest at once, like pulling the plug. */
  powerOff(guest: GuestConfig): Promise<void>;
  status(guest: GuestConfig): Promise<GuestStatus>;
  /**
   * A `status` for one pass over many guests (the VM list asks for every guest, every second):
   * what guests share on the host (the process table, /dev/vmm, `xl list`) is read at most once for all
   * the calls it answers. Take a new one for each pass; what it read goes stale.
   */
  statusReader(): StatusReader;
  /** The process that runs the guest (QEMU, bhyve), for its CPU and memory; undefined when there is none. */
  hypervisorPid(guest: GuestConfig): Promise<number | undefined>;
  /** How a running guest's serial port is reached; waits a little for a starting guest's. */
  consoleEndpoint(guest: GuestConfig, port: ConsolePort): Promise<ConsoleEndpoint>;
  /** Where a running guest's screen is served, on loopback; an AppError says why there is none to show. */
  display(guest: GuestConfig): Promise<DisplayTarget>;
}
