import { ALL_SECTIONS, AVAILABLE, type BackendEntry } from '../entry.js';
import { BhyveBackend } from './bhyve-backend.js';
import { describeBhyveExit } from './exit.js';
import { BHYVE_LOADER, checksForLoader } from './profile-defaults.js';
import { bhyveSettings } from './settings.js';

/** bhyve on FreeBSD (handbook 24.6), laid out as vm-bhyve lays it out. */
export const bhyveEntry: BackendEntry = {
  id: 'bhyve',
  label: 'bhyve',
  guests: 'datastore',
  settingsSections: ALL_SECTIONS,
  startAtBoot: { via: 'rc.conf', how: 'bhyve guests start at boot from vm-bhyve’s list in rc.conf (vm_list, vm_delay), as `vm startall` reads it.' },
  hints: {
    network: 'A switch is a bridge of vm-bhyve’s .config/system.conf.',
    unknownSwitch: 'A name not in switch_list gets a bridge of Hivedesk’s own at start, with no host NIC: the guest reaches only this host and the guests on that name.',
    console: 'Serial ports, each a console tab: a null-modem pair (/dev/nmdm) per port, as vm-bhyve makes them.',
    display: 'The guest’s screen, shown by Display and any VNC viewer (UEFI loaders only).',
    framebuffer: 'Needs a UEFI loader (Boot & firmware).',
    process: 'bhyve process',
  },
  available: async (host) => (host.platform === 'freebsd' || (await host.hasProgram('bhyve')) ? AVAILABLE : { available: false, reason: 'bhyve is FreeBSD’s hypervisor: this host has no bhyve(8).' }),
  create: ({ runner, store, env, zfsDataset }) => new BhyveBackend(runner, store, { ...bhyveSettings(env), ...(zfsDataset ? { zfsDataset } : {}) }),
  newGuestKeys: (profile) => ({ loader: BHYVE_LOADER[profile] }),
  hostChecks: (profile) => checksForLoader(BHYVE_LOADER[profile]),
  describeExit: describeBhyveExit,
};
