import type { VmChanges, VmSummary } from './vms.js';

/** A receiver's copy of the guest list: the names sorted (as listVms sorts them), each guest by name. */
export interface VmListCopy {
  names: string[];
  byName: Record<string, VmSummary>;
}

export const EMPTY_VM_LIST: VmListCopy = { names: [], byName: {} };

/**
 * The copy after `changes`. Guests that did not change keep their objects, and `names` stays the
 * same array unless a guest came or went, so a view that depends on one of them need not redraw.
 */
export function applyVmChanges(copy: VmListCopy, changes: VmChanges): VmListCopy {
  if (changes.reset) {
    return { names: changes.changed.map((vm) => vm.name).sort(), byName: Object.fromEntries(changes.changed.map((vm) => [vm.name, vm])) };
  }
  const byName = { ...copy.byName };
  for (const name of changes.removed) delete byName[name];
  for (const vm of changes.changed) byName[vm.name] = vm;
  const cameOrWent = changes.removed.some((name) => copy.byName[name]) || changes.changed.some((vm) => !copy.byName[vm.name]);
  return { names: cameOrWent ? Object.keys(byName).sort() : copy.names, byName };
}

/**
 * Keeps a receiver's copy of the guest list in step with the VM monitor, whatever the order in
 * which the snapshot (asked for) and the changes (pushed) arrive: a change the copy already holds
 * is dropped, the next one is applied, and one after a gap (a change missed, or a restarted
 * Hivedesk with a new epoch) waits for a new snapshot, which it fetches.
 */
export class VmFeed {
  private at?: { epoch: string; seq: number };
  private fetching?: Promise<void>;
  private held: VmChanges[] = [];

  constructor(
    /** Undefined when it failed; the caller shows why. */
    private readonly fetchSnapshot: () => Promise<VmChanges | undefined>,
    private readonly apply: (changes: VmChanges) => void,
  ) {}

  receive(changes: VmChanges): void {
    if (changes.reset) return this.settle(changes);
    const at = this.at?.epoch === changes.epoch ? this.at.seq : undefined;
    if (at !== undefined && changes.seq <= at) return;
    if (at !== undefined && changes.seq === at + 1) {
      this.at = { epoch: changes.epoch, seq: changes.seq };
      return this.apply(changes);
    }
    this.held.push(changes);
    void this.resync();
  }

  /** Fetches a snapshot (one at a time), then applies what arrived meanwhile and is newer. */
  resync(): Promise<void> {
    this.fetching ??= this.fetchThenReplay();
    return this.fetching;
  }

  private async fetchThenReplay(): Promise<void> {
    let snapshot: VmChanges | undefined;
    try {
      snapshot = await this.fetchSnapshot();
    } finally {
      this.fetching = undefined;
    }
    const held = this.held;
    this.held = [];
    // Without a snapshot the held changes have nothing to apply to; the next change tries again.
    if (!snapshot) return;
    this.settle(snapshot);
    for (const changes of held) this.receive(changes);
  }

  private settle(snapshot: VmChanges): void {
    if (this.at?.epoch === snapshot.epoch && snapshot.seq <= this.at.seq) return;
    this.at = { epoch: snapshot.epoch, seq: snapshot.seq };
    this.apply(snapshot);
  }
}
