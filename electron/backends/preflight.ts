// Pre-flight checks the backends make before a start: what would otherwise surface as a broken guest, not a refusal.

import type { MacOwners } from '../datastore/first-start.js';
import type { GuestConfig } from '../datastore/guest-config.js';
import { installMediaProblem } from '../host/media.js';

/**
 * Why the install media cannot be booted, as a start's warning: missing, a folder, a disk device such as /dev/vda
 * typed into a .conf by hand. The same check as create and Settings make, so no backend boots what they refuse.
 */
export async function installMediaWarnings(path: string | undefined): Promise<string[]> {
  const problem = path ? await installMediaProblem(path) : undefined;
  return problem ? [`Install media: ${problem}`] : [];
}

/** A MAC another NIC of the datastore already has: both guests' networks would break, so the start is refused. */
export function duplicateMacs(guest: GuestConfig, owners: MacOwners): string[] {
  return guest.networks.flatMap((nic, i) => {
    if (!nic.mac) return [];
    const others = (owners.get(nic.mac.toLowerCase()) ?? []).filter((o) => !(o.guest === guest.name && o.nic === i));
    if (others.length === 0) return [];
    const where = others.map((o) => (o.guest === guest.name ? `its own network${o.nic}` : `${o.guest}'s network${o.nic}`)).join(' and ');
    return [`network${i}_mac ${nic.mac} is also the MAC of ${where}: pick another MAC in Settings → Network.`];
  });
}
