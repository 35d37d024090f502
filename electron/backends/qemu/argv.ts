import { parseSizeMiB } from '../../../shared/validation.js';
import { checkedMac, type GuestConfig } from '../../datastore/guest-config.js';

export type Accelerator = 'kvm' | 'tcg';

export interface QemuPaths {
  /** The guest's directory; disk names in the .conf are relative to it. */
  dir: string;
  qmpSocket: string;
  pidFile: string;
  logFile: string;
}

/** Device models for vm-bhyve's disk types, so one .conf means the same hardware on both backends. */
const DISK_INTERFACE: Record<string, (file: string, i: number) => string[]> = {
  'virtio-blk': (file) => ['-drive', `file=${file},format=raw,if=virtio`],
  'ahci-hd': (file, i) => ['-drive', `file=${file},format=raw,if=none,id=disk${i}`, '-device', `ide-hd,drive=disk${i}`],
  nvme: (file, i) => ['-drive', `file=${file},format=raw,if=none,id=disk${i}`, '-device', `nvme,drive=disk${i},serial=disk${i}`],
};

const NIC_MODEL: Record<string, string> = { 'virtio-net': 'virtio-net-pci', e1000: 'e1000' };

/** The `qemu-system-x86_64` argv for a guest: pure, so the plan shown is the command run. */
export function buildQemuArgv(guest: GuestConfig, paths: QemuPaths, accel: Accelerator): string[] {
  const memMiB = parseSizeMiB(guest.memory) ?? 256;
  return [
    'qemu-system-x86_64',
    '-name', guest.name,
    '-machine', `q35,accel=${accel}`,
    ...(accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-smp', smp(guest),
    '-m', `${memMiB}M`,
    ...(guest.uuid ? ['-uuid', guest.uuid] : []),
    // The guest's clock: UTC unless utctime="no" (bhyve's -u), QEMU's default is UTC too.
    ...(guest.utcTime ? [] : ['-rtc', 'base=localtime']),
    ...guest.disks.flatMap((disk, i) => diskArgs(disk.type, `${paths.dir}/${disk.name}`, i)),
    ...mediaArgs(guest.installMedia),
    ...guest.networks.flatMap((nic, i) => [
      '-netdev', `user,id=net${i}`,
      '-device', `${NIC_MODEL[nic.type] ?? 'virtio-net-pci'},netdev=net${i}${checkedMac(nic, i) ? `,mac=${nic.mac}` : ''}`,
    ]),
    ...(guest.virtRandom ? ['-device', 'virtio-rng-pci'] : []),
    ...guest.comports.flatMap((port) => ['-chardev', `pty,id=${port}`, '-serial', `chardev:${port}`]),
    '-display', 'none',
    '-qmp', `unix:${optionValue(paths.qmpSocket)},server=on,wait=off`,
    '-pidfile', paths.pidFile,
    '-D', paths.logFile,
    '-daemonize',
  ];
}

/** cpu and vm-bhyve's cpu_sockets/cpu_cores/cpu_threads, as `-smp` takes them. */
function smp(guest: GuestConfig): string {
  const t = guest.topology;
  return t ? `${guest.cpus},sockets=${t.sockets},cores=${t.cores},threads=${t.threads}` : String(guest.cpus);
}

function diskArgs(type: string, file: string, i: number): string[] {
  const build = DISK_INTERFACE[type] ?? DISK_INTERFACE['virtio-blk'];
  return build ? build(optionValue(file), i) : [];
}

/** QEMU splits option strings on ","; a literal comma in a path is written ",,". */
export function optionValue(text: string): string {
  return text.replaceAll(',', ',,');
}

/** Disk first, CD second: an empty disk falls through to the installer, an installed one boots. */
function mediaArgs(iso: string | undefined): string[] {
  if (!iso) return [];
  return ['-drive', `file=${optionValue(iso)},media=cdrom,readonly=on`, '-boot', 'order=cd'];
}
