import { rename } from 'node:fs/promises';
import type { Job } from '../../shared/api/jobs.js';
import type { CloneVmInput, LifecyclePlan, RenameVmInput } from '../../shared/api/lifecycle.js';
import { formatSizeMiB } from '../../shared/validation.js';
import type { VmSummary } from '../../shared/api/vms.js';
import { type Datastore, NameTakenError } from '../datastore/datastore.js';
import type { GuestConfig } from '../datastore/guest-config.js';
import { newUuid } from '../datastore/identity.js';
import { AppError } from '../errors.js';
import type { HostRunner } from '../host/run.js';
import type { JobStore } from '../jobs/job-store.js';
import { type CloneSpec, cloneTask, leftOut, zfsDatasets } from '../lifecycle/clone-task.js';
import { listTree } from '../lifecycle/sparse-copy.js';
import { cloneArgv, lines, listTreeArgv, movedDataset, renameArgv, snapshotArgv } from '../lifecycle/zfs.js';
import type { ZfsGuests } from '../lifecycle/zfs-guests.js';
import type { AutostartService } from './autostart-service.js';
import type { JobService } from './job-service.js';
import { nameTaken } from './create-checks.js';
import type { VmService } from './vm-service.js';

/** vm-bhyve's own run-time files in a guest's directory (lib/vm-run, vm::unlock): never part of a clone. */
const VM_BHYVE_RUNTIME = ['run.lock', 'suspending.lock', 'console', 'vm-bhyve.log'];

/** `vm clone`, `vm rename` and `vm destroy`, with what vm-bhyve leaves undone: new identities, vm_list kept in step. */
export class LifecycleService {
  constructor(
    private readonly store: Datastore,
    private readonly vms: VmService,
    private readonly jobs: JobStore,
    private readonly jobService: JobService,
    private readonly zfs: ZfsGuests,
    private readonly autostart: AutostartService,
    private readonly runner: HostRunner,
  ) {}

  /** Starts the clone as a job; the name is taken (its directory made) before this returns. */
  async cloneVm(input: CloneVmInput): Promise<Job> {
    return this.vms.exclusive(input.name, async () => {
      const spec = await this.cloneSpec(input);
      await this.store.reserve(input.newName).catch((err: unknown) => {
        throw err instanceof NameTakenError ? nameTaken(input.newName, err.holder, 'newName') : err;
      });
      const title = `Clone ${input.name} as ${input.newName}`;
      return this.jobService.launch({ kind: 'clone', title, source: input.name, target: input.newName, spec }).catch(async (err: unknown) => {
        await cloneTask.undo(spec, this.runner).catch(() => undefined);
        throw err;
      });
    });
  }

  async planClone(input: CloneVmInput): Promise<LifecyclePlan> {
    const spec = await this.cloneSpec(input);
    const [from, to] = [this.store.guestDir(input.name), this.store.guestDir(input.newName)];
    const identity = `write ${to}/${input.newName}.conf: ${input.name}.conf with a new uuid and a new MAC for every NIC`;
    const runtime = `leave out ${input.name}'s run-time files (${spec.leaveOut.join(', ')}, hivedesk-*)`;
    if (spec.zfs) {
      const { from: source, to: target } = zfsDatasets({ ...spec, zfs: spec.zfs });
      const tree = lines((await this.zfs.run(listTreeArgv(source))).stdout);
      const commands = [
        { argv: this.zfs.argv(snapshotArgv(source, spec.zfs.snapshot)), why: 'a snapshot of the guest and its zvols, named like vm-bhyve names it (a new uuid’s first part)' },
        ...tree.map((dataset) => ({ argv: this.zfs.argv(cloneArgv(dataset, spec.zfs!.snapshot, movedDataset(dataset, source, target))), why: `the clone of ${dataset}` })),
      ];
      return { commands, files: [], steps: [runtime, identity, `the snapshot stays: the clone depends on it`] };
    }
    const entries = await listTree(from, (name) => leftOut(spec, name));
    const files = entries.filter((e) => e.kind === 'file').map((e) => `${e.path} (${formatBytes(e.size)})`);
    return { commands: [], files: [], steps: [`copy ${from} to ${to}, keeping holes as holes: ${files.join(', ')}`, runtime, identity] };
  }

  /** `vm rename` (stopped guests only), atomic against a create of the new name, and vm_list kept in step. */
  async renameVm(input: RenameVmInput): Promise<VmSummary> {
    return this.vms.exclusive(input.name, async () => {
      await this.vms.requireStopped(input.name, 'renaming it');
      await this.refuseNewNameHeld(input.newName);
      const dataset = await this.zfs.datasetOf(input.name);
      const [from, to] = [this.store.guestDir(input.name), this.store.guestDir(input.newName)];
      const move = 'dataset' in dataset ? () => this.zfs.run(renameArgv(dataset.dataset, `${this.zfs.config?.dataset}/${input.newName}`)) : () => rename(from, to);
      await this.store.rename(input.name, input.newName, move).catch((err: unknown) => {
        throw err instanceof NameTakenError ? nameTaken(input.newName, err.holder, 'newName') : err;
      });
      await this.autostart.renamed(input.name, input.newName);
      return this.vms.summary(input.newName);
    });
  }

  async planRename(input: RenameVmInput): Promise<LifecyclePlan> {
    await this.vms.requireStopped(input.name, 'renaming it');
    const dataset = await this.zfs.datasetOf(input.name);
    const [from, to] = [this.store.guestDir(input.name), this.store.guestDir(input.newName)];
    const commands = 'dataset' in dataset ? [{ argv: this.zfs.argv(renameArgv(dataset.dataset, `${this.zfs.config?.dataset}/${input.newName}`)), why: 'the guest’s dataset and its zvols, which move its directory too' }] : [];
    const steps = [...('dataset' in dataset ? [] : [`rename ${from} to ${to}`]), `rename ${to}/${input.name}.conf to ${to}/${input.newName}.conf`];
    const autostart = await this.autostart.planRenamed(input.name, input.newName);
    return { commands: [...commands, ...autostart.commands], files: autostart.files, steps: [...steps, ...autostart.steps] };
  }

  /** `vm destroy`, with the guest gone from the start-at-boot list too. */
  async deleteVm(name: string, deleteDisks: boolean): Promise<{ removed: string[]; kept: string[] }> {
    const result = await this.vms.deleteVm(name, deleteDisks);
    await this.autostart.forget(name);
    return result;
  }

  /** What a clone of this guest takes, after every check that can refuse it. */
  private async cloneSpec({ name, newName }: CloneVmInput): Promise<CloneSpec> {
    const guest = await this.vms.requireStopped(name, 'cloning it');
    await this.refuseNewNameHeld(newName);
    const holder = await this.store.holderOf(newName);
    if (holder) throw nameTaken(newName, holder, 'newName');
    const dataset = await this.zfs.datasetOf(name);
    refuseUncopiable(guest, 'dataset' in dataset);
    const leaveOut = [...new Set([...VM_BHYVE_RUNTIME, ...this.vms.backend(guest).runtimeFiles])];
    const base = { datastore: this.store.root, source: name, target: newName, leaveOut };
    if (!('dataset' in dataset) || !this.zfs.config) return base;
    // vm-bhyve names the snapshot for the first part of a new uuid.
    return { ...base, zfs: { dataset: this.zfs.config.dataset, privilege: [...this.zfs.config.privilege], snapshot: newUuid().split('-')[0] ?? 'clone' } };
  }

  private async refuseNewNameHeld(name: string): Promise<void> {
    const job = await this.jobs.holding(name);
    if (job) {
      const message = `${name} is taken by the job “${job.title}” (${job.status}).`;
      throw new AppError('conflict', message, { newName: message });
    }
  }
}

/** Disks outside the guest's directory cannot come along: the clone would share them with its source. */
function refuseUncopiable(guest: GuestConfig, zfs: boolean): void {
  for (const disk of guest.disks) {
    if (disk.dev === 'file') continue;
    if ((disk.dev === 'zvol' || disk.dev === 'sparse-zvol') && zfs) continue;
    throw new AppError('invalid_input', `${guest.name}'s disk ${disk.name} (${disk.dev}) is not in its directory${zfs ? ' or dataset' : ''}: a clone cannot copy it, and would share it with ${guest.name}.`);
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? formatSizeMiB(Math.ceil(bytes / (1024 * 1024))) : `${bytes} bytes`;
}
