// A guest's network as vm-bhyve provisions it at start (switch::provision, switch::standard::provision): a tap per NIC,
// described and grouped as vm-bhyve does, joined to its switch's bridge. Pure: the host's state comes in as facts.

import type { PlannedCommand } from '../../../shared/api/vms.js';
import type { ConfDocument } from '../../datastore/conf.js';
import type { GuestConfig, NicConfig } from '../../datastore/guest-config.js';
import { interfaceDestroyArgv, tapUpOnOpenArgv } from './commands.js';
import { readSwitch, standardBridgeName, standardSwitchInit, type SwitchConfig, viidGroup } from './switches.js';

export interface NetworkFacts {
  /** `ifconfig -l`. */
  interfaces: string[];
  tapUpOnOpen: boolean;
  /** vm-bhyve's `.config/system.conf`. */
  systemConf?: ConfDocument;
  /** The bridge each switch's viid group holds (`ifconfig -g viid-…@`), by switch name. */
  switchBridges: ReadonlyMap<string, string>;
  /** The MTU of each bridge found. */
  bridgeMtus: ReadonlyMap<string, number>;
}

export interface NetworkPlan {
  /** The tap (or networkN_device) of each NIC, in order. */
  taps: string[];
  setup: PlannedCommand[];
  teardown: PlannedCommand[];
  notes: string[];
  warnings: string[];
}

export type Cmd = (argv: string[], why: string) => PlannedCommand;

/** Where a switch's taps go, and what making it takes. */
interface SwitchPlan {
  bridge?: string;
  mtu: number;
  private: boolean;
  setup: PlannedCommand[];
  notes: string[];
  warnings: string[];
}

export function planNetwork(guest: GuestConfig, facts: NetworkFacts, c: Cmd): NetworkPlan {
  const interfaces = new Set(facts.interfaces);
  const taps = chooseTaps(guest, interfaces);
  const switches = new Map<string, SwitchPlan>();
  const switchOf = (name: string): SwitchPlan => {
    const known = switches.get(name);
    if (known) return known;
    const plan = planSwitch(readSwitch(facts.systemConf, name), guest, facts, interfaces, c);
    switches.set(name, plan);
    return plan;
  };
  const nics = guest.networks.map((nic, i) => planNic(guest, nic, i, taps[i] as string, nic.switch ? switchOf(nic.switch) : undefined, interfaces, c));
  const plans = [...switches.values()];
  const creates = guest.networks.some((nic) => !nic.device);
  return {
    taps,
    setup: [
      ...(creates && !facts.tapUpOnOpen ? [c(tapUpOnOpenArgv(), 'bring taps up when bhyve opens them (vm init does this)')] : []),
      ...plans.flatMap((p) => p.setup),
      ...nics.flatMap((n) => n.setup),
    ],
    teardown: guest.networks.flatMap((nic, i) => (nic.device ? [] : [c(interfaceDestroyArgv(taps[i] as string), `remove ${taps[i]}`)])),
    notes: [...plans.flatMap((p) => p.notes), ...nics.flatMap((n) => n.notes)],
    warnings: [...plans.flatMap((p) => p.warnings), ...nics.flatMap((n) => n.warnings)],
  };
}

/**
 * Each NIC's interface: networkN_device as it is, a tap named networkN_name, or the lowest free tapN (what
 * `ifconfig tap create` would pick; Hivedesk names it so the plan shown is the command run).
 */
function chooseTaps(guest: GuestConfig, interfaces: ReadonlySet<string>): string[] {
  const taken = new Set([...interfaces, ...guest.networks.flatMap((nic) => (nic.name ? [nic.name] : []))]);
  let next = 0;
  return guest.networks.map((nic) => {
    if (nic.device) return nic.device;
    if (nic.name) return nic.name;
    while (taken.has(`tap${next}`)) next += 1;
    taken.add(`tap${next}`);
    return `tap${next}`;
  });
}

/** switch::id by type: a standard (or vxlan) switch's bridge is found by its viid group, a manual one is bridge_<sw>. */
function planSwitch(sw: SwitchConfig, guest: GuestConfig, facts: NetworkFacts, interfaces: Set<string>, c: Cmd): SwitchPlan {
  const found = sw.type === 'manual' ? sw.bridge : facts.switchBridges.get(sw.name);
  const existing = found && interfaces.has(found) ? found : undefined;
  const base = { private: sw.private, setup: [], notes: [], warnings: [] };
  const use = (bridge: string): SwitchPlan => ({ ...base, bridge, mtu: facts.bridgeMtus.get(bridge) ?? 1500 });
  if (!sw.defined) {
    // Only switch_list makes a switch vm-bhyve's: what else system.conf says about this name is not used.
    const plan = existing ? use(existing) : makeBridge({ name: sw.name, defined: false, type: 'standard', ports: [], private: false }, interfaces, c);
    return { ...plan, notes: [fallbackNote(sw, guest, plan.bridge ?? '')] };
  }
  if (sw.type === 'manual') {
    if (existing) return use(existing);
    return { ...base, mtu: 1500, warnings: [`Switch "${sw.name}" is a manual switch whose bridge${sw.bridge ? ` ${sw.bridge}` : ''} does not exist: ${sw.bridge ? `create ${sw.bridge} (cloned_interfaces in /etc/rc.conf)` : `set bridge_${sw.name} in .config/system.conf`}, or choose another switch in Settings → Network.`] };
  }
  if (sw.type === 'standard') {
    const plan = existing ? use(existing) : makeBridge(sw, interfaces, c);
    return { ...plan, notes: sw.ports.length ? [] : [`Switch "${sw.name}" has no host NIC (ports_${sw.name} in .config/system.conf), so ${guest.name} can reach only this host.`] };
  }
  if (sw.type === 'vxlan' && existing) return use(existing);
  const fix = sw.type === 'vxlan' ? 'run `vm init` once, which makes it' : `start ${guest.name} with \`vm start ${guest.name}\`, or choose another switch in Settings → Network`;
  return { ...base, mtu: 1500, warnings: [`Switch "${sw.name}" is a ${sw.type} switch${sw.type === 'vxlan' ? ' without its bridge' : ', which Hivedesk cannot connect yet'}: ${fix}.`] };
}

/** A standard switch's bridge, made as switch::standard::init makes it (`vm init` does this at boot). */
function makeBridge(sw: SwitchConfig, interfaces: Set<string>, c: Cmd): SwitchPlan {
  const id = standardBridgeName(sw.name, interfaces);
  const taken = interfaces.has(id);
  interfaces.add(id);
  return {
    bridge: id,
    mtu: Number(sw.mtu) || 1500,
    private: sw.private,
    setup: standardSwitchInit(sw, id, interfaces).map((argv) => c(argv, `switch ${sw.name}'s bridge, as vm init makes it`)),
    notes: [],
    warnings: taken ? [`${id} exists but is not switch "${sw.name}"'s bridge (it lacks vm-bhyve's group ${viidGroup(sw.name)}): run \`ifconfig ${id} group ${viidGroup(sw.name)}\` if it is, or \`vm init\`.`] : [],
  };
}

function fallbackNote(sw: SwitchConfig, guest: GuestConfig, bridge: string): string {
  return `Switch "${sw.name}" is not in .config/system.conf's switch_list, so vm-bhyve would leave its NICs unconnected; Hivedesk connects them to a bridge of its own, ${bridge}, made as \`vm switch create ${sw.name}\` would make it, with no host NIC: ${guest.name} reaches only this host and the guests on "${sw.name}".`;
}

/** switch::standard::provision for one NIC. */
function planNic(guest: GuestConfig, nic: NicConfig, i: number, tap: string, sw: SwitchPlan | undefined, interfaces: Set<string>, c: Cmd): Pick<SwitchPlan, 'setup' | 'notes' | 'warnings'> {
  const warnings = nicProblems(nic, i, interfaces);
  interfaces.add(tap);
  // vm-bhyve creates, then describes and groups the tap in a second ifconfig; one command does both, a privileged
  // command fewer per NIC on the way to a running guest.
  const describe = ['descr', `vmnet/${guest.name}/${i}/${nic.switch || 'custom'}`, 'group', 'vm-port'];
  const create = nic.device ? ['ifconfig', tap] : nic.name ? ['ifconfig', 'tap', 'create', 'name', nic.name] : ['ifconfig', tap, 'create'];
  const made = c([...create, ...describe], nic.device ? `mark ${tap} as ${guest.name}'s network${i}, as vm-bhyve does` : `network${i}'s tap, marked as vm-bhyve marks it`);
  const notes = nic.switch || nic.device ? [] : [`network${i} has no switch (network${i}_switch), so its tap ${tap} is connected to nothing.`];
  if (!sw?.bridge) return { setup: [made], notes, warnings };
  const bridge = sw.bridge;
  return {
    setup: [
      made,
      ...(sw.mtu !== 1500 ? [c(['ifconfig', tap, 'mtu', String(sw.mtu)], `match ${bridge}'s MTU`)] : []),
      c(['ifconfig', bridge, nic.span ? 'span' : 'addm', tap], `connect ${tap} to switch ${nic.switch}${nic.span ? ' as a span port' : ''}`),
      c(['ifconfig', tap, 'up'], `bring ${tap} up`),
      ...(sw.private ? [c(['ifconfig', bridge, 'private', tap], `keep ${tap} from the switch's other private ports`)] : []),
    ],
    notes,
    warnings,
  };
}

function nicProblems(nic: NicConfig, i: number, interfaces: ReadonlySet<string>): string[] {
  if (nic.device && !interfaces.has(nic.device)) {
    return [`network${i}_device ${nic.device} does not exist: create it (cloned_interfaces in /etc/rc.conf), or clear network${i}_device in Settings → Network.`];
  }
  if (!nic.device && nic.name && interfaces.has(nic.name)) {
    return [`network${i}_name ${nic.name} is already an interface on this host (is the guest running elsewhere?): pick another name in Settings → Network.`];
  }
  return [];
}
