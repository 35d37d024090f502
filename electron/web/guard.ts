import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Who may talk to the loopback server: the per-run token, a loopback Host and a same-origin (or allowed) Origin. */
export interface Guard {
  token: string;
  /** Origins allowed besides the page's own (Electron's app:// origin). */
  extraOrigins: readonly string[];
}

/**
 * Exactly a loopback name and an optional port, nothing else: a loopback name defeats DNS
 * rebinding, and any port is fine, so an SSH tunnel may use another local port.
 */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/;

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's Host header when it is a loopback name with a valid port; otherwise nothing. */
export function loopbackHost(req: IncomingMessage): string | undefined {
  const host = req.headers.host ?? '';
  const match = LOOPBACK_HOST.exec(host);
  if (!match) return undefined;
  const port = match[1];
  return port === undefined || Number(port) <= 65535 ? host : undefined;
}

/** The Origin must be the page's own (whatever loopback spelling and port it was opened with) or Electron's. */
export function refusal(guard: Guard, req: IncomingMessage, token: string | null | undefined): string | undefined {
  const host = loopbackHost(req);
  if (!host) return 'unexpected Host';
  const origin = req.headers.origin ?? '';
  if (origin !== `http://${host}` && !guard.extraOrigins.includes(origin)) return 'unexpected Origin';
  if (!tokenMatches(guard.token, token)) return 'missing or wrong token';
  return undefined;
}
