import { type Datastore, exists } from '../../datastore/datastore.js';
import { macOwners } from '../../datastore/first-start.js';
import type { GuestConfig } from '../../datastore/guest-config.js';
import type { HostRunner } from '../../host/run.js';
import { type DiskPlace, diskPath } from '../disks.js';
import { installMediaWarnings } from '../preflight.js';
import { vncPortsInUse } from '../vnc-ports.js';
import type { XenFacts } from './plan.js';
import type { XenSettings } from './settings.js';

const PROBE_MS = 5000;

/**
 * What a Xen start depends on, read with commands that need no root. A guest still being created (no .conf yet: the
 * wizard's plan) gets its file disks from Create, so they count as there.
 */
export async function probeXenHost(runner: HostRunner, store: Datastore, guest: GuestConfig, place: DiskPlace, settings: XenSettings): Promise<XenFacts> {
  const disks = guest.disks.flatMap((disk, i) => {
    try {
      return [{ path: diskPath(guest, i, place, settings.devDir), file: disk.dev === 'file' }];
    } catch {
      return []; // the plan says why it cannot place this disk
    }
  });
  const candidates = disks.map((d) => d.path);
  const [interfaces, found, mediaWarnings, vnc, macs, creating] = await Promise.all([
    runner.run(['ifconfig', '-l'], { timeoutMs: PROBE_MS }),
    Promise.all(candidates.map(exists)),
    installMediaWarnings(guest.installMedia),
    vncPortsInUse(runner, store, guest.name),
    macOwners(store),
    exists(store.confPath(guest.name)).then((there) => !there),
  ]);
  const existing = new Set([...candidates.filter((_, i) => found[i]), ...(creating ? disks.filter((d) => d.file).map((d) => d.path) : [])]);
  return { ...vnc, existing, mediaWarnings, interfaces: interfaces.exitCode === 0 ? interfaces.stdout.trim().split(/\s+/).filter(Boolean) : [], macs };
}
