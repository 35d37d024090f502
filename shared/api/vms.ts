import { z } from 'zod';
import { CpuCount, DiskSize, HostPath, MacAddress, MemorySize, Uuid, VmName } from '../validation.js';
import { PROFILE_IDS } from '../profiles.js';
import { ConsolePort } from './consoles.js';
import { request } from './define.js';

/** Every backend Hivedesk has; which ones this host can run is the backend registry's to say (listBackends). */
export const BackendId = z.enum(['qemu', 'bhyve', 'xen', 'virtualbox']);
export type BackendId = z.infer<typeof BackendId>;

/** `cloning`: a placeholder for a guest a job is still making; it cannot be acted on yet. */
export const VmState = z.enum(['running', 'stopped', 'bootloader', 'locked', 'cloning']);
export type VmState = z.infer<typeof VmState>;

/** Up on this host: running, or still in its loader (whose console may already ask questions). */
export function isUp(state: VmState): boolean {
  return state === 'running' || state === 'bootloader';
}

export const VmSummary = z.object({
  name: z.string(),
  backend: BackendId,
  state: VmState,
  lockedBy: z.string().optional(),
  cpus: z.number(),
  memory: z.string(),
  profile: z.string(),
  installMedia: z.string().optional(),
  /** Disk names (diskN_name), so a delete can say which files it would remove. */
  disks: z.array(z.string()),
  /** Serial ports the guest has, e.g. ["com1"]. */
  consoles: z.array(ConsolePort),
  /** It has a screen (a framebuffer) to show in a display tab; a running guest, as it booted. */
  display: z.boolean(),
  /** Why the last run ended, when it ended badly (fault, crash). */
  lastFault: z.string().optional(),
  /** Settings saved while it runs, which apply at its next start (VmSettings field names); absent when none. */
  pendingRestart: z.array(z.string()).optional(),
  /** The CPUs and memory a running guest booted with, when a saved change to either waits for its next start. */
  booted: z.object({ cpus: z.number(), memory: z.string() }).optional(),
  /** The job working on this guest (cloning it, or making it): until it ends, nothing else may. */
  job: z.object({ id: z.string(), title: z.string() }).optional(),
});
export type VmSummary = z.infer<typeof VmSummary>;

/**
 * How the guest list changed since the VM monitor's previous change, so a list of 1,000 guests
 * is not sent whole because one of them stopped. `seq` counts the monitor's changes within one
 * `epoch` (one run of Hivedesk), so a receiver applies them in order and notices one it missed.
 * With `reset`, `changed` is the whole list as of `seq` (a snapshot), not a change to it.
 */
export const VmChanges = z.object({
  epoch: z.string(),
  seq: z.number().int().nonnegative(),
  reset: z.boolean(),
  changed: z.array(VmSummary),
  removed: z.array(z.string()),
});
export type VmChanges = z.infer<typeof VmChanges>;

export const CreateVmInput = z.object({
  name: VmName,
  profile: z.enum(PROFILE_IDS),
  cpus: CpuCount,
  memory: MemorySize,
  diskSize: DiskSize,
  installMedia: z.union([HostPath, z.literal('').transform(() => undefined)]).optional(),
  /** The hypervisor that runs it; the host's own backend when absent. */
  backend: BackendId.optional(),
  /** The uuid and network0's MAC the create plan showed, so Create writes what was approved; drawn when absent. */
  uuid: Uuid.optional(),
  mac: MacAddress.refine((s) => s !== '', 'A MAC address looks like 58:9c:fc:0c:55:42.').optional(),
});
export type CreateVmForm = z.input<typeof CreateVmInput>;
export type CreateVmInput = z.output<typeof CreateVmInput>;

export const VmRef = z.object({ name: VmName });

/** One host command exactly as it will be run (no shell: argv[0] is the program). */
export const PlannedCommand = z.object({
  argv: z.array(z.string()),
  why: z.string(),
  /** Hivedesk's own process that runs the commands after it (the bhyve supervisor): shown, but not part of a script. */
  supervisor: z.boolean().optional(),
});
export type PlannedCommand = z.infer<typeof PlannedCommand>;

export const DeleteVmInput = z.object({
  name: VmName,
  /** Off by default: a guest's disks go only when the user asks, by name. */
  deleteDisks: z.boolean(),
});

/** A file a plan writes (grub.cfg, device.map, keys added to the guest's .conf), with exactly what it writes. */
export const PlanFile = z.object({
  path: z.string(),
  content: z.string(),
  why: z.string(),
  /** The content is added at the end of the file; what the file already holds stays. */
  append: z.boolean().optional(),
});
export type PlanFile = z.infer<typeof PlanFile>;

/**
 * What an action runs and writes, before it runs: its commands in order, every file it writes with its content,
 * and what a pre-flight found. Warnings block it (a missing ISO), notes do not (what the network will be).
 */
export const StartPlan = z.object({
  commands: z.array(PlannedCommand),
  files: z.array(PlanFile),
  warnings: z.array(z.string()),
  notes: z.array(z.string()),
});
export type StartPlan = z.infer<typeof StartPlan>;

/** A create's plan, with the identity drawn for it: sent back with Create, it is what Create writes. */
export const CreatePlan = StartPlan.extend({ identity: z.object({ uuid: z.string(), mac: z.string() }) });
export type CreatePlan = z.infer<typeof CreatePlan>;

export const vmsApi = {
  listVms: request(z.object({}), z.array(VmSummary)),
  /** The list as the VM monitor last saw it, as a `reset`: where a receiver of onDidChangeVms starts. */
  snapshotVms: request(z.object({}), VmChanges),
  planCreateVm: request(CreateVmInput, CreatePlan),
  createVm: request(CreateVmInput, VmSummary),
  startVm: request(VmRef, VmSummary),
  stopVm: request(VmRef, VmSummary),
  powerOffVm: request(VmRef, VmSummary),
  /** What was removed and what was kept (disks not asked for, or outside the guest's directory). */
  deleteVm: request(DeleteVmInput, z.object({ removed: z.array(z.string()), kept: z.array(z.string()) })),
};
