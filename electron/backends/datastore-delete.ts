import type { Datastore } from '../datastore/datastore.js';
import type { GuestConfig } from '../datastore/guest-config.js';
import type { DeleteResult } from './backend.js';

/**
 * vm-bhyve's `vm destroy` for a guest the datastore keeps: its directory goes, with the disk files in it only when
 * asked; disks elsewhere (zvols, custom paths) are never touched.
 */
export async function deleteDatastoreGuest(store: Datastore, guest: GuestConfig, deleteDisks: boolean): Promise<DeleteResult> {
  const inDir = guest.disks.filter((d) => d.dev === 'file').map((d) => d.name);
  const outside = guest.disks.filter((d) => d.dev !== 'file').map((d) => d.name);
  const keep = new Set(deleteDisks ? [] : inDir);
  const removed = await store.remove(guest.name, keep);
  const dir = store.guestDir(guest.name);
  return { removed, kept: [...[...keep].map((f) => `${dir}/${f}`), ...outside] };
}
