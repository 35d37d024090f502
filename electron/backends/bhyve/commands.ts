// The commands that run a bhyve guest, built from the same GuestConfig vm-bhyve reads. Pure: no fs, no processes,
// no environment; every function returns argv arrays (argv[0] is the program), never shell strings.
// The layout and flags follow vm-bhyve's lib/vm-run, lib/vm-zfs and lib/vm-core (repository freebsd/vm-bhyve) so a
// guest looks the same to its OS whichever of the two started it. The devices are in pci-devices.ts, the loaders in
// loaders.ts, the network in network.ts.

import { cpuSpec, type GuestConfig } from '../../datastore/guest-config.js';
import { type BhyveHostPaths, type BhyveRunContext, diskPath, isUefiLoader, nmdmDevice, optionPath, zvolDataset } from './guest-paths.js';
import { installDevice, pciDevices } from './pci-devices.js';

/** The bhyve command line. vm-run runs `bhyve ${_devices} $@ ${_iso_dev} ${_comstring} ${_name}` (devices before options since vm-bhyve PR #56); the name is last. */
export function bhyveArgv(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths): string[] {
  const uefi = isUefiLoader(guest.loader);
  const pci = pciDevices(guest, ctx, paths, uefi);
  return [
    'bhyve',
    ...pci.args,
    ...bhyveOptions(guest, ctx, uefi),
    ...(pci.passthru ? ['-S'] : []), // vm::bhyve_device_passthru appends -S: passthru needs wired memory
    ...(pci.bus >= 1 ? ['-Y'] : []), // vm-run: devices spilled onto bus 1+ need MPtable generation off
    ...installDevice(guest, ctx),
    ...guest.comports.flatMap((port) => ['-l', `${port},${nmdmDevice(paths, guest.name, port, 'A')}`]),
    guest.name,
  ];
}

/** vm-run's `_opts`: `-c ${_cpu} -m ${_memory} -AHPw[w] [-l bootrom,…] [bhyve_options] [-S] [-U uuid] [-u]`, in that order. */
function bhyveOptions(guest: GuestConfig, ctx: BhyveRunContext, uefi: boolean): string[] {
  // -H yield on HLT, -P exit on PAUSE, -w ignore unknown MSRs (vm-run: _opts="-AHPw"); ignore_msr adds another w.
  const flags = `${ctx.acpiFlag ? '-AHPw' : '-HPw'}${guest.ignoreMsr ? 'w' : ''}`;
  return [
    '-c', cpuSpec(guest), // vm::__cpu: cpu[,sockets=n][,cores=n][,threads=n]
    '-m', guest.memory,
    flags,
    ...(uefi ? ['-l', bootrom(guest, ctx)] : []),
    ...guest.bhyveOptions,
    ...(guest.wiredMemory ? ['-S'] : []),
    ...(guest.uuid ? ['-U', guest.uuid] : []),
    ...(guest.utcTime ? ['-u'] : []),
  ];
}

/** vm::uefi: `-l bootrom,<firmware>[,<guest's vars copy>]`; the caller resolves both files. */
function bootrom(guest: GuestConfig, ctx: BhyveRunContext): string {
  if (!ctx.firmware) throw new RangeError(`${guest.name} boots UEFI firmware but no firmware file was found (install edk2-bhyve)`);
  const firmware = optionPath(ctx.firmware, 'the firmware');
  if (!guest.uefiVars) return `bootrom,${firmware}`;
  if (!ctx.varsFile) throw new RangeError(`${guest.name} keeps UEFI variables but has no variables file`);
  return `bootrom,${firmware},${optionPath(ctx.varsFile, 'the UEFI variables file')}`;
}

/** bhyvectl(8) as the handbook writes it: `bhyvectl --destroy --vm=<name>` (getopt_long takes either order). */
export function bhyvectlArgv(action: 'destroy' | 'force-poweroff' | 'force-reset', name: string): string[] {
  return ['bhyvectl', `--${action}`, `--vm=${name}`];
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
export function diskCreateArgv(
  guest: GuestConfig,
  diskIndex: number,
  size: string,
  ctx: BhyveRunContext,
  options: { primarycacheMetadata?: boolean } = {},
): string[][] {
  const disk = guest.disks[diskIndex];
  if (!disk) throw new RangeError(`${guest.name} has no disk${diskIndex}`);
  if (!SIZE_RE.test(size)) throw new RangeError(`invalid disk size "${size}": use a number with K, M, G or T`);
  if (disk.dev === 'custom' || disk.dev === 'iscsi') return [];
  if (disk.dev !== 'zvol' && disk.dev !== 'sparse-zvol') {
    const path = diskPath(guest, diskIndex, ctx);
    return [['truncate', '-s', size, path], ['chmod', '600', path]];
  }
  const volume = `${zvolDataset(ctx)}/${disk.name}`;
  const create = ['zfs', 'create', disk.dev === 'sparse-zvol' ? '-sV' : '-V', size, '-o', 'volmode=dev', volume];
  return options.primarycacheMetadata ? [create, ['zfs', 'set', 'primarycache=metadata', volume]] : [create];
}

/**
 * Commands that grow disk N to `size`: `truncate -s` for a file, `zfs set volsize=` for a zvol. The caller checks
 * that the size grows (truncate would cut a file). custom and iscsi disks are storage Hivedesk did not make.
 */
export function diskGrowArgv(guest: GuestConfig, diskIndex: number, size: string, ctx: BhyveRunContext): string[] {
  const disk = guest.disks[diskIndex];
  if (!disk) throw new RangeError(`${guest.name} has no disk${diskIndex}`);
  if (!SIZE_RE.test(size)) throw new RangeError(`invalid disk size "${size}": use a number with K, M, G or T`);
  if (disk.dev === 'zvol' || disk.dev === 'sparse-zvol') return ['zfs', 'set', `volsize=${size}`, `${zvolDataset(ctx)}/${disk.name}`];
  if (disk.dev === 'custom' || disk.dev === 'iscsi') throw new RangeError(`disk${diskIndex} is ${disk.dev} storage that Hivedesk did not make: grow it where it lives`);
  return ['truncate', '-s', size, diskPath(guest, diskIndex, ctx)];
}

/** Taps come up when bhyve opens them, so a guest's link is up without another ifconfig. */
export function tapUpOnOpenArgv(): string[] {
  return ['sysctl', 'net.link.tap.up_on_open=1'];
}

export function kldloadArgv(module: 'vmm' | 'nmdm'): string[] {
  return ['kldload', module];
}

/** `ifconfig tap0 destroy`: vm-bhyve removes the taps it made when the guest stops. */
export function interfaceDestroyArgv(iface: string): string[] {
  return ['ifconfig', iface, 'destroy'];
}
