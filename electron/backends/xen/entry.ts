import { AVAILABLE, type BackendEntry } from '../entry.js';
import { xenSettings } from './settings.js';
import { XenBackend } from './xen-backend.js';

const XEN_CHECKS = ['xen-packages', 'xen-cpu', 'xen-bios-boot', 'xen-loader-conf', 'xen-max-wired', 'xen-login-conf', 'xen-console', 'xen-xencommons', 'xen-bridge'];

/** Xen with FreeBSD as Dom0 (handbook 24.7), through xl. */
export const xenEntry: BackendEntry = {
  id: 'xen',
  label: 'Xen',
  guests: 'datastore',
  // bhyve_options, the host bridge and wired memory (Advanced) are bhyve's.
  settingsSections: ['general', 'cpu', 'boot', 'disks', 'network', 'display', 'console'],
  startAtBoot: { via: 'none', how: 'Xen domains start at boot from the xendomains service, which Hivedesk does not configure yet: start this guest by hand after a reboot.' },
  hints: {
    boot: 'A Xen HVM guest boots its disk with the BIOS xl gives it: the loader matters when the guest runs under bhyve.',
    network: 'A switch is a bridge of this Dom0 by its name, such as bridge0: xl adds each vif to it.',
    unknownSwitch: 'The names offered are this datastore’s switches; under Xen the name must be a bridge of this Dom0, or the start is refused.',
    console: 'A Xen HVM guest has one serial port here, com1 (serial = "pty"), opened in a tab with xl console.',
    display: 'The guest’s screen, shown by Display and any VNC viewer: an HVM domain always has one (vnc = 1), on the listen address and port set here.',
    noUefiVars: 'A Xen HVM guest boots the BIOS xl gives it, which keeps no UEFI variables.',
  },
  available: async (host) => ((await host.hasProgram('xl')) ? AVAILABLE : { available: false, reason: 'xl is not installed (sysutils/xen-tools), so this host is no Xen Dom0.' }),
  create: ({ runner, store, env, zfsDataset }) => new XenBackend(runner, store, xenSettings(env, zfsDataset)),
  // The handbook's DomUs join bridge0, which its Dom0 setup makes (cloned_interfaces="bridge0").
  newGuestKeys: () => ({ network0_switch: 'bridge0' }),
  hostChecks: () => XEN_CHECKS,
};
