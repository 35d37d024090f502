import type { HostRunner, RunResult } from '../host/run.js';
import { existsArgv } from './zfs.js';

/** The datastore's dataset (vm-bhyve's `vm_dir="zfs:<dataset>"`) and the prefix every zfs command needs for root. */
export interface ZfsConfig {
  dataset: string;
  privilege: readonly string[];
}

/** A guest's dataset, or why it has none: what clone, rename and snapshots ask first. */
export type GuestDataset = { dataset: string } | { reason: string };

/** The zfs side of a datastore's guests; with no ZfsConfig, the datastore is a plain directory. */
export class ZfsGuests {
  constructor(
    private readonly runner: HostRunner,
    readonly config?: ZfsConfig,
  ) {}

  async datasetOf(name: string): Promise<GuestDataset> {
    if (!this.config) return { reason: 'This datastore is a plain directory: snapshots need a ZFS datastore (HIVEDESK_ZFS_DATASET, vm-bhyve’s vm_dir="zfs:…").' };
    const dataset = `${this.config.dataset}/${name}`;
    const found = await this.runner.run(this.argv(existsArgv(dataset)));
    if (found.exitCode === 0) return { dataset };
    return { reason: `${name} is not a ZFS dataset of its own (${dataset} does not exist), so it has no snapshots; vm-bhyve makes one per guest.` };
  }

  /** The command as it runs: with the prefix for root. */
  argv(argv: readonly string[]): string[] {
    return [...(this.config?.privilege ?? []), ...argv];
  }

  run(argv: readonly string[]): Promise<RunResult> {
    return this.runner.check(this.argv(argv));
  }
}
