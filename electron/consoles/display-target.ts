/**
 * Where a guest's screen is served: the `vnc=` line of vm-bhyve's `console` file, as vm-bhyve
 * and Hivedesk's backends write it (`127.0.0.1:5900`, `0.0.0.0:5901`, `[::1]:5902`, or
 * `unix:/path/to/vnc.sock` for QEMU). Hivedesk connects on loopback only.
 */
export type DisplayTarget = { host: string; port: number } | { path: string };

const WILDCARD = new Set(['0.0.0.0', '::', '*']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function displayTarget(listen: string): DisplayTarget | Error {
  if (listen.startsWith('unix:')) {
    const path = listen.slice('unix:'.length);
    return path.startsWith('/') && !path.includes('\0') ? { path } : new Error(`the display socket "${path}" is not an absolute path`);
  }
  const match = /^(?:\[([0-9a-f:]+)\]|([^:\s]+)):(\d{1,5})$/i.exec(listen);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return new Error(`"${listen}" is not an address and port`);
  // Listening on every address includes loopback, which is where Hivedesk connects.
  if (WILDCARD.has(host)) return { host: '127.0.0.1', port };
  if (LOOPBACK.has(host)) return { host, port };
  return new Error(`the display listens on ${host}, not on loopback; Hivedesk connects to a guest's screen on 127.0.0.1 only (set its listen address to 127.0.0.1)`);
}
