// Where a datastore guest's disks are and the commands that make and grow them, as vm-bhyve does (lib/vm-core,
// lib/vm-zfs); bhyve and Xen guests share them. Pure: argv arrays, no fs, no processes.

import type { GuestConfig } from '../datastore/guest-config.js';

/** Where a guest's disks go: files in its directory, zvols under its dataset. */
export interface DiskPlace {
  /** The guest's directory; file disks are `${guestDir}/${disk.name}`. */
  guestDir: string;
  /** The dataset holding the guest, e.g. 'zroot/vm/web1' -> /dev/zvol/zroot/vm/web1/disk0, for zvol/sparse-zvol disks. */
  zvolDataset?: string;
}

/** vm::get_disk_path: zvols under /dev/zvol/<dataset>, custom is a full path, anything else a file in the guest dir. */
export function diskPath(guest: GuestConfig, index: number, place: DiskPlace, devDir = '/dev'): string {
  const disk = guest.disks[index];
  if (!disk) throw new RangeError(`${guest.name} has no disk${index}`);
  switch (disk.dev) {
    case 'zvol':
    case 'sparse-zvol':
      return `${devDir}/zvol/${zvolDataset(place)}/${disk.name}`;
    case 'custom':
      return disk.name;
    case 'iscsi':
    case '9p':
      throw new RangeError(`disk${index} of ${guest.name} is a disk${index}_dev="${disk.dev}" disk, which Hivedesk cannot attach yet: start it with vm-bhyve's \`vm start\``);
    default:
      return `${place.guestDir}/${disk.name}`;
  }
}

export function zvolDataset(place: DiskPlace): string {
  if (!place.zvolDataset) throw new RangeError('a zvol disk needs the ZFS dataset that holds the guest');
  return place.zvolDataset;
}

const SIZE_RE = /^[1-9][0-9]*[KMGTP]?$/i;

/**
 * Commands that create disk N, as vm-bhyve's `vm create`/`vm add` do: a sparse file made private
 * (`truncate -s <size> <path>`, `chmod 600 <path>`), or a zvol with volmode=dev so the host does not taste it
 * (`zfs create -V <size> -o volmode=dev <dataset>/<name>`, `-sV` for sparse-zvol; vm-bhyve passes the size as its own
 * argument, the handbook's `-V16G` is the same to getopt). With primarycacheMetadata the zvol also gets the
 * handbook's `zfs set primarycache=metadata` (not vm-bhyve's default, so off unless asked). custom and iscsi disks
 * name existing storage: nothing to create.
 */
export function diskCreateArgv(guest: GuestConfig, diskIndex: number, size: string, place: DiskPlace, options: { primarycacheMetadata?: boolean } = {}): string[][] {
  const disk = guest.disks[diskIndex];
  if (!disk) throw new RangeError(`${guest.name} has no disk${diskIndex}`);
  if (!SIZE_RE.test(size)) throw new RangeError(`invalid disk size "${size}": use a number with K, M, G or T`);
  if (disk.dev === 'custom' || disk.dev === 'iscsi') return [];
  if (disk.dev !== 'zvol' && disk.dev !== 'sparse-zvol') {
    const path = diskPath(guest, diskIndex, place);
    return [['truncate', '-s', size, path], ['chmod', '600', path]];
  }
  const volume = `${zvolDataset(place)}/${disk.name}`;
  const create = ['zfs', 'create', disk.dev === 'sparse-zvol' ? '-sV' : '-V', size, '-o', 'volmode=dev', volume];
  return options.primarycacheMetadata ? [create, ['zfs', 'set', 'primarycache=metadata', volume]] : [create];
}

/**
 * Commands that grow disk N to `size`: `truncate -s` for a file, `zfs set volsize=` for a zvol. The caller checks
 * that the size grows (truncate would cut a file). custom and iscsi disks are storage Hivedesk did not make.
 */
export function diskGrowArgv(guest: GuestConfig, diskIndex: number, size: string, place: DiskPlace): string[] {
  const disk = guest.disks[diskIndex];
  if (!disk) throw new RangeError(`${guest.name} has no disk${diskIndex}`);
  if (!SIZE_RE.test(size)) throw new RangeError(`invalid disk size "${size}": use a number with K, M, G or T`);
  if (disk.dev === 'zvol' || disk.dev === 'sparse-zvol') return ['zfs', 'set', `volsize=${size}`, `${zvolDataset(place)}/${disk.name}`];
  if (disk.dev === 'custom' || disk.dev === 'iscsi') throw new RangeError(`disk${diskIndex} is ${disk.dev} storage that Hivedesk did not make: grow it where it lives`);
  return ['truncate', '-s', size, diskPath(guest, diskIndex, place)];
}
