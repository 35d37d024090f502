// `ifconfig` (no arguments) on FreeBSD: one block per interface, "name: flags=N<UP,...> metric 0 mtu 1500"
// then tab-indented lines (ether, inet, member:, groups:, media:, status:). Which interfaces are bridges, what
// their members are, and which interfaces are physical NICs (an uplink a bridge can use).

export interface NetInterface {
  name: string;
  up: boolean;
  groups: string[];
  members: string[];
  hasEther: boolean;
  hasMedia: boolean;
  /** "active", "no carrier"… */
  status?: string;
  /** The header line, as evidence. */
  header: string;
}

export type IfconfigReading = { ok: true; interfaces: NetInterface[] } | { ok: false; problem: string };

const HEADER = /^([A-Za-z][\w.]*\d[\w.]*|[A-Za-z]+\d*): flags=[0-9a-f]+<([^>]*)>/;
/** Cloned software interfaces: never an uplink. */
const SOFTWARE = new Set(['bridge', 'tap', 'tun', 'vmnet', 'epair', 'lo', 'gif', 'gre', 'pflog', 'pfsync', 'enc', 'stf', 'wg', 'ipsec', 'vxlan', 'wlan', 'faith', 'disc', 'edsc', 'me', 'ovpn']);

export function readIfconfig(text: string): IfconfigReading {
  const interfaces: NetInterface[] = [];
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    const header = HEADER.exec(raw);
    if (header) {
      const flags = (header[2] ?? '').split(',');
      interfaces.push({ name: header[1] as string, up: flags.includes('UP'), groups: [], members: [], hasEther: false, hasMedia: false, header: raw.trim() });
      continue;
    }
    const current = interfaces.at(-1);
    const line = raw.trim();
    if (!current || line === '') continue;
    if (/^member: /.test(line)) current.members.push(line.split(/\s+/)[1] ?? '');
    else if (/^groups: /.test(line)) current.groups.push(...line.slice('groups: '.length).trim().split(/\s+/));
    else if (/^ether /.test(line)) current.hasEther = true;
    else if (/^media: /.test(line)) current.hasMedia = true;
    else if (/^status: /.test(line)) current.status = line.slice('status: '.length);
  }
  if (interfaces.length === 0) return { ok: false, problem: text.trim() === '' ? 'ifconfig printed nothing' : 'ifconfig printed no interface lines' };
  return { ok: true, interfaces };
}

export function isBridge(i: NetInterface): boolean {
  return i.groups.includes('bridge') || /^bridge\d+$/.test(i.name);
}

/** A NIC that can carry a bridge's traffic off the host: Ethernet with media, not a cloned interface. */
export function isPhysical(i: NetInterface): boolean {
  const kind = i.name.replace(/\d+$/, '');
  return i.hasEther && i.hasMedia && !SOFTWARE.has(kind) && !i.groups.some((g) => SOFTWARE.has(g));
}

export function physicalMembers(bridge: NetInterface, all: readonly NetInterface[]): string[] {
  return bridge.members.filter((m) => {
    const member = all.find((i) => i.name === m);
    return member !== undefined && isPhysical(member);
  });
}
