import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Who may talk to the loopback server: the per-run token, a loopback Host and a same-origin (or allowed) Origin. */
export interface Guard {
  token: string;
  /** Origins allowed besides the page's own (Electron's app:// origin). */
  extraOrigins: readonly string[];
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A loopback host name defeats DNS rebinding; any port is fine, so an SSH tunnel may use
 * another local port. The Origin must be the page's own (or Electron's) to defeat other pages.
 */
export function loopbackHost(req: IncomingMessage): string | undefined {
  const host = req.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name && LOOPBACK_HOSTS.has(name) ? host : undefined;
}

export function refusal(guard: Guard, req: IncomingMessage, token: string | null | undefined): string | undefined {
  const host = loopbackHost(req);
  if (!host) return 'unexpected Host';
  const origin = req.headers.origin ?? '';
  if (origin !== `http://${host}` && !guard.extraOrigins.includes(origin)) return 'unexpected Origin';
  if (!tokenMatches(guard.token, token)) return 'missing or wrong token';
  return undefined;
}
