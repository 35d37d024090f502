import { z } from 'zod';
import { request } from './define.js';

/** One running guest's hypervisor process (QEMU, bhyve) over the last sampling interval. */
export const GuestActivity = z.object({
  name: z.string(),
  /** CPU time over wall time, as `top` counts it: 100 is one host CPU busy, so 2 vCPUs can reach 200. */
  cpuPercent: z.number().nonnegative(),
  /** Resident set size of the process, in bytes. */
  memoryBytes: z.number().int().nonnegative(),
});
export type GuestActivity = z.infer<typeof GuestActivity>;

/** One sample of every running guest whose process could be read; guests not running are not in it. */
export const ActivitySample = z.object({
  /** When it was taken, ms since the epoch (main's clock). */
  at: z.number(),
  guests: z.array(GuestActivity),
});
export type ActivitySample = z.infer<typeof ActivitySample>;

export const activityApi = {
  /**
   * Someone is looking: main samples the guests' processes for `leaseMs` more and sends
   * onDidSampleActivity; a view asks again before the lease ends, and sampling stops when none does.
   */
  watchActivity: request(z.object({}), z.object({ leaseMs: z.number(), intervalMs: z.number() })),
};
