import type { ActivitySample, GuestActivity } from '../../shared/api/activity.js';
import { cpuPercent, type ProcessUsage, type UsageReader } from '../host/process-usage.js';

/** What the sampler needs to know about guests. */
export interface ActivitySource {
  /** The guests running now, as the VM monitor last saw them. */
  running(): readonly string[];
  /** The process that runs the guest (QEMU, bhyve); asked once per process, not at every sample. */
  pidOf(name: string): Promise<number | undefined>;
}

export interface ActivityTiming {
  intervalMs: number;
  /** How long one `watch` keeps the sampling going. */
  leaseMs: number;
}

/** Every 2 s, as `top` refreshes; a view renews its lease well within 15 s. */
export const ACTIVITY_TIMING: ActivityTiming = { intervalMs: 2_000, leaseMs: 15_000 };

interface Tracked {
  pid: number;
  last?: { usage: ProcessUsage; at: number };
}

/**
 * Samples the CPU and memory of every running guest's hypervisor process, only while someone
 * is looking: each `watch` extends a lease, and with none left the timer stops and nothing is
 * read. A guest is in a sample from its second reading on (CPU % is a difference); one whose
 * process is gone is looked up again at the next sample (a restart gives it a new pid).
 */
export class ActivitySampler {
  private readonly tracked = new Map<string, Tracked>();
  private watchedUntil = 0;
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly source: ActivitySource,
    private readonly read: UsageReader,
    private readonly emit: (sample: ActivitySample) => void,
    private readonly timing: ActivityTiming = ACTIVITY_TIMING,
    private readonly now: () => number = Date.now,
  ) {}

  watch(): ActivityTiming {
    if (this.stopped) return this.timing;
    this.watchedUntil = this.now() + this.timing.leaseMs;
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.timing.intervalMs);
      // Sampling is never a reason to keep Hivedesk running.
      this.timer.unref();
      // The first readings now, so the first numbers come one interval later.
      this.tick();
    }
    return this.timing;
  }

  get active(): boolean {
    return this.timer !== undefined;
  }

  stop(): void {
    this.stopped = true;
    this.pause();
  }

  private pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.tracked.clear();
  }

  private tick(): void {
    if (this.now() > this.watchedUntil) return this.pause();
    // A slow read (a loaded host) skips a beat rather than piling samples up.
    this.sampling ??= this.sample()
      .catch(() => undefined)
      .finally(() => (this.sampling = undefined));
  }

  /** One sample: emitted with the guests that have numbers, if any. */
  async sample(): Promise<void> {
    await this.track(new Set(this.source.running()));
    const at = this.now();
    const usage = await this.read([...this.tracked.values()].map((t) => t.pid));
    const guests: GuestActivity[] = [];
    for (const [name, tracked] of this.tracked) {
      const now = usage.get(tracked.pid);
      if (!now) {
        this.tracked.delete(name);
        continue;
      }
      const cpu = tracked.last ? cpuPercent(tracked.last.usage, now, at - tracked.last.at) : undefined;
      tracked.last = { usage: now, at };
      if (cpu !== undefined) guests.push({ name, cpuPercent: cpu, memoryBytes: now.rssBytes });
    }
    if (guests.length && !this.stopped && this.timer) this.emit({ at, guests });
  }

  /** Forgets guests that stopped; looks up the process of those that started. */
  private async track(running: ReadonlySet<string>): Promise<void> {
    for (const name of this.tracked.keys()) if (!running.has(name)) this.tracked.delete(name);
    const fresh = [...running].filter((name) => !this.tracked.has(name));
    const pids = await Promise.all(fresh.map((name) => this.source.pidOf(name).catch(() => undefined)));
    fresh.forEach((name, i) => {
      const pid = pids[i];
      if (pid !== undefined) this.tracked.set(name, { pid });
    });
  }
}
