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
    this.timer ??= setInterval(() => void this.refresh(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One poll at a time: a slow host call must not pile up behind the timer. */
  refresh(): Promise<void> {
    this.running ??= this.poll().finally(() => (this.running = undefined));
    return this.running;
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
