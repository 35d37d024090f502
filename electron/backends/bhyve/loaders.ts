// The loaders of non-UEFI guests as vm-bhyve runs them (lib/vm-guest, guest::load): bhyveload for FreeBSD, grub-bhyve
// with the device.map and grub.cfg vm-bhyve writes. Pure: argv arrays and file contents, nothing is run or written.

import type { PlanFile } from '../../../shared/api/vms.js';
import type { GuestConfig } from '../../datastore/guest-config.js';
import { type BhyveHostPaths, type BhyveRunContext, FREEBSD_PATHS, installMedia, loadsFromMedia, nmdmDevice } from './guest-paths.js';
import { diskPath } from '../disks.js';

/** The loader's console: vm-bhyve gives bhyveload and grub-bhyve the first port's A side (`-c ${_com}`). */
function loaderConsole(guest: GuestConfig, paths: BhyveHostPaths): string[] {
  const first = guest.comports[0];
  return first ? ['-c', nmdmDevice(paths, guest.name, first, 'A')] : [];
}

/** vm-guest: wired memory (wired_memory or any passthru) must be wired from the loader on too. */
function loaderWired(guest: GuestConfig): string[] {
  return guest.wiredMemory || guest.passthru.length > 0 ? ['-S'] : [];
}

/** vm-guest: "non-uefi loaders require a boot disk device"; disk0 is it. */
function bootDisk(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths = FREEBSD_PATHS): string {
  if (guest.disks.length === 0) throw new RangeError(`${guest.name} needs a boot disk for loader "${guest.loader}"`);
  return diskPath(guest, 0, ctx, paths.devDir);
}

function checkLoader(guest: GuestConfig, loader: string): void {
  if (guest.loader !== loader) throw new RangeError(`${guest.name} uses loader "${guest.loader}", not ${loader}`);
}

/**
 * vm-guest (bhyveload): `bhyveload -c <com1 A> [-S] -m <mem> -e smbios.system.uuid=… -e autoboot_delay=<loader_timeout>
 * -e bhyve_vm_name=<name> [<bhyveload_args>] [-l <bhyveload_loader>] -d <iso or disk0> <name>`. -m is guest.memory,
 * the same string bhyve gets. The ISO only on the first boot of an install; after a reboot the installed disk.
 */
export function bhyveloadArgv(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths): string[] {
  checkLoader(guest, 'bhyveload');
  const disk = bootDisk(guest, ctx, paths); // required even to install, as in vm-guest
  return [
    'bhyveload',
    ...loaderConsole(guest, paths),
    ...loaderWired(guest),
    '-m', guest.memory,
    ...(guest.uuid ? ['-e', `smbios.system.uuid=${guest.uuid}`] : []),
    '-e', `autoboot_delay=${guest.loaderTimeout}`,
    '-e', `bhyve_vm_name=${guest.name}`,
    ...guest.bhyveload.args,
    ...(guest.bhyveload.loader ? ['-l', guest.bhyveload.loader] : []),
    '-d', loadsFromMedia(ctx) ? installMedia(guest) : disk,
    guest.name,
  ];
}

/** vm-guest writes both to the guest's directory before every load. */
export function deviceMapPath(ctx: BhyveRunContext): string {
  return `${ctx.guestDir}/device.map`;
}

function grubCfgPath(ctx: BhyveRunContext): string {
  return `${ctx.guestDir}/grub.cfg`;
}

/** vm-guest's device.map: `(cd0) <iso>` first while installing, then `(hd0) <disk0>`, `(hd1) <disk1>`, … */
export function deviceMap(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths = FREEBSD_PATHS): string {
  bootDisk(guest, ctx, paths);
  const cd = loadsFromMedia(ctx) ? [`(cd0) ${installMedia(guest)}`] : [];
  const hd = guest.disks.map((_, i) => `(hd${i}) ${diskPath(guest, i, ctx, paths.devDir)}`);
  return lines([...cd, ...hd]);
}

/** grub_installN on the first boot of an install, grub_runN otherwise (guest::__write_config's `_type`). */
function grubMode(ctx: BhyveRunContext): 'install' | 'run' {
  return loadsFromMedia(ctx) ? 'install' : 'run';
}

/** vm-guest's root: cd0 while installing, else hd0,1 or hd0,<grub_run_partition>. */
function grubRootDevice(guest: GuestConfig, ctx: BhyveRunContext): string {
  if (grubMode(ctx) === 'install') return 'cd0';
  return `hd0,${guest.grub.runPartition ?? '1'}`;
}

/**
 * guest::__write_config: the commands of this mode as one menu entry, or undefined when there are none (then
 * grub-bhyve looks for the guest's own grub.cfg). A command that is exactly `boot` is left out, as vm-bhyve does.
 */
export function grubCfg(guest: GuestConfig, ctx: BhyveRunContext): string | undefined {
  const mode = grubMode(ctx);
  const commands = mode === 'install' ? guest.grub.install : guest.grub.run;
  if (commands.length === 0) return undefined;
  return lines([
    `timeout=${guest.loaderTimeout}`,
    `menuentry '${guest.name} (bhyve ${mode})' {`,
    `    root=${grubRootDevice(guest, ctx)}`,
    ...commands.filter((command) => command !== 'boot').map((command) => `    ${command}`),
    '}',
  ]);
}

/** What a grub guest's boot writes first: device.map always, grub.cfg when the .conf has grub commands for this boot. */
export function grubFiles(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths): PlanFile[] {
  const cfg = grubCfg(guest, ctx);
  return [
    { path: deviceMapPath(ctx), content: deviceMap(guest, ctx, paths), why: "grub-bhyve's map of the guest's disks (vm-bhyve's device.map)" },
    ...(cfg === undefined ? [] : [{ path: grubCfgPath(ctx), content: cfg, why: `the grub_${grubMode(ctx)}N commands of the .conf as grub's menu` }]),
  ];
}

/**
 * vm-guest (grub): `grub-bhyve -c <com1 A> [-S] -m <guest dir>/device.map -M <mem> <root> <name>`. The root is
 * `-r host -d <guest dir>` when grubCfg wrote the commands; otherwise `-r cd0` while installing, or `-r hd0,<partition>`
 * with grub_run_dir (`-d`) and grub_run_file (`-g`) when set.
 */
export function grubBhyveArgv(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths): string[] {
  checkLoader(guest, 'grub');
  if (loadsFromMedia(ctx)) installMedia(guest); // cd0 has to exist in device.map
  return [
    'grub-bhyve',
    ...loaderConsole(guest, paths),
    ...loaderWired(guest),
    '-m', deviceMapPath(ctx),
    '-M', guest.memory,
    ...grubRoot(guest, ctx),
    guest.name,
  ];
}

function grubRoot(guest: GuestConfig, ctx: BhyveRunContext): string[] {
  if (grubCfg(guest, ctx) !== undefined) return ['-r', 'host', '-d', ctx.guestDir];
  const root = ['-r', grubRootDevice(guest, ctx)];
  if (grubMode(ctx) === 'install') return root;
  const { runDir, runFile } = guest.grub;
  return [...root, ...(runDir ? ['-d', runDir] : []), ...(runFile ? ['-g', runFile] : [])];
}

function lines(items: string[]): string {
  return items.map((line) => `${line}\n`).join('');
}
