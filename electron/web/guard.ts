import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Who may talk to the loopback server: the per-run token, an allowed Origin and a loopback Host. */
export interface Guard {
  token: string;
  origins: readonly string[];
  hosts: readonly string[];
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Host check defeats DNS rebinding; the Origin check defeats other pages on this machine. */
export function refusal(guard: Guard, req: IncomingMessage, token: string | null | undefined): string | undefined {
  if (!guard.hosts.includes(req.headers.host ?? '')) return 'unexpected Host';
  if (!guard.origins.includes(req.headers.origin ?? '')) return 'unexpected Origin';
  if (!tokenMatches(guard.token, token)) return 'missing or wrong token';
  return undefined;
}
