// A DomU's configuration file (xl.cfg(5)), built from the same VM model a .conf gives, laid out as the handbook's
// freebsd.cfg (24.7.3) so the two read alike. Pure: no fs, no processes.

import { parseSizeMiB } from '../../../shared/validation.js';
import { checkedMac, type GuestConfig } from '../../datastore/guest-config.js';

export interface XlConfigInput {
  guest: GuestConfig;
  /** Each disk's path on the host, in the guest's order (disk0 boots). */
  disks: string[];
  /** The install media, attached as a CD while the guest installs. */
  installMedia?: string;
  /** Where the domain's VNC server listens: `vnclisten` and the display number (port 5900 + display). */
  vnc: { listen: string; display: number; password?: string };
}

/** hdc is the CD (the handbook's `hdc:cdrom`), so disks take the other emulated IDE places. */
const DISK_VDEVS = ['hda', 'hdb', 'hdd'];
export const VNC_BASE_PORT = 5900;

/**
 * The handbook's keys, in its order (`type` for its `builder`, which xl.cfg(5) deprecates in favour of it), then what
 * Hivedesk adds: the guest's uuid, a fixed VNC display (so Hivedesk knows the port to show), the event actions
 * vm-bhyve's on_restart/on_fault ask for, and the RTC when the guest keeps local time.
 */
export function xlConfig({ guest, disks, installMedia, vnc }: XlConfigInput): string {
  if (disks.length > DISK_VDEVS.length) throw new RangeError(`${guest.name} has ${disks.length} disks; a Xen HVM guest here takes ${DISK_VDEVS.length} (hda, hdb, hdd: hdc is the CD)`);
  const memory = parseSizeMiB(guest.memory);
  if (memory === undefined) throw new RangeError(`memory "${guest.memory}" is not a size such as 1024M or 2G`);
  const diskSpecs = [
    ...disks.map((path, i) => `'${diskField(path, `disk${i}`)},raw,${DISK_VDEVS[i]},rw'`),
    ...(installMedia ? [`'${diskField(installMedia, 'the install media')},raw,hdc:cdrom,r'`] : []),
  ];
  return [
    `# ${guest.name}: written by Hivedesk from ${guest.name}.conf before each start (handbook 24.7.3); edit the .conf or Settings, not this file.`,
    'type = "hvm"',
    `name = ${quoted(guest.name, 'the name')}`,
    `memory = ${memory}`,
    `vcpus = ${guest.cpus}`,
    ...(guest.networks.length ? [`vif = [ ${guest.networks.map((_, i) => `'${vifSpec(guest, i)}'`).join(', ')} ]`] : []),
    ...(diskSpecs.length ? ['disk = [', diskSpecs.join(',\n'), '  ]'] : []),
    'vnc = 1',
    `vnclisten = ${quoted(vnc.listen, 'graphics_listen')}`,
    'serial = "pty"',
    'usbdevice = "tablet"',
    ...(guest.uuid ? [`uuid = ${quoted(guest.uuid, 'uuid')}`] : []),
    `vncdisplay = ${vnc.display}`,
    'vncunused = 0',
    ...(vnc.password ? [`vncpasswd = ${quoted(vnc.password, 'vnc_password')}`] : []),
    ...(guest.utcTime ? [] : ['localtime = 1']),
    'on_poweroff = "destroy"',
    `on_reboot = "${guest.onRestart === 'restart' ? 'restart' : 'destroy'}"`,
    `on_crash = "${guest.onFault === 'restart' ? 'restart' : 'destroy'}"`,
    '',
  ].join('\n');
}

/** The display number a VNC port is (xl.cfg takes displays, not ports). */
export function vncDisplay(port: number): number {
  if (!Number.isInteger(port) || port < VNC_BASE_PORT || port > 65535) throw new RangeError(`VNC port ${port} is not one Xen can serve: xl.cfg takes display numbers, so use a port from ${VNC_BASE_PORT}`);
  return port - VNC_BASE_PORT;
}

/**
 * The handbook's edit once the OS is installed: the file without its cdrom line (and without the comma the line
 * before it then no longer needs).
 */
export function withoutCdrom(text: string): string {
  const lines = text.split('\n');
  const cd = lines.findIndex((line) => /,hdc:cdrom,r'\s*,?\s*$/.test(line));
  if (cd < 0) return text;
  const kept = lines.filter((_, i) => i !== cd);
  const previous = kept[cd - 1];
  if (previous !== undefined && !/,\s*$/.test(lines[cd] ?? '') && /',\s*$/.test(previous)) kept[cd - 1] = previous.replace(/,\s*$/, '');
  // A CD that was the only drive leaves an empty list: xl reads `disk = [ ]` as no disks.
  return kept.join('\n').replace(/disk = \[\n {2}\]/, 'disk = [ ]');
}

/** `mac=…,bridge=…` (xl-network-configuration(5)); the bridge is the NIC's switch, by name. */
function vifSpec(guest: GuestConfig, index: number): string {
  const nic = guest.networks[index];
  const mac = nic ? checkedMac(nic, index) : undefined;
  const bridge = nic?.switch ?? '';
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,14}$/.test(bridge)) throw new RangeError(`network${index}_switch "${bridge}" is not a bridge name such as bridge0: a Xen guest's NIC joins the bridge its switch names`);
  return [...(mac ? [`mac=${mac}`] : []), `bridge=${bridge}`].join(',');
}

/** A disk spec is positional and split on commas (xl-disk-configuration(5)); a quote would end the string early. */
function diskField(path: string, what: string): string {
  if (/[,'"\n]/.test(path)) throw new RangeError(`${what} path ${path} has a comma or a quote, which xl would read as the end of the disk's target: rename it`);
  return path;
}

function quoted(value: string, what: string): string {
  if (/["\n\\]/.test(value)) throw new RangeError(`${what} "${value}" has a double quote, a backslash or a newline, which xl.cfg cannot hold in a string`);
  return `"${value}"`;
}
