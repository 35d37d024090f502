import type { VmSummary } from '../../shared/api/vms.js';

/**
 * Polls guest state, because guests change on their own (a shutdown from inside, a crash,
 * another tool). Calls `onChange` only when something a user can see changed.
 */
export class VmMonitor {
  private last = '';
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly list: () => Promise<VmSummary[]>,
    private readonly onChange: (vms: VmSummary[]) => void,
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

  private async poll(): Promise<void> {
    const vms = await this.list().catch(() => undefined);
    if (!vms) return;
    const snapshot = JSON.stringify(vms);
    if (snapshot === this.last) return;
    this.last = snapshot;
    this.onChange(vms);
  }
}
