import { parseSizeMiB } from '../../../shared/validation.js';
import { serialLogPath } from '../../datastore/serial-logs.js';
import { checkedMac, cpuSpec, type DiskConfig, type GuestConfig } from '../../datastore/guest-config.js';

export type Accelerator = 'kvm' | 'tcg';

export interface QemuPaths {
  /** The guest's directory; disk names in the .conf are relative to it. */
  dir: string;
  qmpSocket: string;
  /** Where QEMU serves the guest's screen (VNC), when it has one. */
  vncSocket: string;
  pidFile: string;
  logFile: string;
}

/** Device models for vm-bhyve's disk types, so one .conf means the same hardware on both backends. */
const DISK_INTERFACE: Record<string, (drive: string, i: number) => string[]> = {
  'virtio-blk': (drive) => ['-drive', `${drive},if=virtio`],
  'ahci-hd': (drive, i) => ['-drive', `${drive},if=none,id=disk${i}`, '-device', `ide-hd,drive=disk${i}`],
  'ahci-cd': (drive, i) => ['-drive', `${drive},if=none,id=disk${i},media=cdrom`, '-device', `ide-cd,drive=disk${i}`],
  nvme: (drive, i) => ['-drive', `${drive},if=none,id=disk${i}`, '-device', `nvme,drive=disk${i},serial=disk${i}`],
};

/** bhyve's block options (diskN_opts) as QEMU drive options: ro, nocache (O_DIRECT), direct (O_SYNC), nodelete (no TRIM). */
const DISK_OPTION: Record<string, string> = { ro: 'readonly=on', nocache: 'cache.direct=on', direct: 'cache.writeback=off', nodelete: 'discard=ignore' };

const NIC_MODEL: Record<string, string> = { 'virtio-net': 'virtio-net-pci', e1000: 'e1000' };

/** The `qemu-system-x86_64` argv for a guest: pure, so the plan shown is the command run. */
export function buildQemuArgv(guest: GuestConfig, paths: QemuPaths, accel: Accelerator): string[] {
  const memMiB = parseSizeMiB(guest.memory) ?? 256;
  return [
    'qemu-system-x86_64',
    '-name', guest.name,
    '-machine', `q35,accel=${accel}`,
    ...(accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-smp', cpuSpec(guest),
    '-m', `${memMiB}M`,
    ...(guest.uuid ? ['-uuid', guest.uuid] : []),
    // The guest's clock: UTC unless utctime="no" (bhyve's -u), QEMU's default is UTC too.
    ...(guest.utcTime ? [] : ['-rtc', 'base=localtime']),
    ...guest.disks.flatMap((disk, i) => diskArgs(disk, diskFile(disk, i, paths.dir), i)),
    ...mediaArgs(guest.installMedia),
    ...guest.networks.flatMap((nic, i) => [
      '-netdev', `user,id=net${i}`,
      '-device', `${NIC_MODEL[nic.type] ?? 'virtio-net-pci'},netdev=net${i}${checkedMac(nic, i) ? `,mac=${nic.mac}` : ''}`,
    ]),
    ...(guest.virtRandom ? ['-device', 'virtio-rng-pci'] : []),
    // QEMU logs each port from power-on, whether anyone has it open or not (see SerialLog).
    ...guest.comports.flatMap((port) => ['-chardev', `pty,id=${port},logfile=${optionValue(serialLogPath(paths.dir, port))},logappend=on`, '-serial', `chardev:${port}`]),
    ...screenArgs(guest, paths.vncSocket),
    // No window of QEMU's own: the screen is shown in Hivedesk's display tab, through the VNC socket.
    '-display', 'none',
    '-qmp', `unix:${optionValue(paths.qmpSocket)},server=on,wait=off`,
    '-pidfile', paths.pidFile,
    '-D', paths.logFile,
    '-daemonize',
  ];
}

function diskArgs(disk: DiskConfig, file: string, i: number): string[] {
  const build = DISK_INTERFACE[disk.type];
  if (!build) throw new RangeError(`disk${i}_type "${disk.type}" is not one of ${Object.keys(DISK_INTERFACE).join(', ')}`);
  return build([`file=${optionValue(file)}`, 'format=raw', ...driveOptions(disk, i)].join(','), i);
}

function driveOptions(disk: DiskConfig, i: number): string[] {
  return (disk.opts ?? '').split(',').filter(Boolean).map((opt) => {
    const option = DISK_OPTION[opt];
    if (!option) throw new RangeError(`disk${i}_opts "${opt}" has no QEMU equivalent here: use ${Object.keys(DISK_OPTION).join(', ')}`);
    return option;
  });
}

/** Where a disk is: a file in the guest's directory, or (custom) the path itself. */
export function diskFile(disk: DiskConfig, i: number, dir: string): string {
  if (disk.dev === 'custom') return disk.name;
  if (disk.dev === 'file') return `${dir}/${disk.name}`;
  throw new RangeError(`disk${i} is a ${disk.dev} disk, which the QEMU backend cannot attach: use a file or a custom path`);
}

/** QEMU splits option strings on ","; a literal comma in a path is written ",,". */
export function optionValue(text: string): string {
  return text.replaceAll(',', ',,');
}

/**
 * graphics: VNC on a unix socket in the guest's directory, never a TCP port, so only the host's
 * user reaches it. xhci_mouse (or any screen): a USB tablet, so the guest's pointer follows the
 * viewer's instead of drifting like a relative PS/2 mouse.
 */
function screenArgs(guest: GuestConfig, vncSocket: string): string[] {
  const screen = guest.graphics;
  return [
    ...(screen ? ['-vnc', `unix:${optionValue(vncSocket)}`] : []),
    // graphics_res: the mode the standard VGA's EDID offers first. `-vga std` (the default card, at the same
    // address) is named, since a -global for VGA alone would stop QEMU adding its default card.
    ...(screen ? ['-vga', 'std', '-global', `VGA.xres=${screen.width}`, '-global', `VGA.yres=${screen.height}`] : []),
    ...(screen || guest.xhciMouse ? ['-device', 'qemu-xhci', '-device', 'usb-tablet'] : []),
  ];
}

/** Disk first, CD second: an empty disk falls through to the installer, an installed one boots. */
function mediaArgs(iso: string | undefined): string[] {
  if (!iso) return [];
  return ['-drive', `file=${optionValue(iso)},media=cdrom,readonly=on`, '-boot', 'order=cd'];
}
