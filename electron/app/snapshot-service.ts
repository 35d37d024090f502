import type { LifecyclePlan, RollbackInput, Snapshot, SnapshotList, SnapshotRef, TakeSnapshotInput } from '../../shared/api/lifecycle.js';
import type { PlannedCommand } from '../../shared/api/vms.js';
import { AppError } from '../errors.js';
import { destroySnapshotArgv, lines, listSnapshotsArgv, listTreeArgv, rollbackArgv, snapshotArgv } from '../lifecycle/zfs.js';
import type { ZfsGuests } from '../lifecycle/zfs-guests.js';
import type { VmService } from './vm-service.js';

/** `vm snapshot`, `vm rollback` and `vm destroy name@snap`: ZFS only, as in vm-bhyve. */
export class SnapshotService {
  constructor(
    private readonly vms: VmService,
    private readonly zfs: ZfsGuests,
  ) {}

  /** The guest's own snapshots, oldest first; without ZFS, why there are none. */
  async list(name: string): Promise<SnapshotList> {
    await this.vms.guest(name);
    const found = await this.zfs.datasetOf(name);
    if (!('dataset' in found)) return { supported: false, reason: found.reason, snapshots: [] };
    return { supported: true, snapshots: await this.snapshots(found.dataset) };
  }

  async take(input: TakeSnapshotInput): Promise<Snapshot> {
    const { command, snapshot } = await this.takeCommand(input);
    await this.zfs.run(command.argv);
    const made = (await this.list(input.name)).snapshots.find((s) => s.name === snapshot);
    if (!made) throw new AppError('internal', `zfs made no snapshot ${snapshot} of ${input.name}.`);
    return made;
  }

  async rollback(input: RollbackInput): Promise<void> {
    for (const command of await this.rollbackCommands(input)) await this.zfs.run(command.argv);
  }

  async destroy(input: SnapshotRef): Promise<void> {
    const command = await this.destroyCommand(input);
    await this.zfs.run(command.argv);
  }

  async plan(action: { action: 'snapshot'; input: TakeSnapshotInput } | { action: 'rollback'; input: RollbackInput } | { action: 'destroySnapshot'; input: SnapshotRef }): Promise<LifecyclePlan> {
    const commands =
      action.action === 'snapshot' ? [(await this.takeCommand(action.input)).command] : action.action === 'rollback' ? await this.rollbackCommands(action.input) : [await this.destroyCommand(action.input)];
    return { commands, files: [], steps: [] };
  }

  /** vm-bhyve snapshots only a stopped guest (unless forced): a running guest's disks are mid-write. */
  private async takeCommand({ name, snapshot }: TakeSnapshotInput): Promise<{ command: PlannedCommand; snapshot: string }> {
    await this.vms.requireStopped(name, 'taking a snapshot');
    const dataset = await this.dataset(name);
    const snap = snapshot ?? timestamp(new Date());
    if ((await this.snapshots(dataset)).some((s) => s.name === snap)) {
      const message = `${name} already has a snapshot ${snap}.`;
      throw new AppError('conflict', message, { snapshot: message });
    }
    return { command: { argv: this.zfs.argv(snapshotArgv(dataset, snap)), why: `${name} and its zvols, at one instant` }, snapshot: snap };
  }

  /** Every dataset of the guest goes back (vm-bhyve's loop); past later snapshots only when the user said so. */
  private async rollbackCommands({ name, snapshot, destroyNewer }: RollbackInput): Promise<PlannedCommand[]> {
    await this.vms.requireStopped(name, 'rolling it back');
    const dataset = await this.dataset(name);
    const snapshots = await this.snapshots(dataset);
    const at = snapshots.findIndex((s) => s.name === snapshot);
    if (at < 0) throw new AppError('not_found', `${name} has no snapshot ${snapshot}.`);
    const newer = snapshots.slice(at + 1).map((s) => s.name);
    if (newer.length > 0 && !destroyNewer) throw new AppError('conflict', `Rolling ${name} back to ${snapshot} destroys the later snapshots ${newer.join(', ')}: confirm that first.`);
    const tree = lines((await this.zfs.run(listTreeArgv(dataset))).stdout);
    return tree.map((fs) => ({ argv: this.zfs.argv(rollbackArgv(fs, snapshot, newer.length > 0)), why: `${fs} as it was at ${snapshot}` }));
  }

  private async destroyCommand({ name, snapshot }: SnapshotRef): Promise<PlannedCommand> {
    const dataset = await this.dataset(name);
    if (!(await this.snapshots(dataset)).some((s) => s.name === snapshot)) throw new AppError('not_found', `${name} has no snapshot ${snapshot}.`);
    return { argv: this.zfs.argv(destroySnapshotArgv(dataset, snapshot)), why: `the snapshot ${snapshot} of ${name} and of its zvols` };
  }

  private async dataset(name: string): Promise<string> {
    const found = await this.zfs.datasetOf(name);
    if (!('dataset' in found)) throw new AppError('unavailable', found.reason);
    return found.dataset;
  }

  /** `zfs list` names the zvols' snapshots too; only the guest's own are its snapshots. */
  private async snapshots(dataset: string): Promise<Snapshot[]> {
    const rows = lines((await this.zfs.run(listSnapshotsArgv(dataset))).stdout).map((line) => line.split('\t'));
    return rows
      .filter(([full]) => full?.startsWith(`${dataset}@`))
      .map(([full, creation]) => ({ name: (full ?? '').slice(dataset.length + 1), createdAt: new Date(Number(creation) * 1000).toISOString() }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}

/** `date +"%Y-%m-%d-%H:%M:%S"`: vm-bhyve's name for a snapshot given none. */
export function timestamp(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}-${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
}
