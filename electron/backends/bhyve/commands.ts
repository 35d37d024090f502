// The commands that run a bhyve guest, built from the same GuestConfig vm-bhyve reads. Pure: no fs, no processes,
// no environment; every function returns argv arrays (argv[0] is the program), never shell strings.
// The layout and flags follow vm-bhyve's lib/vm-run, lib/vm-guest, lib/vm-switch-standard, lib/vm-zfs and lib/vm-core
// (repository freebsd/vm-bhyve) so a guest looks the same to its OS whichever of the two started it.

import { isUefi } from '../../../shared/api/settings.js';
import { checkedMac, cpuSpec, type GraphicsConfig, type GuestConfig } from '../../datastore/guest-config.js';
import { DEFAULT_INSTALL_SLOT, DEFAULT_START_SLOT, PciCursor } from './slots.js';

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
  /** True: attach installMedia (ahci-cd) and boot it. */
  installing: boolean;
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
  // vm-bhyve keys GuestConfig does not carry yet; they move PCI addresses, so the caller may pass them.
  /** virt_random="yes": a virtio-rnd device after the NICs. */
  virtRandom?: boolean;
  /** passthru0..N values (`bus/slot/function`, or `b/s/f=slot:func` to pin the guest address). */
  passthru?: string[];
  /** start_slot (default 4): the first slot for disks. */
  startSlot?: number;
  /** install_slot (default 3): where the install ISO goes. */
  installSlot?: number;
  /** The caller wrote grub.cfg into guestDir from the grub_installN and grub_runN keys: grub-bhyve boots `-r host -d guestDir`. */
  grubCfg?: boolean;
}

/** vm-guest: `config::get "_timeout" "loader_timeout" "3"` (GuestConfig has no loader_timeout yet). */
const LOADER_TIMEOUT = 3;

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

/** vm::get_disk_path: zvols under /dev/zvol/<dataset>, custom is a full path, anything else a file in the guest dir. */
export function diskPath(guest: GuestConfig, index: number, ctx: BhyveRunContext, paths: BhyveHostPaths = FREEBSD_PATHS): string {
  const disk = guest.disks[index];
  if (!disk) throw new RangeError(`${guest.name} has no disk${index}`);
  switch (disk.dev) {
    case 'zvol':
    case 'sparse-zvol':
      return `${paths.devDir}/zvol/${zvolDataset(ctx)}/${disk.name}`;
    case 'custom':
      return disk.name;
    case 'iscsi':
      throw new RangeError(`disk${index} of ${guest.name} is an iSCSI disk, which Hivedesk cannot attach yet`);
    default:
      return `${ctx.guestDir}/${disk.name}`;
  }
}

/** bhyve splits device options on commas and has no escape, so a comma in a path would inject options. */
function optionPath(path: string, what: string): string {
  if (path.includes(',')) throw new RangeError(`${what} path ${path} contains a comma, which bhyve would read as another option: rename it`);
  return path;
}

function zvolDataset(ctx: BhyveRunContext): string {
  if (!ctx.zvolDataset) throw new RangeError('a zvol disk needs the ZFS dataset that holds the guest');
  return ctx.zvolDataset;
}

/** The bhyve command line. vm-run runs `bhyve ${_devices} $@ ${_iso_dev} ${_comstring} ${_name}` (devices before options since vm-bhyve PR #56); the name is last. */
export function bhyveArgv(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths): string[] {
  const uefi = checkBootable(guest);
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

/** The framebuffer only works with firmware (vm-bhyve silently drops it); say so instead, and before any loader runs. */
function checkBootable(guest: GuestConfig): boolean {
  const uefi = isUefiLoader(guest.loader);
  if (guest.graphics && !uefi) {
    throw new RangeError(`graphics (VNC) needs a UEFI loader: ${guest.name} uses loader "${guest.loader}"; switch it to "uefi" or turn graphics off`);
  }
  return uefi;
}

/** vm-run's `_opts`: `-c ${_cpu} -m ${_memory} -AHPw [-l bootrom,…] [bhyve_options] [-S] [-U uuid] [-u]`, in that order. */
function bhyveOptions(guest: GuestConfig, ctx: BhyveRunContext, uefi: boolean): string[] {
  return [
    '-c', cpuSpec(guest), // vm::__cpu: cpu[,sockets=n][,cores=n][,threads=n]
    '-m', guest.memory,
    ctx.acpiFlag ? '-AHPw' : '-HPw', // -H yield on HLT, -P exit on PAUSE, -w ignore unknown MSRs (vm-run: _opts="-AHPw")
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

interface PciPlan { args: string[]; bus: number; passthru: boolean }

/** vm-run's device order: hostbridge 0, lpc 31, disks, NICs, virtio-rnd, passthru, fbuf, xhci. */
function pciDevices(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths, uefi: boolean): PciPlan {
  const specs = basicDevices(guest);
  const cursor = new PciCursor(ctx.startSlot ?? DEFAULT_START_SLOT);
  specs.push(...diskDevices(guest, ctx, paths, uefi, cursor), ...nicDevices(guest, ctx, cursor));
  if (ctx.virtRandom) specs.push(...single(cursor, 'virtio-rnd'));
  const passthru = passthruDevices(ctx.passthru ?? [], cursor);
  specs.push(...passthru);
  if (uefi && guest.graphics) specs.push(...single(cursor, `fbuf,${fbufSpec(guest.graphics, ctx)}`));
  if (guest.xhciMouse) specs.push(...single(cursor, 'xhci,tablet')); // vm::bhyve_device_mouse has no UEFI check
  return { args: specs.flatMap((spec) => ['-s', spec]), bus: cursor.bus, passthru: passthru.length > 0 };
}

/** vm::bhyve_device_basic: `-s 0,hostbridge` (or amd_hostbridge, or none) and `-s 31,lpc`, where Windows wants them. */
function basicDevices(guest: GuestConfig): string[] {
  const lpc = '31,lpc';
  if (guest.hostbridge.startsWith('no')) return [lpc];
  return [guest.hostbridge === 'amd' ? '0,amd_hostbridge' : '0,hostbridge', lpc];
}

/**
 * vm::bhyve_device_disks: from start_slot, as functions of one slot (4:0, 4:1, … then 5:0) for loader-booted guests,
 * one slot each under UEFI (4:0, 5:0, …). `-s b:s:f,<diskN_type>,<path>[,<diskN_opts>]`.
 */
function diskDevices(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths, uefi: boolean, cursor: PciCursor): string[] {
  const specs = guest.disks.map((disk, i) => {
    cursor.fitFunction();
    const spec = `${cursor.address()},${disk.type},${optionPath(diskPath(guest, i, ctx, paths), `disk${i}`)}${disk.opts ? `,${disk.opts}` : ''}`;
    if (uefi) cursor.nextSlot(false);
    else cursor.func += 1;
    return spec;
  });
  if (specs.length > 0 && !uefi) cursor.nextSlot(); // "move to next slot if we have devices, unless uefi"
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

/** virtio-rnd, fbuf and xhci: `-s ${_bus}:${_slot}:0,<device>` on a slot of their own. */
function single(cursor: PciCursor, device: string): string[] {
  const spec = `${cursor.address(0)},${device}`;
  cursor.nextSlot(false);
  return [spec];
}

/**
 * vm::bhyve_device_passthru: functions of one guest slot while the host devices share their first field, a new slot
 * when it changes; `a/b/c=S:F` pins the guest address. One slot is skipped after the group.
 */
function passthruDevices(devices: string[], cursor: PciCursor): string[] {
  let func = 0;
  let last: string | undefined;
  const specs = devices.map((dev) => {
    const eq = dev.indexOf('=');
    if (eq >= 0) return `${cursor.bus}:${dev.slice(dev.lastIndexOf('=') + 1)},passthru,${dev.slice(0, eq)}`;
    const origin = dev.split('/')[0];
    if (last !== undefined && last !== origin) {
      cursor.slot += 1;
      func = 0;
    }
    cursor.wrap();
    last = origin;
    return `${cursor.address(func++)},passthru,${dev}`;
  });
  if (specs.length > 0) cursor.nextSlot(false);
  return specs;
}

/** vm::bhyve_device_fbuf: `tcp=<listen>:<port>,w=,h=[,wait]`; graphics_wait=auto waits only while installing. */
function fbufSpec(graphics: GraphicsConfig, ctx: BhyveRunContext): string {
  const port = graphics.port ?? ctx.graphicsPort;
  if (port === undefined) throw new RangeError('graphics needs a VNC port: set graphics_port or let Hivedesk pick one');
  const wait = graphics.wait === 'yes' || (graphics.wait === 'auto' && ctx.installing);
  return `tcp=${graphics.listen}:${port},w=${graphics.width},h=${graphics.height}${wait ? ',wait' : ''}`;
}

/** vm-run's `_iso_dev` at install_slot: an .iso as a read-only CD with bootindex=1, anything else as a read-only disk. */
function installDevice(guest: GuestConfig, ctx: BhyveRunContext): string[] {
  if (!ctx.installing) return [];
  const media = optionPath(installMedia(guest), 'the install media');
  const slot = ctx.installSlot ?? DEFAULT_INSTALL_SLOT;
  // grep -iqs '.iso$' (an unescaped dot, as in vm-run)
  return ['-s', /.iso$/i.test(media) ? `${slot}:0,ahci-cd,${media},ro,bootindex=1` : `${slot}:0,ahci-hd,${media},ro`];
}

function installMedia(guest: GuestConfig): string {
  if (!guest.installMedia) throw new RangeError(`${guest.name} has no install media to boot`);
  return guest.installMedia;
}

/** The loader's console: vm-bhyve gives bhyveload and grub-bhyve the first port's A side (`-c ${_com}`). */
function loaderConsole(guest: GuestConfig, paths: BhyveHostPaths): string[] {
  const first = guest.comports[0];
  return first ? ['-c', nmdmDevice(paths, guest.name, first, 'A')] : [];
}

/** vm-guest: wired memory (wired_memory or any passthru) must be wired from the loader on too. */
function loaderWired(guest: GuestConfig, ctx: BhyveRunContext): string[] {
  return guest.wiredMemory || (ctx.passthru?.length ?? 0) > 0 ? ['-S'] : [];
}

/** vm-guest: "non-uefi loaders require a boot disk device"; disk0 is it. */
function bootDisk(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths = FREEBSD_PATHS): string {
  if (guest.disks.length === 0) throw new RangeError(`${guest.name} needs a boot disk for loader "${guest.loader}"`);
  return diskPath(guest, 0, ctx, paths);
}

function checkLoader(guest: GuestConfig, loader: string): void {
  checkBootable(guest);
  if (guest.loader !== loader) throw new RangeError(`${guest.name} uses loader "${guest.loader}", not ${loader}`);
}

/**
 * vm-guest (bhyveload): `bhyveload -c <com1 A> [-S] -m <mem> -e smbios.system.uuid=… -e autoboot_delay=3
 * -e bhyve_vm_name=<name> -d <iso or disk0> <name>`. -m is guest.memory, the same string bhyve gets.
 */
export function bhyveloadArgv(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths): string[] {
  checkLoader(guest, 'bhyveload');
  const disk = bootDisk(guest, ctx, paths); // required even to install, as in vm-guest
  return [
    'bhyveload',
    ...loaderConsole(guest, paths),
    ...loaderWired(guest, ctx),
    '-m', guest.memory,
    ...(guest.uuid ? ['-e', `smbios.system.uuid=${guest.uuid}`] : []),
    '-e', `autoboot_delay=${LOADER_TIMEOUT}`,
    '-e', `bhyve_vm_name=${guest.name}`,
    '-d', ctx.installing ? installMedia(guest) : disk,
    guest.name,
  ];
}

/** vm-guest's device.map: `(cd0) <iso>` first while installing, then `(hd0) <disk0>`, `(hd1) <disk1>`, … */
export function deviceMap(guest: GuestConfig, ctx: BhyveRunContext): string {
  bootDisk(guest, ctx);
  const cd = ctx.installing ? [`(cd0) ${installMedia(guest)}`] : [];
  const hd = guest.disks.map((_, i) => `(hd${i}) ${diskPath(guest, i, ctx)}`);
  return [...cd, ...hd].map((line) => `${line}\n`).join('');
}

/**
 * vm-guest (grub): `grub-bhyve -c <com1 A> [-S] -m <device.map> -M <mem> -r <root> [-d dir] [-g file] <name>`.
 * Root: cd0 while installing; otherwise hd0,<grub_run_partition> (vm-bhyve's default 1 = the first partition of
 * any partition map, where the handbook writes msdos1); `-r host -d <guestDir>` when Hivedesk wrote a grub.cfg.
 */
export function grubBhyveArgv(guest: GuestConfig, ctx: BhyveRunContext, paths: BhyveHostPaths, deviceMapPath: string): string[] {
  checkLoader(guest, 'grub');
  return [
    'grub-bhyve',
    ...loaderConsole(guest, paths),
    ...loaderWired(guest, ctx),
    '-m', deviceMapPath,
    '-M', guest.memory,
    ...grubRoot(guest, ctx),
    guest.name,
  ];
}

function grubRoot(guest: GuestConfig, ctx: BhyveRunContext): string[] {
  if (ctx.installing) installMedia(guest); // cd0 has to exist in device.map
  if (ctx.grubCfg) return ['-r', 'host', '-d', ctx.guestDir];
  if (ctx.installing) return ['-r', 'cd0'];
  const { runPartition, runDir, runFile } = guest.grub;
  return ['-r', `hd0,${runPartition ?? '1'}`, ...(runDir ? ['-d', runDir] : []), ...(runFile ? ['-g', runFile] : [])];
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

/** `ifconfig tap0 create` (handbook 24.6.1). */
export function tapCreateArgv(tap: string): string[] {
  return ['ifconfig', tap, 'create'];
}

/** `ifconfig bridge0 create`. */
export function bridgeCreateArgv(bridge: string): string[] {
  return ['ifconfig', bridge, 'create'];
}

/** The handbook's `ifconfig bridge0 addm igb0 addm tap0` and `ifconfig bridge0 up` as one command. */
export function bridgeAddMembersArgv(bridge: string, members: string[]): string[] {
  return ['ifconfig', bridge, ...members.flatMap((member) => ['addm', member]), 'up'];
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
