import type { Datastore } from '../datastore/datastore.js';
import type { HostRunner } from '../host/run.js';

/** The VNC ports already taken on this host, as a start's plan sees them. */
export interface VncFacts {
  /** TCP ports something listens on, on any address (`netstat -an`, as vm-bhyve reads it). */
  listeningPorts: ReadonlySet<number>;
  /** The VNC ports of this datastore's other running guests (the vnc= line of their `console` file), port -> guest. */
  guestVncPorts: ReadonlyMap<number, string>;
}

/** vm::find_available_net_port searches 200 ports from 5900. */
const VNC_FIRST_PORT = 5900;
const VNC_PORTS = 200;
const PROBE_MS = 5000;

/**
 * graphics_port, or vm::find_available_net_port's choice: the first port from 5900 that nothing listens on, on any
 * address. Unlike vm-bhyve, a port another guest of the datastore has taken but does not listen on yet (it waits in
 * its loader) counts as used too.
 */
export function chooseVncPort(name: string, fixed: number | undefined, facts: VncFacts): { port: number; warnings: string[] } {
  const user = (port: number) => {
    const other = facts.guestVncPorts.get(port);
    if (other) return `${other}, which is running`;
    return facts.listeningPorts.has(port) ? 'another program on this host' : undefined;
  };
  if (fixed !== undefined) {
    const by = user(fixed);
    return { port: fixed, warnings: by ? [`VNC port ${fixed} (graphics_port) is already used by ${by}: pick another port in Settings → Display, or clear it so Hivedesk picks a free one.`] : [] };
  }
  const free = Array.from({ length: VNC_PORTS }, (_, i) => VNC_FIRST_PORT + i).find((port) => !user(port));
  if (free !== undefined) return { port: free, warnings: [] };
  return { port: VNC_FIRST_PORT, warnings: [`No VNC port from ${VNC_FIRST_PORT} to ${VNC_FIRST_PORT + VNC_PORTS - 1} is free for ${name}'s display: set a free graphics_port in Settings → Display, or turn graphics off.`] };
}

/**
 * The TCP ports something listens on (vm::find_available_net_port: `netstat -an`, the port being the last
 * '.'-separated part of the local address, whatever the address), and the VNC ports the datastore's other running
 * guests hold (vm-bhyve and Hivedesk both write them to the guest's `console` file).
 */
export async function vncPortsInUse(runner: HostRunner, store: Datastore, self: string): Promise<VncFacts> {
  const [netstat, names] = await Promise.all([runner.run(['netstat', '-an', '-p', 'tcp'], { timeoutMs: PROBE_MS }), store.listNames()]);
  const listeningPorts = new Set(
    netstat.stdout
      .split('\n')
      .filter((line) => /\bLISTEN\b/.test(line))
      .map((line) => Number(line.trim().split(/\s+/)[3]?.split('.').at(-1))),
  );
  const others = names.filter((name) => name !== self);
  const vnc = await Promise.all(others.map((name) => store.readVnc(name)));
  const guestVncPorts = new Map<number, string>();
  vnc.forEach((address, i) => {
    const port = Number(address?.split(':').at(-1));
    if (port) guestVncPorts.set(port, others[i] as string);
  });
  return { listeningPorts, guestVncPorts };
}
