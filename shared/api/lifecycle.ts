import { z } from 'zod';
import { VmName } from '../validation.js';
import { request } from './define.js';
import { Job } from './jobs.js';
import { PlannedCommand, VmRef, VmSummary } from './vms.js';

/**
 * A ZFS snapshot's own part (after the `@`): what `zfs snapshot` accepts in a component, without
 * the space it also allows (it would need quoting everywhere it is shown).
 */
export const SnapshotName = z
  .string()
  .trim()
  .min(1, 'Enter a snapshot name.')
  .max(64, 'A snapshot name can have at most 64 characters.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'Use letters, digits, ".", "_", ":" and "-", starting with a letter or digit.');

/** A guest and the name its clone or its new self gets (a name in another case only for a rename: the datastore checks). */
const NewNameInput = z
  .object({ name: VmName, newName: VmName })
  .refine((v) => v.newName !== v.name, { message: 'Enter a name other than the current one.', path: ['newName'] });

export const CloneVmInput = NewNameInput;
export type CloneVmInput = z.infer<typeof CloneVmInput>;
export const RenameVmInput = NewNameInput;
export type RenameVmInput = z.infer<typeof RenameVmInput>;

export const SnapshotRef = z.object({ name: VmName, snapshot: SnapshotName });
export type SnapshotRef = z.infer<typeof SnapshotRef>;

/** Without a name the snapshot is named for the time, as `vm snapshot` names it. */
export const TakeSnapshotInput = z.object({ name: VmName, snapshot: z.union([SnapshotName, z.literal('').transform(() => undefined)]).optional() });
export type TakeSnapshotInput = z.output<typeof TakeSnapshotInput>;

/** `destroyNewer`: rolling back past later snapshots destroys them (`zfs rollback -r`); the user must say so. */
export const RollbackInput = SnapshotRef.extend({ destroyNewer: z.boolean() });
export type RollbackInput = z.infer<typeof RollbackInput>;

export const Snapshot = z.object({ name: z.string(), createdAt: z.string() });
export type Snapshot = z.infer<typeof Snapshot>;

/** Oldest first. Without ZFS, `reason` says why there are none. */
export const SnapshotList = z.object({ supported: z.boolean(), reason: z.string().optional(), snapshots: z.array(Snapshot) });
export type SnapshotList = z.infer<typeof SnapshotList>;

/** Seconds between two guests' starts; vm-bhyve's default is 2. */
export const AutostartDelay = z
  .union([z.number(), z.string().trim()])
  .refine((v) => /^\d{1,4}$/.test(String(v)), 'The delay must be a whole number of seconds.')
  .transform((v) => Number(v))
  .refine((n) => n <= 3600, 'The delay can be at most 3600 seconds.');

/** One guest's place in the boot order (1 = first); the delay applies to every guest. */
export const AutostartInput = z.object({
  name: VmName,
  enabled: z.boolean(),
  order: z
    .union([z.number(), z.string().trim()])
    .refine((v) => /^\d{1,4}$/.test(String(v)), 'The order must be a whole number.')
    .transform((v) => Number(v))
    .refine((n) => n >= 1, 'The order starts at 1.'),
  delay: AutostartDelay,
});
export type AutostartForm = z.input<typeof AutostartInput>;
export type AutostartInput = z.output<typeof AutostartInput>;

/** Where a host's start-at-boot list lives: rc.conf's vm_list/vm_delay (bhyve), a systemd user unit (QEMU), or nowhere yet. */
export const BootMechanism = z.enum(['rc.conf', 'systemd-user', 'none']);
export type BootMechanism = z.infer<typeof BootMechanism>;

export const Autostart = z.object({
  mechanism: BootMechanism,
  available: z.boolean(),
  /** Why not, when it is not available, in words a person can act on. */
  reason: z.string().optional(),
  list: z.array(z.string()),
  delay: z.number(),
  /** What to know about how the list is used at boot. */
  notes: z.array(z.string()),
});
export type Autostart = z.infer<typeof Autostart>;

export const PlannedFile = z.object({ path: z.string(), content: z.string(), why: z.string() });
export type PlannedFile = z.infer<typeof PlannedFile>;

/** What a lifecycle action will do: host commands, files written, and steps Hivedesk does itself. */
export const LifecyclePlan = z.object({ commands: z.array(PlannedCommand), files: z.array(PlannedFile), steps: z.array(z.string()) });
export type LifecyclePlan = z.infer<typeof LifecyclePlan>;

export const LifecycleAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('clone'), input: CloneVmInput }),
  z.object({ action: z.literal('rename'), input: RenameVmInput }),
  z.object({ action: z.literal('snapshot'), input: TakeSnapshotInput }),
  z.object({ action: z.literal('rollback'), input: RollbackInput }),
  z.object({ action: z.literal('destroySnapshot'), input: SnapshotRef }),
  z.object({ action: z.literal('autostart'), input: AutostartInput }),
]);
export type LifecycleAction = z.output<typeof LifecycleAction>;

export const lifecycleApi = {
  /** What the action would run and write, in order; runs nothing. */
  planLifecycle: request(LifecycleAction, LifecyclePlan),
  /** Starts the clone as a job; the new guest shows as a placeholder until the job ends. */
  cloneVm: request(CloneVmInput, Job),
  renameVm: request(RenameVmInput, VmSummary),
  listSnapshots: request(VmRef, SnapshotList),
  takeSnapshot: request(TakeSnapshotInput, Snapshot),
  rollbackVm: request(RollbackInput, z.object({})),
  destroySnapshot: request(SnapshotRef, z.object({})),
  getAutostart: request(z.object({}), Autostart),
  setAutostart: request(AutostartInput, Autostart),
};
