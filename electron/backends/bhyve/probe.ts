import type { ConfDocument } from '../../datastore/conf.js';
import { Datastore, exists } from '../../datastore/datastore.js';
import { macOwners } from '../../datastore/first-start.js';
import type { GuestConfig } from '../../datastore/guest-config.js';
import type { HostRunner } from '../../host/run.js';
import { diskPath } from '../disks.js';
import { installMediaWarnings } from '../preflight.js';
import { firmwareFor, nullIsoPath, uefiVarsTemplate } from './guest-paths.js';
import type { HostFacts } from './plan.js';
import type { BhyveSettings } from './settings.js';
import { readSwitch, viidGroup } from './switches.js';
import { vncPortsInUse } from '../vnc-ports.js';

const PROBE_MS = 5000;

/**
 * Reads the host state a plan depends on, with read-only commands that need no root. On a
 * machine that is not FreeBSD (a laptop reviewing a plan) they fail, and the plan is the
 * one for a freshly booted host.
 */
export async function probeHost(runner: HostRunner, settings: BhyveSettings, guest: GuestConfig, guestDir: string, datastoreDir: string): Promise<HostFacts> {
  const store = new Datastore(datastoreDir);
  const [interfaces, upOnOpen, vmm, nmdm, systemConf, existing, mediaWarnings, macs, ports] = await Promise.all([
    runner.run(['ifconfig', '-l'], { timeoutMs: PROBE_MS }),
    runner.run(['sysctl', '-n', 'net.link.tap.up_on_open'], { timeoutMs: PROBE_MS }),
    runner.run(['kldstat', '-q', '-m', 'vmm'], { timeoutMs: PROBE_MS }),
    runner.run(['kldstat', '-q', '-m', 'nmdm'], { timeoutMs: PROBE_MS }),
    store.readSystemConf(),
    existingPaths(settings, guest, guestDir, datastoreDir, store),
    installMediaWarnings(guest.installMedia),
    macOwners(store),
    guest.graphics ? vncPortsInUse(runner, store, guest.name) : { listeningPorts: new Set<number>(), guestVncPorts: new Map<number, string>() },
  ]);
  const bridges = await switchBridges(runner, guest, systemConf);
  return {
    interfaces: interfaces.exitCode === 0 ? interfaces.stdout.trim().split(/\s+/).filter(Boolean) : [],
    tapUpOnOpen: upOnOpen.exitCode === 0 && upOnOpen.stdout.trim() === '1',
    modules: { vmm: vmm.exitCode === 0, nmdm: nmdm.exitCode === 0 },
    existing,
    mediaWarnings,
    ...(systemConf !== undefined ? { systemConf } : {}),
    switchBridges: bridges.bridges,
    bridgeMtus: bridges.mtus,
    ...ports,
    macs,
  };
}

/**
 * Firmware, variables, null.iso and disks, as far as they exist. A guest still being created (no .conf
 * yet: the wizard's plan) gets its file disks from Create, so they do not count as missing.
 */
async function existingPaths(settings: BhyveSettings, guest: GuestConfig, guestDir: string, datastoreDir: string, store: Datastore): Promise<Set<string>> {
  const ctx = { guestDir, installing: false, taps: [], acpiFlag: true };
  const created = guest.disks.flatMap((d, i) => (d.dev === 'file' ? [diskPath(guest, i, ctx, settings.paths.devDir)] : []));
  const creating = !(await exists(store.confPath(guest.name)));
  const candidates = [
    firmwareFor(guest.loader, settings.paths, datastoreDir),
    uefiVarsTemplate(settings.paths),
    `${guestDir}/uefi-vars.fd`,
    nullIsoPath(datastoreDir),
    ...guest.disks.flatMap((d, i) => (d.dev === 'file' || d.dev === 'custom' ? [diskPath(guest, i, ctx, settings.paths.devDir)] : [])),
  ];
  const found = await Promise.all(candidates.map(async (path) => ((await exists(path)) ? path : undefined)));
  return new Set([...found.filter((p): p is string => p !== undefined), ...(creating ? created : [])]);
}

/**
 * switch::id: the bridge in a switch's viid group (`ifconfig -g`, as vm-bhyve looks it up), or a manual switch's
 * bridge_<sw>; then each bridge's MTU, the last word of the first line `ifconfig <bridge>` prints.
 */
async function switchBridges(runner: HostRunner, guest: GuestConfig, systemConf: ConfDocument | undefined): Promise<{ bridges: Map<string, string>; mtus: Map<string, number> }> {
  const names = [...new Set(guest.networks.map((nic) => nic.switch).filter(Boolean))];
  const found = await Promise.all(
    names.map(async (name): Promise<[string, string | undefined]> => {
      const sw = readSwitch(systemConf, name);
      if (sw.type === 'manual') return [name, sw.bridge];
      const group = await runner.run(['ifconfig', '-g', viidGroup(name)], { timeoutMs: PROBE_MS });
      return [name, group.exitCode === 0 ? group.stdout.split('\n')[0]?.trim() || undefined : undefined];
    }),
  );
  const bridges = new Map(found.filter((entry): entry is [string, string] => entry[1] !== undefined));
  const mtus = await Promise.all(
    [...new Set(bridges.values())].map(async (bridge): Promise<[string, number]> => {
      const shown = await runner.run(['ifconfig', bridge], { timeoutMs: PROBE_MS });
      return [bridge, Number(shown.stdout.split('\n')[0]?.trim().split(/\s+/).at(-1)) || 1500];
    }),
  );
  return { bridges, mtus: new Map(mtus) };
}
