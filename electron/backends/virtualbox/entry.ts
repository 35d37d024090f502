import { AVAILABLE, type BackendEntry } from '../entry.js';
import { VirtualBoxBackend } from './virtualbox-backend.js';

/** VirtualBox on a FreeBSD host (handbook 24.5), through VBoxManage. */
export const virtualboxEntry: BackendEntry = {
  id: 'virtualbox',
  label: 'VirtualBox',
  guests: 'hypervisor',
  // VirtualBox keeps a machine's settings; they are changed there (VBoxManage modifyvm, or its own window).
  settingsSections: [],
  startAtBoot: { via: 'none', how: 'VirtualBox machines start at boot from VirtualBox’s vboxheadless service, which Hivedesk does not configure yet: start this machine by hand after a reboot.' },
  hints: {
    boot: 'VirtualBox keeps the machine’s firmware and boot order: change them in VirtualBox.',
    network: 'VirtualBox keeps the machine’s network cards: change them in VirtualBox.',
    console: 'VirtualBox serves com1 on a socket in the guest’s directory, opened in a tab.',
    display: 'VirtualBox’s remote display (VRDE) on 127.0.0.1, where it is on; otherwise open the machine in VirtualBox.',
    noUefiVars: 'VirtualBox keeps the machine’s firmware settings itself.',
  },
  available: async (host) => ((await host.hasProgram('VBoxManage')) ? AVAILABLE : { available: false, reason: 'VBoxManage is not installed (emulators/virtualbox-ose).' }),
  create: ({ runner, store }) => new VirtualBoxBackend(runner, store),
  // VirtualBox's own disk format.
  newGuestKeys: () => ({ disk0_name: 'disk0.vdi' }),
  hostChecks: () => ['vbox-package', 'vbox-vboxdrv', 'vbox-group', 'vbox-loader-conf'],
};
