import type { CreateVmInput } from '../../shared/api/vms.js';
import type { Backend } from '../backends/backend.js';
import { backendEntry } from '../backends/registry.js';
import type { Datastore, NameHolder } from '../datastore/datastore.js';
import { macOwners } from '../datastore/first-start.js';
import { AppError } from '../errors.js';
import { installMediaProblem } from '../host/media.js';

/**
 * The checks a schema cannot make on a new guest, early for the wizard; `store.create` checks the name again,
 * atomically. `registries`: the backends that keep machines of their own (VirtualBox), the chosen one included even
 * where its tools seem missing, so create never goes on unchecked. A plan runs on any machine, so a registry it cannot
 * read (no VBoxManage here) leaves the name unchecked there, with a warning in what this returns; create refuses instead.
 */
export async function checkCreate(store: Datastore, registries: Backend[], input: CreateVmInput, use: 'create' | 'plan'): Promise<string[]> {
  const unchecked: string[] = [];
  const find = async (backend: Backend) => {
    try {
      return await backend.registry?.find(input.name);
    } catch (err) {
      if (use === 'create') throw err;
      const label = backendEntry(backend.id)?.label ?? backend.id;
      unchecked.push(`The name ${input.name} could not be checked against ${label}'s machines (${err instanceof Error ? err.message : String(err)}); create checks it again.`);
      return undefined;
    }
  };
  // A hypervisor's machine first: its folder in the datastore would otherwise read as a directory left behind.
  const registered = await Promise.all([...new Set(registries)].map(find));
  const other = registered.find((guest) => guest !== undefined);
  if (other) throw nameTaken(input.name, { name: other.name, guest: true });
  const holder = await store.holderOf(input.name);
  if (holder) throw nameTaken(input.name, holder);
  if (input.installMedia) await refuseMedia(input.installMedia);
  if (input.mac) await refuseTakenMac(store, input.mac);
  return unchecked;
}

/** Shown next to the form's name field; names that differ only in case are one name, as in vm-bhyve. */
export function nameTaken(name: string, holder: NameHolder, field = 'name'): AppError {
  const message = holder.guest
    ? `A VM named ${name} already exists.`
    : `The datastore already has a directory ${holder.name} (disks kept from a deleted VM?). Pick another name.`;
  return new AppError('conflict', message, { [field]: message });
}

/** The reason goes next to the wizard's Install media field, and to the CLI. */
export async function refuseMedia(path: string): Promise<void> {
  const problem = await installMediaProblem(path);
  if (problem) throw new AppError('invalid_input', problem, { installMedia: problem });
}

/** Two NICs with one MAC on a bridge lose each other's frames: a MAC sent back with a create must still be free. */
async function refuseTakenMac(store: Datastore, mac: string): Promise<void> {
  const owner = (await macOwners(store)).get(mac)?.[0];
  if (!owner) return;
  const message = `${mac} is already network${owner.nic}'s MAC of ${owner.guest}; go back and plan again for a new one.`;
  throw new AppError('conflict', message, { mac: message });
}
