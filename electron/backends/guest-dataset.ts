import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlannedCommand } from '../../shared/api/vms.js';
import { getValue, parseConf } from '../datastore/conf.js';
import type { GuestDirMaker } from '../datastore/datastore.js';
import { configError } from '../errors.js';
import type { HostRunner } from '../host/run.js';
import { ZfsGuests } from '../lifecycle/zfs-guests.js';
import { createDatasetArgv, destroyGuestArgv } from '../lifecycle/zfs.js';

/** A new guest's directory as the plan shows it and as create makes it. */
export interface NewGuestDir extends GuestDirMaker {
  commands: PlannedCommand[];
}

/**
 * On a ZFS datastore every guest is a dataset of its own, `<dataset>/<name>`, as vm-bhyve's `vm create` makes it and
 * `vm destroy` removes it: what clones, renames and snapshots work on.
 */
export class GuestDatasets {
  private readonly zfs: ZfsGuests;

  constructor(
    private readonly runner: HostRunner,
    private readonly dataset: string,
    private readonly privilege: readonly string[],
    private readonly root: string,
  ) {
    this.zfs = new ZfsGuests(runner, { dataset, privilege });
  }

  /**
   * `zfs create` with the options of vm-bhyve's default template. zfs runs as root, so the new mountpoint is root's:
   * Hivedesk, which writes the guest's files as the user, then gives it to the user and the datastore's group, as a
   * mkdir of the user's would have made it.
   */
  async newGuestDir(name: string): Promise<NewGuestDir> {
    const dataset = `${this.dataset}/${name}`;
    const options = await this.templateOptions();
    const create = { argv: this.zfs.argv(configError(() => createDatasetArgv(dataset, options))), why: `${name}’s own dataset, as vm create makes it` };
    const owner = this.privilege.length ? [await this.chown(name)] : [];
    const commands = [create, ...owner];
    let made = false;
    const undo = async () => {
      if (made) await this.zfs.run(destroyGuestArgv(dataset));
      made = false;
    };
    const make = async () => {
      await this.runner.check(create.argv);
      made = true;
      try {
        for (const command of owner) await this.runner.check(command.argv);
      } catch (err) {
        await undo();
        throw err;
      }
    };
    return { commands, make, undo };
  }

  /** The guest's dataset when it has one (a guest made by mkdir has none). */
  async of(name: string): Promise<string | undefined> {
    const found = await this.zfs.datasetOf(name);
    return 'dataset' in found ? found.dataset : undefined;
  }

  /** `vm destroy`: the dataset, its zvols and its snapshots. */
  async destroy(dataset: string): Promise<void> {
    await this.zfs.run(destroyGuestArgv(dataset));
  }

  private async chown(name: string): Promise<PlannedCommand> {
    const { gid } = await stat(this.root);
    const dir = join(this.root, name);
    return { argv: [...this.privilege, 'chown', `${process.getuid?.() ?? 0}:${gid}`, dir], why: `the dataset’s directory is root’s; Hivedesk writes ${name}’s files as you` };
  }

  /** `zfs_dataset_opts` of vm-bhyve's default template, which `vm create` without -t uses. */
  private async templateOptions(): Promise<string[]> {
    const text = await readFile(join(this.root, '.templates', 'default.conf'), 'utf8').catch(() => '');
    return (getValue(parseConf(text), 'zfs_dataset_opts') ?? '').split(/\s+/).filter(Boolean);
  }
}

/** The datastore's guest datasets when it is on ZFS; none on a plain directory. */
export function guestDatasets(runner: HostRunner, root: string, zfs: { zfsDataset?: string; privilege: readonly string[] }): GuestDatasets | undefined {
  return zfs.zfsDataset ? new GuestDatasets(runner, zfs.zfsDataset, zfs.privilege, root) : undefined;
}
