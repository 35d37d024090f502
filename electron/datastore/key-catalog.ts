// Every guest key vm-bhyve 1.7 documents (vm.8, sample-templates/config.sample and what lib/vm-run reads), and for
// each backend whether Hivedesk applies it. No key is ever dropped: the .conf writer keeps every line, and a key a
// backend does not apply is named in that backend's start plan, so nobody believes it took effect.

import type { BackendId } from '../../shared/api/vms.js';
import { isYes } from './conf.js';

/** true: applied; a string: why it is not (yet). */
type Support = true | string;

/** The backends whose guests are the datastore's .conf files (VirtualBox keeps its own). */
export type DatastoreBackend = Exclude<BackendId, 'virtualbox'>;

type KeyGroup = { keys: RegExp; active?: (value: string) => boolean } & Record<DatastoreBackend, Support>;

const BHYVE_ONLY = 'it is a bhyve setting';
const VNC_SOCKET = "QEMU serves the screen on a unix socket in the guest's directory, which only this host's user reaches";
const USER_NET = 'QEMU guests use user-mode networking (NAT), not taps';
const XEN_VIF = 'xl makes each vif itself (vifN.M) and adds it to the bridge';
const XEN_BIOS = 'Xen HVM guests boot their disk with the BIOS xl gives them, without a bhyve loader';
const XEN_VGA = "Xen's emulated VGA picks its own modes and never waits for a viewer";
const XEN_SCREEN = 'an HVM domain always has its VGA screen and a USB tablet, as the handbook sets them (vnc = 1, usbdevice = "tablet")';
const AS_ROOT = 'vm-bhyve runs it as root at every boot; Hivedesk runs no scripts or resource limits for a guest yet';
const CREATE_TIME = 'vm-bhyve uses it when it creates disks; Hivedesk does not pass ZFS options yet';
const flag = (value: string) => isYes(value);

export const KEY_CATALOG: readonly KeyGroup[] = [
  { keys: /^(cpu|memory|comports|uuid|network\d+_mac|disk\d+_name)$/, bhyve: true, qemu: true, xen: true },
  { keys: /^network\d+_type$/, bhyve: true, qemu: true, xen: 'Xen gives each vif the NIC its device model emulates, and a PV one' },
  { keys: /^disk\d+_type$/, bhyve: true, qemu: true, xen: 'Xen HVM disks are IDE devices (hda, hdb, hdd), PV ones to a guest with Xen drivers' },
  { keys: /^cpu_(sockets|cores|threads)$/, bhyve: true, qemu: true, xen: 'xl.cfg sets the number of vCPUs, not their topology' },
  { keys: /^utctime$/, bhyve: true, qemu: true, xen: true, active: (v) => !isYes(v) },
  { keys: /^loader$/, bhyve: true, qemu: 'QEMU boots its own BIOS (SeaBIOS) whatever the loader', xen: XEN_BIOS },
  { keys: /^(wired_memory|ignore_msr)$/, bhyve: true, qemu: BHYVE_ONLY, xen: BHYVE_ONLY, active: flag },
  { keys: /^hostbridge$/, bhyve: true, qemu: BHYVE_ONLY, xen: BHYVE_ONLY, active: (v) => v !== 'standard' },
  { keys: /^(fwcfg|bhyve_options|start_slot|install_slot|ahci_device_limit)$/, bhyve: true, qemu: BHYVE_ONLY, xen: BHYVE_ONLY },
  { keys: /^nulliso_fix$/, bhyve: true, qemu: BHYVE_ONLY, xen: BHYVE_ONLY, active: flag },
  {
    keys: /^debug$/,
    bhyve: "Hivedesk always keeps bhyve's output, in vm-bhyve.log (vm-bhyve writes bhyve.log only with debug)",
    qemu: "QEMU's own log is qemu.log",
    xen: "xl keeps its logs in /var/log/xen (xl-<name>.log, qemu-dm-<name>.log)",
    active: flag,
  },
  { keys: /^ignore_bad_msr$/, bhyve: 'vm-bhyve itself never reads it (ignore_msr is the key it reads)', qemu: 'vm-bhyve itself never reads it', xen: 'vm-bhyve itself never reads it' },
  { keys: /^disk\d+_dev$/, bhyve: true, qemu: 'QEMU disks are files in the guest directory', xen: true, active: (v) => v !== 'file' },
  { keys: /^disk\d+_opts$/, bhyve: true, qemu: BHYVE_ONLY, xen: BHYVE_ONLY },
  { keys: /^network\d+_switch$/, bhyve: true, qemu: true, xen: true },
  { keys: /^network\d+_(device|name)$/, bhyve: true, qemu: USER_NET, xen: XEN_VIF },
  { keys: /^network\d+_span$/, bhyve: true, qemu: USER_NET, xen: XEN_VIF, active: flag },
  { keys: /^passthru\d+(_options)?$/, bhyve: true, qemu: 'PCI passthrough is not supported on QEMU in Hivedesk yet', xen: 'PCI passthrough is not set up for Xen guests in Hivedesk yet' },
  { keys: /^virt_random$/, bhyve: true, qemu: true, xen: 'Xen HVM guests get no virtio-rnd device', active: flag },
  { keys: /^(graphics|xhci_mouse)$/, bhyve: true, qemu: true, xen: XEN_SCREEN, active: flag },
  { keys: /^graphics_res$/, bhyve: true, qemu: true, xen: XEN_VGA },
  // A socket only this host's user reaches is what a loopback address asks for.
  { keys: /^graphics_listen$/, bhyve: true, qemu: VNC_SOCKET, xen: true, active: (v) => !['127.0.0.1', 'localhost', '::1'].includes(v) },
  { keys: /^(graphics_port|vnc_password)$/, bhyve: true, qemu: VNC_SOCKET, xen: true },
  { keys: /^graphics_wait$/, bhyve: true, qemu: 'QEMU boots the guest without waiting for a viewer', xen: XEN_VGA },
  { keys: /^graphics_vga$/, bhyve: true, qemu: BHYVE_ONLY, xen: XEN_VGA },
  { keys: /^sound$/, bhyve: true, qemu: 'QEMU guests get no sound device in Hivedesk yet', xen: 'Xen guests get no sound device in Hivedesk yet', active: flag },
  { keys: /^sound_(play|rec)$/, bhyve: true, qemu: 'QEMU guests get no sound device in Hivedesk yet', xen: 'Xen guests get no sound device in Hivedesk yet' },
  { keys: /^virt_console\d+$/, bhyve: true, qemu: 'QEMU guests get no virtio-console ports in Hivedesk yet', xen: 'Xen guests get no virtio-console ports' },
  { keys: /^uefi_vars$/, bhyve: true, qemu: 'QEMU boots SeaBIOS, which keeps no UEFI variables', xen: 'Xen HVM guests here boot the BIOS, which keeps no UEFI variables', active: flag },
  { keys: /^(loader_timeout|bhyveload_args|bhyveload_loader|grub_(install|run)\d+|grub_run_(partition|dir|file))$/, bhyve: true, qemu: 'QEMU boots the disk itself, without a bhyve loader', xen: XEN_BIOS },
  { keys: /^(on_restart|on_fault)$/, bhyve: true, qemu: 'QEMU handles guest resets itself', xen: true },
  { keys: /^(prestart|priority|limit_(pcpu|rbps|wbps|riops|wiops))$/, bhyve: AS_ROOT, qemu: AS_ROOT, xen: AS_ROOT },
  { keys: /^(zfs_dataset_opts|zfs_zvol_opts)$/, bhyve: CREATE_TIME, qemu: CREATE_TIME, xen: CREATE_TIME },
];

const LABEL: Record<DatastoreBackend, string> = { bhyve: 'bhyve', qemu: 'QEMU', xen: 'Xen' };

/**
 * The keys a guest sets that this backend does not apply, one line per reason: "prestart, priority: <why>". Keys the
 * catalog does not know (Hivedesk's own, a person's notes) are left alone.
 */
export function keysNotApplied(keys: ReadonlyMap<string, string>, backend: DatastoreBackend): string[] {
  const byReason = new Map<string, string[]>();
  for (const [key, value] of keys) {
    const group = KEY_CATALOG.find((g) => g.keys.test(key));
    const support = group?.[backend];
    if (group === undefined || support === undefined || support === true || !(group.active ?? Boolean)(value)) continue;
    byReason.set(support, [...(byReason.get(support) ?? []), key]);
  }
  return [...byReason].map(([why, names]) => `Not applied on ${LABEL[backend]}, kept in the .conf: ${names.join(', ')} (${why}).`);
}
