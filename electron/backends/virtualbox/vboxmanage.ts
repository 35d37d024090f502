// The VBoxManage commands that make, run and remove a VirtualBox guest, built from the same VM model a .conf gives.
// Pure: argv arrays only. The serial port is a unix socket VirtualBox serves (`--uartmode1 server <path>`), so a
// console tab can reach it; the screen is VRDE on loopback, which VirtualBox's VNC extension pack serves as VNC.

import { parseSizeMiB } from '../../../shared/validation.js';
import type { GuestConfig } from '../../datastore/guest-config.js';

/** VirtualBox's OS types for Hivedesk's profiles (`VBoxManage list ostypes`). */
const OS_TYPE: Record<string, string> = { freebsd: 'FreeBSD_64', linux: 'Linux_64', windows: 'Windows10_64', other: 'Other_64' };
/** The one storage controller Hivedesk gives a guest: disks from port 0, the DVD after them. */
export const CONTROLLER = 'SATA';
/** VRDE takes a port range and picks a free port in it; `showvminfo` then says which (vrdeport). */
const VRDE_PORTS = '5900-5999';

/** Where VirtualBox puts a machine made with `--basefolder <dir>`: its own folder there, named after it. */
export function machineFolder(basefolder: string, name: string): string {
  return `${basefolder}/${name}`;
}

/** The unix socket VirtualBox serves com1 on. */
export function uartSocket(basefolder: string, name: string): string {
  return `${machineFolder(basefolder, name)}/com1.sock`;
}

const vbox = (...args: string[]) => ['VBoxManage', ...args];

/** `VBoxManage createvm --name <vm> --ostype <type> --basefolder <dir> --register`. */
export function createvmArgv(guest: GuestConfig, basefolder: string): string[] {
  return vbox('createvm', '--name', guest.name, '--ostype', OS_TYPE[guest.profile] ?? 'Other_64', '--basefolder', basefolder, '--register');
}

/**
 * `modifyvm`: memory and CPUs, NIC 1 (NAT: it reaches out without a host bridge) with the guest's MAC, com1 as a
 * socket, the disk before the DVD (an empty disk boots the installer, an installed one itself), and VRDE on loopback.
 */
export function modifyvmArgv(guest: GuestConfig, basefolder: string): string[] {
  const memory = parseSizeMiB(guest.memory);
  if (memory === undefined) throw new RangeError(`memory "${guest.memory}" is not a size such as 1024M or 2G`);
  const mac = guest.networks[0]?.mac;
  return vbox(
    'modifyvm', guest.name,
    '--memory', String(memory),
    '--cpus', String(guest.cpus),
    ...(guest.networks.length ? ['--nic1', 'nat', ...(mac ? ['--macaddress1', mac.replace(/:/g, '').toUpperCase()] : [])] : ['--nic1', 'none']),
    '--uart1', '0x3F8', '4',
    '--uartmode1', 'server', uartSocket(basefolder, guest.name),
    '--boot1', 'disk', '--boot2', 'dvd', '--boot3', 'none', '--boot4', 'none',
    '--rtcuseutc', guest.utcTime ? 'on' : 'off',
    '--vrde', 'on', '--vrdeaddress', '127.0.0.1', '--vrdeport', VRDE_PORTS,
  );
}

/** A new VDI disk of `size` (VirtualBox takes MiB). */
export function createmediumArgv(path: string, size: string): string[] {
  const mib = parseSizeMiB(size);
  if (mib === undefined) throw new RangeError(`invalid disk size "${size}": use a number with M, G or T`);
  return vbox('createmedium', 'disk', '--filename', path, '--size', String(mib), '--format', 'VDI');
}

export function storagectlArgv(name: string): string[] {
  return vbox('storagectl', name, '--name', CONTROLLER, '--add', 'sata', '--controller', 'IntelAhci');
}

export function storageattachArgv(name: string, port: number, kind: 'hdd' | 'dvddrive', medium: string): string[] {
  return vbox('storageattach', name, '--storagectl', CONTROLLER, '--port', String(port), '--device', '0', '--type', kind, '--medium', medium);
}

export function startvmArgv(name: string): string[] {
  return vbox('startvm', name, '--type', 'headless');
}

export function controlvmArgv(name: string, action: 'acpipowerbutton' | 'poweroff'): string[] {
  return vbox('controlvm', name, action);
}

/** `--delete` takes the disks, the settings and the logs with it; without, every file stays. */
export function unregistervmArgv(name: string, deleteFiles: boolean): string[] {
  return vbox('unregistervm', name, ...(deleteFiles ? ['--delete'] : []));
}

export function showvminfoArgv(name: string): string[] {
  return vbox('showvminfo', name, '--machinereadable');
}

export function listArgv(what: 'vms' | 'runningvms' | 'systemproperties'): string[] {
  return vbox('list', what);
}
