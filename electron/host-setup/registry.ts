import type { CheckArea } from '../../shared/api/host-setup.js';
import type { HostRunner } from '../host/run.js';
import type { CheckDef } from './check.js';
import type { HostAccess } from './host-access.js';
import { bhyveChecks } from './checks/bhyve.js';
import { linuxChecks } from './checks/linux.js';
import { persistenceChecks } from './checks/persistence.js';
import { virtualboxChecks } from './checks/virtualbox.js';
import { xenChecks } from './checks/xen.js';

export type HostKind = 'freebsd' | 'linux';

/** Every check, in the order the view and `hivedesk doctor` show them. */
export function allChecks(runner: HostRunner): CheckDef[] {
  return [...bhyveChecks, ...persistenceChecks, ...linuxChecks(runner), ...xenChecks, ...virtualboxChecks];
}

/** The host's own areas, plus Xen or VirtualBox when their tools are installed or the user asks for them. */
export async function areasFor(kind: HostKind, host: HostAccess, asked: readonly CheckArea[] = []): Promise<CheckArea[]> {
  if (kind === 'linux') return ['linux'];
  const [xl, vbox] = await Promise.all([host.exists('/usr/local/sbin/xl'), host.exists('/usr/local/bin/VBoxManage')]);
  const areas: CheckArea[] = ['bhyve', 'persistence', ...(xl || asked.includes('xen') ? ['xen' as const] : []), ...(vbox || asked.includes('virtualbox') ? ['virtualbox' as const] : [])];
  return areas;
}
