import type { Plan } from '../backend.js';
import type { MacOwners } from '../../datastore/first-start.js';
import type { GuestConfig } from '../../datastore/guest-config.js';
import { keysNotApplied } from '../../datastore/key-catalog.js';
import { type DiskPlace, diskPath } from '../disks.js';
import { duplicateMacs } from '../preflight.js';
import { chooseVncPort, type VncFacts } from '../vnc-ports.js';
import { privileged, type XenSettings } from './settings.js';
import { vncDisplay, xlConfig } from './xl-cfg.js';
import { xlCreateArgv } from './xl.js';

/** What the host looks like now, read by probe.ts so the planner stays pure. */
export interface XenFacts extends VncFacts {
  /** Disk paths that exist. */
  existing: ReadonlySet<string>;
  /** Why the install media cannot be booted (installMediaWarnings); empty when it can, or there is none. */
  mediaWarnings: string[];
  /** The host's interfaces (`ifconfig -l`): the bridges a vif can join. */
  interfaces: readonly string[];
  macs: MacOwners;
}

export interface XenPlanInput {
  guest: GuestConfig;
  place: DiskPlace;
  settings: XenSettings;
  facts: XenFacts;
}

/** A start: `xl create` on the config written first; `vnc` is the `<listen>:<port>` the console file names. */
export interface XenStartPlan extends Plan {
  configPath: string;
  config: string;
  vnc: string;
}

/** The guest's own config file, kept with it. */
export function configPathOf(guestDir: string): string {
  return `${guestDir}/xl.cfg`;
}

/** Builds the plan; bad guest configuration throws a RangeError whose message says what to change. */
export function planXenStart({ guest, place, settings, facts }: XenPlanInput): XenStartPlan {
  const listen = guest.keys.get('graphics_listen') || '127.0.0.1';
  const fixed = Number(guest.keys.get('graphics_port')) || undefined;
  const vnc = chooseVncPort(guest.name, fixed, facts);
  const disks = guest.disks.map((_, i) => diskPath(guest, i, place, settings.devDir));
  const password = guest.keys.get('vnc_password');
  const config = xlConfig({ guest, disks, ...(guest.installMedia ? { installMedia: guest.installMedia } : {}), vnc: { listen, display: vncDisplay(vnc.port), ...(password ? { password } : {}) } });
  const configPath = configPathOf(place.guestDir);
  const media = guest.installMedia ? ` with ${guest.installMedia} as its CD` : '';
  return {
    commands: [{ argv: privileged(settings, xlCreateArgv(configPath)), why: `create the domain ${guest.name} from its xl.cfg${media}` }],
    files: [{ path: configPath, content: config, why: `${guest.name}'s DomU configuration, from its .conf (handbook 24.7.3)` }],
    warnings: [...missingDisks(disks, facts), ...facts.mediaWarnings, ...missingBridges(guest, facts), ...vnc.warnings, ...duplicateMacs(guest, facts.macs)],
    notes: [
      ...(guest.installMedia ? [`Once ${guest.name} has fully stopped, its install media goes from xl.cfg and its .conf, as the handbook removes the cdrom line after the install.`] : []),
      ...(guest.comports.length > 1 ? [`A Xen HVM guest has one serial console (serial = "pty"), reached with xl console: ${guest.comports.slice(1).join(', ')} get none.`] : []),
      ...keysNotApplied(guest.keys, 'xen'),
    ],
    configPath,
    config,
    vnc: `${listen}:${vnc.port}`,
  };
}

function missingDisks(disks: string[], facts: XenFacts): string[] {
  return disks.flatMap((path, i) => (facts.existing.has(path) ? [] : [`disk${i} ${path} does not exist: create it, or point disk${i}_name at the disk in Settings → Disks.`]));
}

/** xl's vif-bridge script fails the create when the bridge is not there (handbook 24.7.2 makes bridge0 at boot). */
function missingBridges(guest: GuestConfig, facts: XenFacts): string[] {
  const bridges = [...new Set(guest.networks.map((nic) => nic.switch))];
  return bridges
    .filter((bridge) => !facts.interfaces.includes(bridge))
    .map((bridge) => `The bridge ${bridge} is not on this host: make it as the handbook does (cloned_interfaces="${bridge}" with the host's NIC, see Host setup → Bridge for DomUs), or put the NIC on another bridge in Settings → Network.`);
}
