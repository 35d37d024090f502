import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { HIVEDESK_DIR_NAME } from '../datastore/conf-history.js';
import { parseConf } from '../datastore/conf.js';
import { Datastore, exists } from '../datastore/datastore.js';
import { isAtomicTemp } from '../host/atomic-write.js';
import type { HostRunner } from '../host/run.js';
import type { JobContext, JobTask } from '../jobs/task.js';
import { cloneConf, macsInUse } from './clone-conf.js';
import { copyTree, listTree } from './sparse-copy.js';
import { ZfsGuests } from './zfs-guests.js';
import { cloneArgv, destroySnapshotArgv, destroyTreeArgv, existsArgv, lines, listTreeArgv, movedDataset, snapshotArgv } from './zfs.js';

/** A ZFS clone: the datastore's dataset, the prefix for root (every zfs command needs it), and the snapshot to clone from. */
export const ZfsClone = z.object({ dataset: z.string(), privilege: z.array(z.string()), snapshot: z.string() });
export type ZfsClone = z.infer<typeof ZfsClone>;

/** What the GUI asks of a clone job; the target's directory already exists (the name is taken). */
export const CloneSpec = z.object({
  datastore: z.string(),
  source: z.string(),
  target: z.string(),
  /** The source's run-time files (console, run.lock, pidfiles, logs…): not part of the guest. */
  leaveOut: z.array(z.string()),
  /** Absent: a sparse-aware copy of the guest's directory. */
  zfs: ZfsClone.optional(),
});
export type CloneSpec = z.infer<typeof CloneSpec>;

/** A file of the source's directory that a clone does not take: run-time state, and temp files of writes under way. */
export function leftOut(spec: Pick<CloneSpec, 'leaveOut'>, name: string): boolean {
  // The source's settings history and boot record are the source's, not the clone's.
  return spec.leaveOut.includes(name) || name.startsWith('hivedesk-') || name === HIVEDESK_DIR_NAME || isAtomicTemp(name);
}

export function zfsDatasets(spec: CloneSpec & { zfs: ZfsClone }): { from: string; to: string } {
  return { from: `${spec.zfs.dataset}/${spec.source}`, to: `${spec.zfs.dataset}/${spec.target}` };
}

/**
 * `vm clone`, as a job: on ZFS a snapshot of the source and a clone of each of its datasets;
 * elsewhere a copy of its directory that keeps holes. Then the clone's own .conf, written last,
 * so the new guest exists (is listed) only once it is whole.
 */
export const cloneTask: JobTask = {
  async run(raw, ctx) {
    const spec = CloneSpec.parse(raw);
    const store = new Datastore(spec.datastore);
    if (spec.zfs) await cloneDatasets({ ...spec, zfs: spec.zfs }, store, ctx);
    else await copyDirectory(spec, store, ctx);
    ctx.signal.throwIfAborted();
    ctx.progress(`writing ${spec.target}.conf`, 1, 1);
    await finish(spec, store);
  },

  async undo(raw, runner) {
    const spec = CloneSpec.parse(raw);
    const store = new Datastore(spec.datastore);
    // A .conf means the clone was finished (it is written last): it is a guest now, not ours to remove.
    if (await exists(store.confPath(spec.target))) return [];
    const removed = spec.zfs ? await destroyDatasets({ ...spec, zfs: spec.zfs }, runner) : [];
    const dir = store.guestDir(spec.target);
    if (await exists(dir)) {
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    }
    return removed;
  },
};

async function copyDirectory(spec: CloneSpec, store: Datastore, ctx: JobContext): Promise<void> {
  const [from, to] = [store.guestDir(spec.source), store.guestDir(spec.target)];
  const entries = await listTree(from, (name) => leftOut(spec, name));
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  let done = 0;
  ctx.progress('copying', 0, total);
  await copyTree(from, to, entries, {
    signal: ctx.signal,
    onBytes: (bytes, path) => {
      done += bytes;
      ctx.progress(`copying ${path}`, done, total);
    },
  });
}

async function cloneDatasets(spec: CloneSpec & { zfs: ZfsClone }, store: Datastore, ctx: JobContext): Promise<void> {
  const { from, to } = zfsDatasets(spec);
  const zfs = new ZfsGuests(ctx.runner, spec.zfs);
  const tree = lines((await zfs.run(listTreeArgv(from))).stdout);
  const total = tree.length + 1;
  ctx.progress(`snapshot ${from}@${spec.zfs.snapshot}`, 0, total);
  await zfs.run(snapshotArgv(from, spec.zfs.snapshot));
  for (const [i, dataset] of tree.entries()) {
    ctx.signal.throwIfAborted();
    ctx.progress(`clone ${dataset}`, i + 1, total);
    await zfs.run(cloneArgv(dataset, spec.zfs.snapshot, movedDataset(dataset, from, to)));
  }
  // The snapshot holds the source's run-time files as they were; they are not the clone's.
  const dir = store.guestDir(spec.target);
  for (const name of await readdir(dir)) if (leftOut(spec, name)) await rm(join(dir, name), { recursive: true, force: true });
}

/** The clone's datasets, then the snapshot they came from (a clone depends on it, so it goes last). */
async function destroyDatasets(spec: CloneSpec & { zfs: ZfsClone }, runner: HostRunner): Promise<string[]> {
  const { from, to } = zfsDatasets(spec);
  const zfs = new ZfsGuests(runner, spec.zfs);
  const found = async (dataset: string) => (await runner.run(zfs.argv(existsArgv(dataset)))).exitCode === 0;
  const removed: string[] = [];
  if (await found(to)) {
    await zfs.run(destroyTreeArgv(to));
    removed.push(to);
  }
  const snapshot = `${from}@${spec.zfs.snapshot}`;
  if (await found(snapshot)) {
    await zfs.run(destroySnapshotArgv(from, spec.zfs.snapshot));
    removed.push(snapshot);
  }
  return removed;
}

/** The source's .conf came along (copied, or in the snapshot): it becomes the clone's, with a new identity. */
async function finish(spec: CloneSpec, store: Datastore): Promise<void> {
  const copied = join(store.guestDir(spec.target), `${spec.source}.conf`);
  const text = await readFile(copied, 'utf8').catch(() => undefined);
  if (text === undefined) throw new Error(`${spec.source}.conf did not come along with the clone`);
  await store.write(spec.target, cloneConf(parseConf(text), await macsInUse(store)));
  await rm(copied, { force: true });
}
