// vm-bhyve's virtual switches (lib/vm-switch, lib/vm-switch-standard, lib/vm-switch-manual in freebsd/vm-bhyve 1.7):
// what `.config/system.conf` says about a switch, how vm-bhyve finds its bridge (an interface group named after the
// switch, not the bridge's name) and the ifconfig commands `vm init` runs to make a standard switch's bridge. Pure.

import { createHash } from 'node:crypto';
import { type ConfDocument, getValue, isYes } from '../../datastore/conf.js';

export interface SwitchConfig {
  name: string;
  /** In `switch_list`: a switch vm-bhyve knows. Hivedesk makes a bridge of its own only for the others. */
  defined: boolean;
  /** type_<sw>: standard (the default), manual, vxlan, netgraph or vale. */
  type: string;
  /** ports_<sw>: host interfaces in the bridge. */
  ports: string[];
  vlan?: string;
  mtu?: string;
  addr?: string;
  addr6?: string;
  /** private_<sw>: guests on the switch cannot reach each other. */
  private: boolean;
  /** bridge_<sw>: a manual switch's existing bridge. */
  bridge?: string;
}

export function readSwitch(systemConf: ConfDocument | undefined, name: string): SwitchConfig {
  const get = (key: string) => (systemConf ? getValue(systemConf, key) : undefined) || undefined;
  const list = (get('switch_list') ?? '').split(/\s+/);
  const has = <K extends string>(key: K, value: string | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});
  return {
    name,
    defined: list.includes(name),
    type: get(`type_${name}`) ?? 'standard',
    ports: (get(`ports_${name}`) ?? '').split(/\s+/).filter(Boolean),
    private: isYes(get(`private_${name}`)),
    ...has('vlan', get(`vlan_${name}`)),
    ...has('mtu', get(`mtu_${name}`)),
    ...has('addr', get(`addr_${name}`)),
    ...has('addr6', get(`addr6_${name}`)),
    ...has('bridge', get(`bridge_${name}`)),
  };
}

/** The switches `switch_list` defines, in its order: the ones vm-bhyve connects NICs to. */
export function definedSwitches(systemConf: ConfDocument | undefined): SwitchConfig[] {
  const list = (systemConf ? getValue(systemConf, 'switch_list') : undefined) ?? '';
  return [...new Set(list.split(/\s+/).filter(Boolean))].map((name) => readSwitch(systemConf, name));
}

/**
 * switch::__viid: `viid-<first 5 hex digits of md5(name)>@`, the interface group that marks a switch's bridge (and a
 * VLAN port). The '@' keeps the name from ending in a digit, which ifconfig refuses for groups.
 */
export function viidGroup(name: string): string {
  return `viid-${createHash('md5').update(name).digest('hex').slice(0, 5)}@`;
}

/**
 * The bridge switch::standard::init makes: `vm-<switch>` when the name has 12 characters or fewer (interface names
 * have 15), else the kernel's next bridgeN, described `vm/<switch>`. vm-bhyve runs `ifconfig bridge create` and reads
 * the name it prints; Hivedesk names the unit itself (the lowest free one, which the kernel would pick), so the plan
 * shown is the command run.
 */
export function standardBridgeName(name: string, interfaces: ReadonlySet<string>): string {
  if ([...name].length <= 12) return `vm-${name}`;
  let unit = 0;
  while (interfaces.has(`bridge${unit}`)) unit += 1;
  return `bridge${unit}`;
}

/** The commands of switch::standard::init for a switch whose bridge does not exist yet, made as `id`. */
export function standardSwitchInit(sw: SwitchConfig, id: string, interfaces: ReadonlySet<string>): string[][] {
  const create = id.startsWith('vm-')
    ? ['ifconfig', 'bridge', 'create', 'name', id, 'group', 'vm-switch', 'up']
    : ['ifconfig', id, 'create', 'descr', `vm/${sw.name}`, 'group', 'vm-switch', 'up'];
  return [
    create,
    ['ifconfig', id, 'group', viidGroup(sw.name)],
    ['ifconfig', id, 'link', 'random'],
    ...(sw.addr ? [['ifconfig', id, 'inet', sw.addr]] : []),
    ...(sw.addr6 ? [['ifconfig', id, 'inet6', sw.addr6, 'auto_linklocal']] : []),
    ...(sw.mtu ? [['ifconfig', id, 'mtu', sw.mtu]] : []),
    ...sw.ports.flatMap((port) => portCommands(sw, id, port, interfaces)),
  ];
}

/**
 * switch::standard::__configure_port: the port's MTU, then the port itself as a member, or with vlan_<sw> its VLAN
 * interface `<port>.<vlan>` (made once, marked with its own viid group).
 */
function portCommands(sw: SwitchConfig, id: string, port: string, interfaces: ReadonlySet<string>): string[][] {
  const mtu = sw.mtu ? [['ifconfig', port, 'mtu', sw.mtu]] : [];
  if (!sw.vlan) return [...mtu, ['ifconfig', id, 'addm', port]];
  const vname = `${port}.${sw.vlan}`;
  const create = ['ifconfig', 'vlan', 'create', 'vlandev', port, 'vlan', sw.vlan, 'descr', `vm-vlan/${sw.name}/${vname}`, 'name', vname, 'group', 'vm-vlan', 'up'];
  return [...mtu, ...(interfaces.has(vname) ? [] : [create]), ['ifconfig', vname, 'group', viidGroup(vname)], ['ifconfig', id, 'addm', vname]];
}
