import { randomUUID } from 'node:crypto';
import type { VmChanges, VmSummary } from '../../shared/api/vms.js';

/** A guest as last seen, with its JSON so the next poll compares it in one step. */
interface Seen {
  vm: VmSummary;
  json: string;
}

/**
 * Polls guest state, because guests change on their own (a shutdown from inside, a crash,
 * another tool). Calls `onChange` with only the guests whose state a user can see changed, and
 * numbers the changes so a receiver can tell whether it missed one (see VmChanges).
 */
export class VmMonitor {
  readonly epoch = randomUUID();
  private seq = 0;
  /** Undefined until the first poll that succeeded. */
  private seen?: Map<string, Seen>;
  private failure?: Error;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly list: () => Promise<VmSummary[]>,
    private readonly onChange: (changes: VmChanges) => void,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    // The timer skips a beat while a poll runs, so a slow host call cannot pile polls up.
    this.timer ??= setInterval(() => void (this.running ?? this.refresh()), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * A poll that starts after this call (one already running may have read the state before
   * an action changed it); polls never overlap.
   */
  refresh(): Promise<void> {
    const next = (this.running ?? Promise.resolve()).then(() => this.poll());
    this.running = next.finally(() => {
      if (this.running === tracked) this.running = undefined;
    });
    const tracked = this.running;
    return next;
  }

  /** The guests as of the last poll, in the list's order; empty before the first. */
  vms(): VmSummary[] {
    return [...(this.seen?.values() ?? [])].map((s) => s.vm);
  }

  /** The whole list as a `reset` at the current `seq`, or undefined before the first poll. */
  current(): VmChanges | undefined {
    if (!this.seen) return undefined;
    return { epoch: this.epoch, seq: this.seq, reset: true, changed: this.vms(), removed: [] };
  }

  /** Like `current`, after a first poll if there has been none; fails as listing the guests failed. */
  async snapshot(): Promise<VmChanges> {
    if (!this.seen) await this.refresh();
    const current = this.current();
    if (!current) throw this.failure ?? new Error('The guests could not be listed.');
    return current;
  }

  private async poll(): Promise<void> {
    let vms: VmSummary[];
    try {
      vms = await this.list();
    } catch (err) {
      this.failure = err as Error;
      return;
    }
    const before = this.seen;
    const seen = new Map(vms.map((vm) => [vm.name, { vm, json: JSON.stringify(vm) }]));
    this.seen = seen;
    const changed = [...seen.values()].filter(({ vm, json }) => before?.get(vm.name)?.json !== json).map((s) => s.vm);
    const removed = [...(before?.keys() ?? [])].filter((name) => !seen.has(name));
    if (changed.length === 0 && removed.length === 0) return;
    this.seq += 1;
    this.onChange({ epoch: this.epoch, seq: this.seq, reset: false, changed, removed });
  }
}
