import type { DevfsRule } from '../parse/devfs.js';
import { type CheckDef, ok } from '../check.js';
import { account } from '../steps.js';
import { devfsGroupRule } from './devfs-rule.js';

/**
 * Hivedesk attaches to a guest's console with `cu -l /dev/nmdm-<vm>.1B` as the user. devfs makes nmdm devices
 * root:wheel 0600, and cu keeps its lock in /var/spool/lock (uucp:dialer 0775), so the user needs a devfs rule
 * that gives the nmdm devices to dialer, and to be in dialer.
 */
const RULE: DevfsRule = { path: 'nmdm*', mode: '0660', group: 'dialer' };

export const consoleCheck: CheckDef = {
  id: 'bhyve-console',
  area: 'bhyve',
  title: 'Consoles for your user',
  explanation: 'Consoles are cu sessions on /dev/nmdm* run as you, so those devices must be yours to open (a devfs rule for the dialer group, which also owns cu\'s lock directory) unless Hivedesk runs as root.',
  async run(ctx) {
    const who = await account(ctx);
    if ('outcome' in who) return who.outcome;
    if (who.user === 'root') return ok('Hivedesk runs as root: cu opens the nmdm devices directly.', ['user: root']);
    return devfsGroupRule(ctx, who.user, RULE, {
      devices: 'the nmdm devices',
      done: `nmdm devices belong to dialer, and ${who.user} is in dialer.`,
      warnings: [`${who.user} gets the dialer group at the next login: log in again before opening a console.`],
    });
  },
};
