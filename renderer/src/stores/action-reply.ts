import type { VmSummary } from '../../../shared/api/vms.js';

/**
 * The guest as the list shows it once an action's reply came. A change the list sent while the action ran is newer
 * than the reply (a guest that shut down at once is reported stopped before Stop's reply, which saw it running), so
 * the reply is taken only when the guest is still the one the action started from.
 */
export function afterReply(startedFrom: VmSummary | undefined, now: VmSummary | undefined, reply: VmSummary | undefined): VmSummary | undefined {
  return reply && now === startedFrom ? reply : now;
}
