// What a guest's first start adds to its .conf, as vm-bhyve's `vm _run` does: a uuid (vm::run) and a MAC for every NIC
// without one (switch::provision). Drawn here, stored by the backend's start before anything runs, so the pre-flight
// checks, the plan shown and the guest all see the same values.

import type { PlanFile } from '../../shared/api/vms.js';
import { type ConfDocument, getValue, setValue } from './conf.js';
import type { Datastore } from './datastore.js';
import { type GuestConfig, toGuestConfig } from './guest-config.js';
import { newMac, newUuid } from './identity.js';

/** Every NIC MAC in a datastore, lower case, with the guests and NICs that use it. */
export type MacOwners = ReadonlyMap<string, ReadonlyArray<{ guest: string; nic: number }>>;

export async function macOwners(store: Datastore): Promise<MacOwners> {
  const names = await store.listNames();
  const docs = await Promise.all(names.map((name) => store.read(name)));
  const owners = new Map<string, Array<{ guest: string; nic: number }>>();
  names.forEach((guest, i) => {
    const doc = docs[i];
    if (!doc) return;
    toGuestConfig(guest, doc, 'bhyve').networks.forEach(({ mac }, nic) => {
      if (mac) owners.set(mac.toLowerCase(), [...(owners.get(mac.toLowerCase()) ?? []), { guest, nic }]);
    });
  });
  return owners;
}

export interface IdentityDraft {
  /** The guest as it starts: with the drawn uuid and MACs. */
  guest: GuestConfig;
  /** The keys to add to its .conf, in the order vm-bhyve writes them. */
  values: Array<[string, string]>;
}

/** A uuid if the guest has none, and a MAC for each NIC without one, unlike every MAC in the datastore. */
export function draftIdentity(guest: GuestConfig, owners: MacOwners): IdentityDraft {
  const taken = new Set(owners.keys());
  const uuid = guest.uuid ?? newUuid();
  const values: Array<[string, string]> = guest.uuid ? [] : [['uuid', uuid]];
  const networks = guest.networks.map((nic, i) => {
    if (nic.mac) return nic;
    const mac = newMac(taken);
    taken.add(mac);
    values.push([`network${i}_mac`, mac]);
    return { ...nic, mac };
  });
  return { guest: { ...guest, uuid, networks }, values };
}

/** The draft as a plan shows it: lines added to the end of the .conf, as `sysrc` (vm-bhyve's config::set) adds them. */
export function identityFile(confPath: string, values: Array<[string, string]>): PlanFile[] {
  if (values.length === 0) return [];
  return [{
    path: confPath,
    content: values.map(([key, value]) => `${key}="${value}"\n`).join(''),
    append: true,
    why: 'a uuid and NIC MACs, added before anything runs as vm-bhyve adds them at a first start (each plan draws new ones until a start stores them)',
  }];
}

/**
 * Adds the drawn keys to the guest's .conf in one atomic write; the rest of the file stays byte for byte. A key that
 * got a value meanwhile (a hand edit) keeps it.
 */
export async function storeIdentity(store: Datastore, name: string, values: Array<[string, string]>): Promise<void> {
  if (values.length === 0) return;
  const doc = await store.read(name);
  if (!doc) throw new Error(`${name}.conf disappeared before its start`);
  await store.write(name, addIdentity(doc, values));
}

/** The drawn keys added to a .conf's text where it has no value for them yet. */
export function addIdentity(doc: ConfDocument, values: Array<[string, string]>): ConfDocument {
  return values.reduce((next, [key, value]) => (getValue(next, key) ? next : setValue(next, key, value)), doc);
}
