import { z } from 'zod';
import { ConsolePort } from './consoles.js';
import { request } from './define.js';

/** What a guest's serial console shows it is doing, read from its output. */
export const ConsoleBadge = z.enum(['login', 'loader', 'mountroot', 'installer', 'panic']);
export type ConsoleBadge = z.infer<typeof ConsoleBadge>;

export const BADGE_TEXT: Record<ConsoleBadge, string> = {
  login: 'login prompt',
  loader: 'loader prompt',
  mountroot: 'mountroot>',
  installer: 'installer waiting',
  panic: 'panic',
};

/** Badges that ask for a person now (a desktop notification, when the user wants them). */
export const URGENT_BADGES: ReadonlySet<ConsoleBadge> = new Set(['panic', 'mountroot']);

export const ConsoleBadgeChange = z.object({ name: z.string(), port: ConsolePort, badge: ConsoleBadge.nullable() });
export type ConsoleBadgeChange = z.infer<typeof ConsoleBadgeChange>;

/** Every open console's badge (small: one per console that shows one), sent whole on each change. */
export const ConsoleBadges = z.array(ConsoleBadgeChange.extend({ badge: ConsoleBadge }));
export type ConsoleBadges = z.infer<typeof ConsoleBadges>;

export const consoleBadgesApi = {
  /** The badges now (a window just opened); changes come as onDidChangeConsoleBadges. */
  listConsoleBadges: request(z.object({}), ConsoleBadges),
};
