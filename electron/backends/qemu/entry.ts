import { ALL_SECTIONS, AVAILABLE, type BackendEntry } from '../entry.js';
import { QemuBackend } from './qemu-backend.js';

/** QEMU/KVM on Linux. */
export const qemuEntry: BackendEntry = {
  id: 'qemu',
  label: 'QEMU',
  guests: 'datastore',
  settingsSections: ALL_SECTIONS,
  startAtBoot: { via: 'systemd-user', how: 'QEMU guests start at boot from a systemd user unit that runs `hivedesk startall`.' },
  hints: {
    boot: 'QEMU boots its own BIOS (SeaBIOS) here: the loader matters when the guest runs under bhyve.',
    network: 'Under QEMU every interface is user-mode NAT; the switch applies under bhyve.',
    unknownSwitch: 'Under QEMU any name is user-mode NAT; under bhyve a name not in switch_list gets a bridge of Hivedesk’s own, with no host NIC.',
    console: 'Serial ports, each a console tab: QEMU gives each port a pty.',
    display: 'The guest’s screen, shown by Display; QEMU serves it on a socket in the guest’s directory, so listen address and port apply under bhyve.',
    process: 'QEMU process',
    noUefiVars: 'QEMU guests here boot SeaBIOS, which keeps no UEFI variables.',
  },
  available: async (host) => ((await host.hasProgram('qemu-system-x86_64')) ? AVAILABLE : { available: false, reason: 'qemu-system-x86_64 is not on the PATH.' }),
  create: ({ runner, store }) => new QemuBackend(runner, store),
  // QEMU boots SeaBIOS: a new guest gets no loader key, which only bhyve reads.
  newGuestKeys: () => ({}),
  hostChecks: () => ['linux-qemu', 'linux-kvm', 'linux-cu'],
};
