// Where a bhyve guest's things are on the host (disks, consoles, firmware), and the run context every command
// builder shares. Pure: no fs, no processes, no environment.

import { isUefi } from '../../../shared/api/settings.js';
import type { GuestConfig } from '../../datastore/guest-config.js';

export interface BhyveHostPaths {
  /** '/dev': nmdm consoles and /dev/zvol live here. */
  devDir: string;
  /** '/usr/local/share/uefi-firmware': where edk2-bhyve installs BHYVE_UEFI.fd and BHYVE_UEFI_VARS.fd. */
  firmwareDir: string;
}

export const FREEBSD_PATHS: BhyveHostPaths = { devDir: '/dev', firmwareDir: '/usr/local/share/uefi-firmware' };

export interface BhyveRunContext {
  /** The guest's directory; file disks are `${guestDir}/${disk.name}`. */
  guestDir: string;
  /** The install media is attached (vm-run's `_iso_dev`): from the first boot of an install until the guest fully stops. */
  installing: boolean;
  /**
   * A boot after the guest rebooted (vm-run's run 2 and later, where `_iso` is cleared): the loaders boot the disk
   * again, and graphics_wait=auto no longer waits for a viewer. The install media stays attached to bhyve.
   */
  rebooted?: boolean;
  /** Tap interface per NIC, same order as guest.networks (e.g. ['tap0']). */
  taps: string[];
  /** The dataset holding the guest, e.g. 'zroot/vm/web1' -> /dev/zvol/zroot/vm/web1/disk0, for zvol/sparse-zvol disks. */
  zvolDataset?: string;
  /** Resolved VNC port when guest.graphics has none (vm-bhyve searches upwards from 5900). */
  graphicsPort?: number;
  /** Emit -A: the handbook's commands carry it; current bhyve accepts it as a no-op (ACPI tables are always built). */
  acpiFlag: boolean;
  /** Resolved bootrom path for UEFI loaders (see firmwareFor). */
  firmware?: string;
  /** Per-guest copy of the UEFI variable store when guest.uefiVars (vm-bhyve: `${guestDir}/uefi-vars.fd`). */
  varsFile?: string;
  /** The datastore's `.config/null.iso`, the empty CD that nulliso_fix attaches. */
  nullIso?: string;
}

/** vm-run's `_iso`: the loaders boot the install media on the first boot of an install only. */
export function loadsFromMedia(ctx: BhyveRunContext): boolean {
  return ctx.installing && !ctx.rebooted;
}

/** vm-run: `[ "${_loader%-*}" = "uefi" ]`, so uefi, uefi-csm, uefi-custom and uefi-devel boot firmware. */
export const isUefiLoader = isUefi;

/** The firmware vm-bhyve picks for a loader (vm::uefi); uefi-custom reads `${datastoreDir}/.config/BHYVE_UEFI.fd`. */
export function firmwareFor(loader: string, paths: BhyveHostPaths, datastoreDir: string): string {
  const file: Record<string, string> = {
    'uefi-devel': `${paths.firmwareDir}/BHYVE_UEFI_CODE-devel.fd`,
    'uefi-csm': `${paths.firmwareDir}/BHYVE_UEFI_CSM.fd`,
    'uefi-custom': `${datastoreDir}/.config/BHYVE_UEFI.fd`,
  };
  return file[loader] ?? `${paths.firmwareDir}/BHYVE_UEFI.fd`;
}

/** The template copied once per guest to `${guestDir}/uefi-vars.fd` when uefi_vars="yes". */
export function uefiVarsTemplate(paths: BhyveHostPaths): string {
  return `${paths.firmwareDir}/BHYVE_UEFI_VARS.fd`;
}

/** vm-run: `${vm_dir}/.config/null.iso`; Hivedesk's vm_dir is the datastore. */
export function nullIsoPath(datastoreDir: string): string {
  return `${datastoreDir}/.config/null.iso`;
}

/** 'com1' -> 1 ... 'com4' -> 4 (bhyve's LPC has four UARTs). */
export function comNumber(port: string): number {
  const match = /^com([1-4])$/.exec(port);
  if (!match) throw new RangeError(`unknown serial port "${port}": use com1 to com4`);
  return Number(match[1]);
}

/**
 * A named null-modem device, `${devDir}/nmdm-${name}.${n}${side}`: bhyve opens side A, `cu -l` side B. Names instead
 * of numbers mean two guests can never pick the same pair. Note: vm-bhyve numbers by position in `comports`
 * (com2 alone gets .1); Hivedesk numbers by port, which is the same for the default com1 and for "com1 com2".
 */
export function nmdmDevice(paths: BhyveHostPaths, name: string, port: string, side: 'A' | 'B'): string {
  return `${paths.devDir}/nmdm-${name}.${comNumber(port)}${side}`;
}

/** Each serial port with the side bhyve opens and the side a user attaches to (vm-bhyve's `console` file). */
export function consolePorts(guest: GuestConfig, paths: BhyveHostPaths): Array<{ port: string; guestSide: string; userSide: string }> {
  return guest.comports.map((port) => ({
    port,
    guestSide: nmdmDevice(paths, guest.name, port, 'A'),
    userSide: nmdmDevice(paths, guest.name, port, 'B'),
  }));
}

/** bhyve splits device options on commas and has no escape, so a comma in a path would inject options. */
export function optionPath(path: string, what: string): string {
  if (path.includes(',')) throw new RangeError(`${what} path ${path} contains a comma, which bhyve would read as another option: rename it`);
  return path;
}

export function installMedia(guest: GuestConfig): string {
  if (!guest.installMedia) throw new RangeError(`${guest.name} has no install media to boot`);
  return guest.installMedia;
}

/** start_slot and install_slot as bhyve takes them: a slot number from 0 to 31. */
export function pciSlot(slot: number, key: 'start_slot' | 'install_slot'): number {
  if (!Number.isInteger(slot) || slot < 0 || slot > 31) throw new RangeError(`${key}="${slot}" is not a PCI slot number from 0 to 31`);
  return slot;
}
