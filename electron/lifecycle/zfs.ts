// The zfs(8) command lines of vm-bhyve's lib/vm-zfs, for clone, rename, snapshot and rollback.
// Pure argv builders: a guest on a ZFS datastore is the dataset <datastore dataset>/<name>, with
// its zvols below it (disk0, ...), mounted on the guest's directory.

/** Every filesystem and zvol of a guest, parent first (vm-bhyve's spelling: `zfs list -o name -rHt filesystem,volume`). */
export function listTreeArgv(dataset: string): string[] {
  return ['zfs', 'list', '-o', 'name', '-rHt', 'filesystem,volume', dataset];
}

/** Succeeds only when the dataset exists. */
export function existsArgv(dataset: string): string[] {
  return ['zfs', 'list', '-H', '-o', 'name', dataset];
}

/** The guest's own snapshots (and its zvols', filtered out by the caller), creation in seconds. */
export function listSnapshotsArgv(dataset: string): string[] {
  return ['zfs', 'list', '-H', '-p', '-o', 'name,creation', '-t', 'snapshot', '-r', dataset];
}

/** The guest and every zvol at one instant (`vm snapshot`). */
export function snapshotArgv(dataset: string, snapshot: string): string[] {
  return ['zfs', 'snapshot', '-r', `${dataset}@${snapshot}`];
}

/** One dataset back to its snapshot; `-r` destroys the snapshots taken after it. */
export function rollbackArgv(dataset: string, snapshot: string, destroyNewer: boolean): string[] {
  return ['zfs', 'rollback', ...(destroyNewer ? ['-r'] : []), `${dataset}@${snapshot}`];
}

/** Removes a snapshot from the guest and its zvols (`vm destroy name@snap`). */
export function destroySnapshotArgv(dataset: string, snapshot: string): string[] {
  return ['zfs', 'destroy', '-r', `${dataset}@${snapshot}`];
}

export function cloneArgv(dataset: string, snapshot: string, target: string): string[] {
  return ['zfs', 'clone', `${dataset}@${snapshot}`, target];
}

/** The guest's dataset with everything below it, as `vm rename` moves it. */
export function renameArgv(from: string, to: string): string[] {
  return ['zfs', 'rename', from, to];
}

/** A guest's dataset and everything below it (a clone undone). */
export function destroyTreeArgv(dataset: string): string[] {
  return ['zfs', 'destroy', '-r', dataset];
}

/**
 * A new guest's own dataset, as `vm create` makes it: `zfs_dataset_opts="a=b c=d"` is `-o a=b -o c=d`. Each option
 * must be `property=value`, so none can turn into another flag of zfs create.
 */
export function createDatasetArgv(dataset: string, options: readonly string[]): string[] {
  const bad = options.find((option) => !/^[a-z][a-z0-9_.:]*=\S+$/.test(option));
  if (bad !== undefined) throw new RangeError(`zfs_dataset_opts has "${bad}", not a property=value pair`);
  return ['zfs', 'create', ...options.flatMap((option) => ['-o', option]), dataset];
}

/** A guest's dataset with its zvols and snapshots, as `vm destroy` removes it: `-f` unmounts it even when busy. */
export function destroyGuestArgv(dataset: string): string[] {
  return ['zfs', 'destroy', '-rf', dataset];
}

/** The lines of `zfs list -H` output. */
export function lines(stdout: string): string[] {
  return stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The dataset of a guest's zvol or filesystem moved under another guest's dataset. */
export function movedDataset(dataset: string, from: string, to: string): string {
  if (dataset !== from && !dataset.startsWith(`${from}/`)) throw new RangeError(`${dataset} is not below ${from}`);
  return `${to}${dataset.slice(from.length)}`;
}
