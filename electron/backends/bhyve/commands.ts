// The commands that run a bhyve guest, built from the same GuestConfig vm-bhyve reads. Pure: no fs, no processes,
// no environment; every function returns argv arrays (argv[0] is the program), never shell strings.
// The layout and flags follow vm-bhyve's lib/vm-run, lib/vm-zfs and lib/vm-core (repository freebsd/vm-bhyve) so a
// guest looks the same to its OS whichever of the two started it. The devices are in pci-devices.ts, the loaders in
// loaders.ts, the network in network.ts.

import { cpuSpec, type GuestConfig } from '../../datastore/guest-config.js';
import { type BhyveHostPaths, type BhyveRunContext, isUefiLoader, nmdmDevice, optionPath } from './guest-paths.js';
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
