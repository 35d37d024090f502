import { ALL_SECTIONS, AVAILABLE, type BackendEntry } from '../entry.js';
import { QemuBackend } from './qemu-backend.js';

/** QEMU/KVM on Linux. */
export const qemuEntry: BackendEntry = {
  id: 'qemu',
  label: 'QEMU',
  guests: 'datastore',
  settingsSections: ALL_SECTIONS,
  startAtBoot: { via: 'systemd-user', how: 'QEMU guests start at boot from a systemd user unit that runs `hivedesk startall`.' },
  available: async (host) => ((await host.hasProgram('qemu-system-x86_64')) ? AVAILABLE : { available: false, reason: 'qemu-system-x86_64 is not on the PATH.' }),
  create: ({ runner, store }) => new QemuBackend(runner, store),
  // QEMU boots SeaBIOS whatever the loader; "uefi" says the guest needs no bhyve loader (which the settings form
  // would otherwise ask of a guest with a screen, or without a disk).
  newGuestKeys: () => ({ loader: 'uefi' }),
  hostChecks: () => ['linux-qemu', 'linux-kvm', 'linux-cu'],
};
