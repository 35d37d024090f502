import type { SerialLogWriter } from '../consoles/serial-log.js';
import type { BackendId, PlannedCommand, StartPlan, VmState } from '../../shared/api/vms.js';
import type { GuestConfig } from '../datastore/guest-config.js';

export type Plan = StartPlan;

export interface GuestStatus {
  state: VmState;
  lockedBy?: string;
  lastFault?: string;
}

export type StatusReader = (guest: GuestConfig) => Promise<GuestStatus>;

/**
 * What every hypervisor backend does. Nothing outside `electron/backends/<name>/`
 * knows a backend's commands; the services only call this.
 */
export interface Backend {
  readonly id: BackendId;
  /** Files in a guest's directory that belong to one run, not to the guest: a clone leaves them out. */
  readonly runtimeFiles: readonly string[];
  /** Who keeps the serial log from power-on: the hypervisor itself, or Hivedesk's console while it is open. */
  readonly serialLogWriter: SerialLogWriter;
  /** A short description of how guests will run here, e.g. "KVM" or "TCG (no usable /dev/kvm)". */
  accelerator(): Promise<string>;
  /** The host commands that create the guest's disks, exactly as `create` runs them. */
  planCreate(guest: GuestConfig, diskSizes: string[]): PlannedCommand[];
  create(guest: GuestConfig, diskSizes: string[]): Promise<void>;
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
   * The host commands that `start` will run, in order, and the problems a pre-flight check
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
   * what guests share on the host (the process table, /dev/vmm) is read at most once for all
   * the calls it answers. Take a new one for each pass; what it read goes stale.
   */
  statusReader(): StatusReader;
  /** The process that runs the guest (QEMU, bhyve), for its CPU and memory; undefined when there is none. */
  hypervisorPid(guest: GuestConfig): Promise<number | undefined>;
}
