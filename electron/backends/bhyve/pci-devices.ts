// The `-s` devices of a bhyve command line, in vm-bhyve's order and at its PCI addresses (lib/vm-run,
// vm::bhyve_device_*), so a guest moved between vm-bhyve and Hivedesk sees the same hardware. Pure.

import { checkedMac, type GraphicsConfig, type GuestConfig } from '../../datastore/guest-config.js';
import { type BhyveHostPaths, type BhyveRunContext, installMedia, loadsFromMedia, optionPath, pciSlot } from './guest-paths.js';
import { diskPath } from '../disks.js';
import { PciCursor } from './slots.js';

export interface PciPlan {
  args: string[];
  /** The last bus used: devices on bus 1 and up need `-Y`. */
  bus: number;
  /** Passthru devices need wired memory: vm::bhyve_device_passthru adds `-S`. */
  passthru: boolean;
}

/** vm-run's device order: hostbridge 0, lpc 31, disks, NICs, virtio-rnd, passthru, fbuf, xhci, hda, virtio-console. */
export function pciDevices(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths, uefi: boolean): PciPlan {
  const specs = basicDevices(guest);
  const cursor = new PciCursor(pciSlot(guest.startSlot, 'start_slot'));
  specs.push(...diskDevices(guest, ctx, paths, uefi, cursor), ...nicDevices(guest, ctx, cursor));
  if (guest.virtRandom) specs.push(single(cursor, 'virtio-rnd'));
  const passthru = passthruDevices(guest, cursor);
  specs.push(...passthru);
  // vm::bhyve_device_fbuf returns early without firmware; the plan's pre-flight refuses that combination.
  if (uefi && guest.graphics) specs.push(single(cursor, `fbuf,${fbufSpec(guest.graphics, ctx)}`));
  if (guest.xhciMouse) specs.push(single(cursor, 'xhci,tablet')); // vm::bhyve_device_mouse has no UEFI check
  if (guest.sound) specs.push(single(cursor, `hda,play=${optionPath(guest.sound.play, 'sound_play')}${guest.sound.rec ? `,rec=${optionPath(guest.sound.rec, 'sound_rec')}` : ''}`));
  if (guest.virtConsoles.length > 0) specs.push(single(cursor, `virtio-console,${virtConsolePorts(guest, ctx)}`));
  return { args: specs.flatMap((spec) => ['-s', spec]), bus: cursor.bus, passthru: passthru.length > 0 };
}

/** vm::bhyve_device_basic: `-s 0,hostbridge` (or amd_hostbridge, or none) and `-s 31,lpc[,fwcfg=…]`, where Windows wants them. */
function basicDevices(guest: GuestConfig): string[] {
  const lpc = `31,lpc${guest.fwcfg ? `,fwcfg=${optionValue(guest.fwcfg, 'fwcfg')}` : ''}`;
  if (guest.hostbridge.startsWith('no')) return [lpc];
  return [guest.hostbridge === 'amd' ? '0,amd_hostbridge' : '0,hostbridge', lpc];
}

/**
 * vm::bhyve_device_disks: from start_slot, as functions of one slot (4:0, 4:1, … then 5:0) for loader-booted guests,
 * one slot each under UEFI (4:0, 5:0, …). `-s b:s:f,<diskN_type>,<path>[,<diskN_opts>]`. With ahci_device_limit above 1,
 * ahci disks share controllers of that many ports: `-s b:s:f,ahci,hd:<path>[,opts],cd:<path>…`.
 */
function diskDevices(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths, uefi: boolean, cursor: PciCursor): string[] {
  const specs: string[] = [];
  const added = () => (uefi ? (cursor.slot += 1) : (cursor.func += 1));
  let ahci: string[] = [];
  guest.disks.forEach((disk, i) => {
    cursor.fitFunction();
    const device = `${optionPath(diskPath(guest, i, ctx, paths.devDir), `disk${i}`)}${disk.opts ? `,${disk.opts}` : ''}`;
    if (guest.ahciDeviceLimit > 1 && (disk.type === 'ahci-hd' || disk.type === 'ahci-cd')) {
      ahci.push(`${disk.type === 'ahci-cd' ? 'cd' : 'hd'}:${device}`);
      if (ahci.length >= guest.ahciDeviceLimit) {
        specs.push(`${cursor.address()},ahci,${ahci.join(',')}`);
        ahci = [];
        added();
      }
    } else {
      specs.push(`${cursor.address()},${disk.type},${device}`);
      added();
    }
    cursor.wrap();
  });
  if (ahci.length > 0) {
    // vm-run writes a last, partly filled controller as `-s <slot>:<func>,ahci…`, without the bus (and, for loader-booted
    // guests, without moving to the next function): kept, so the address is the same as under vm-bhyve.
    specs.push(`${cursor.slot}:${cursor.func},ahci,${ahci.join(',')}`);
    if (uefi) cursor.slot += 1;
  }
  if (guest.disks.length > 0 && !uefi) cursor.nextSlot(); // "move to next slot if we have devices, unless uefi"
  else cursor.wrap();
  return specs;
}

/** vm::bhyve_device_networking + switch::standard::provision: NICs share the next slot as functions, `type,tap[,mac=…]`. */
function nicDevices(guest: GuestConfig, ctx: BhyveRunContext, cursor: PciCursor): string[] {
  const specs = guest.networks.map((nic, i) => {
    const tap = ctx.taps[i];
    if (!tap) throw new RangeError(`network${i} of ${guest.name} has no tap interface`);
    cursor.fitFunction();
    const mac = checkedMac(nic, i);
    const spec = `${cursor.address()},${nic.type},${tap}${mac ? `,mac=${mac}` : ''}`;
    cursor.func += 1;
    return spec;
  });
  if (specs.length > 0) cursor.nextSlot();
  return specs;
}

/** virtio-rnd, fbuf, xhci, hda and virtio-console: `-s ${_bus}:${_slot}:0,<device>` on a slot of their own. */
function single(cursor: PciCursor, device: string): string {
  const spec = `${cursor.address(0)},${device}`;
  cursor.nextSlot(false);
  return spec;
}

/**
 * vm::bhyve_device_passthru: functions of one guest slot while the host devices share their first field, a new slot
 * when it changes; `a/b/c=S:F` pins the guest address. passthruN_options are appended. One slot is skipped after the group.
 */
function passthruDevices(guest: GuestConfig, cursor: PciCursor): string[] {
  let func = 0;
  let last: string | undefined;
  const specs = guest.passthru.map(({ device, options }) => {
    const tail = options ? `,${options}` : '';
    const eq = device.indexOf('=');
    if (eq >= 0) return `${cursor.bus}:${device.slice(device.lastIndexOf('=') + 1)},passthru,${device.slice(0, eq)}${tail}`;
    const origin = device.split('/')[0];
    if (last !== undefined && last !== origin) {
      cursor.slot += 1;
      func = 0;
    }
    cursor.wrap();
    last = origin;
    return `${cursor.address(func++)},passthru,${device}${tail}`;
  });
  if (specs.length > 0) cursor.nextSlot(false);
  return specs;
}

/**
 * vm::bhyve_device_fbuf: `tcp=<listen>:<port>,w=,h=[,vga=][,password=][,wait]`. graphics_wait=auto waits only on the
 * first boot of an install (vm::bhyve_device_fbuf_clear_wait drops it after a reboot).
 */
function fbufSpec(graphics: GraphicsConfig, ctx: BhyveRunContext): string {
  const port = graphics.port ?? ctx.graphicsPort;
  if (port === undefined) throw new RangeError('graphics needs a VNC port: set graphics_port or let Hivedesk pick one');
  const wait = graphics.wait === 'yes' || (graphics.wait === 'auto' && loadsFromMedia(ctx));
  return [
    `tcp=${graphics.listen}:${port}`,
    `w=${graphics.width}`,
    `h=${graphics.height}`,
    ...(graphics.vga ? [`vga=${optionValue(graphics.vga, 'graphics_vga')}`] : []),
    ...(graphics.password ? [`password=${optionValue(graphics.password, 'vnc_password')}`] : []),
    ...(wait ? ['wait'] : []),
  ].join(',');
}

/** vm::bhyve_device_console: `<port>=<guest dir>/vtcon.<port>` for each virt_consoleN, up to 16. */
function virtConsolePorts(guest: GuestConfig, ctx: BhyveRunContext): string {
  return guest.virtConsoles
    .map((port, i) => `${optionValue(port, `virt_console${i}`)}=${optionPath(virtConsoleSocket(ctx, port), `virt_console${i}`)}`)
    .join(',');
}

/** The socket bhyve makes for a virtio-console port; vm-run removes them after every bhyve exit. */
export function virtConsoleSocket(ctx: BhyveRunContext, port: string): string {
  return `${ctx.guestDir}/vtcon.${port}`;
}

/** A value inside bhyve's comma-separated device options: a comma would start another option, '=' another key. */
function optionValue(value: string, key: string): string {
  if (/[,=]/.test(value)) throw new RangeError(`${key}="${value}" contains "," or "=", which bhyve would read as another option`);
  return value;
}

/**
 * vm-run's `_iso_dev` at install_slot: an .iso as a read-only CD with bootindex=1, anything else as a read-only disk.
 * With nulliso_fix, a uefi guest not booting install media gets the datastore's empty null.iso there instead.
 */
export function installDevice(guest: GuestConfig, ctx: BhyveRunContext): string[] {
  const slot = pciSlot(guest.installSlot, 'install_slot');
  if (!loadsFromMedia(ctx) && guest.loader === 'uefi' && guest.nullIso) {
    if (!ctx.nullIso) throw new RangeError(`${guest.name} sets nulliso_fix but no null.iso was given`);
    return ['-s', `${slot}:0,ahci-cd,${optionPath(ctx.nullIso, 'null.iso')}`];
  }
  if (!ctx.installing) return [];
  const media = optionPath(installMedia(guest), 'the install media');
  // grep -iqs '.iso$' (an unescaped dot, as in vm-run)
  return ['-s', /.iso$/i.test(media) ? `${slot}:0,ahci-cd,${media},ro,bootindex=1` : `${slot}:0,ahci-hd,${media},ro`];
}
