import type { BackendInfo } from '../../shared/api/backends.js';
import type { BackendId } from '../../shared/api/vms.js';
import { PROFILE_IDS } from '../../shared/profiles.js';
import { onPath } from '../host/on-path.js';
import type { ExitMeaning } from './backend.js';
import { bhyveEntry } from './bhyve/entry.js';
import type { Availability, BackendEntry, HostProbe } from './entry.js';
import { qemuEntry } from './qemu/entry.js';
import { virtualboxEntry } from './virtualbox/entry.js';
import { xenEntry } from './xen/entry.js';

/** Every backend, in one place: main makes them from here, the CLI's usage and the wizard's choice list them. */
export const BACKENDS: readonly BackendEntry[] = [bhyveEntry, qemuEntry, xenEntry, virtualboxEntry];

export function backendEntry(id: BackendId): BackendEntry | undefined {
  return BACKENDS.find((entry) => entry.id === id);
}

/** This host, as the entries look at it. */
export const thisHost: HostProbe = {
  platform: process.platform,
  hasProgram: async (name) => (await onPath(name)) !== undefined,
};

/** Whether each backend can run here; a backend without an entry cannot. */
export async function availability(host: HostProbe = thisHost): Promise<Map<BackendId, Availability>> {
  return new Map(await Promise.all(BACKENDS.map(async (entry) => [entry.id, await entry.available(host)] as const)));
}

/** The registry as the wizard and a guest's page see it. */
export function describeBackends(available: ReadonlyMap<BackendId, Availability>, defaultId: BackendId): BackendInfo[] {
  return BACKENDS.map((entry) => {
    const here = available.get(entry.id) ?? { available: false, reason: 'not checked' };
    return {
      id: entry.id,
      label: entry.label,
      available: here.available,
      ...(here.available ? {} : { reason: here.reason }),
      default: entry.id === defaultId,
      guests: entry.guests,
      hostChecks: Object.fromEntries(PROFILE_IDS.map((profile) => [profile, entry.hostChecks(profile)])) as BackendInfo['hostChecks'],
      settingsSections: [...entry.settingsSections],
      startAtBoot: entry.startAtBoot,
      hints: entry.hints,
    };
  });
}

/** What a finished command's exit status means, if a backend knows its program. */
export function describeExit(argv: readonly string[], exitCode: number): ExitMeaning | undefined {
  for (const entry of BACKENDS) {
    const meaning = entry.describeExit?.(argv, exitCode);
    if (meaning) return meaning;
  }
  return undefined;
}

/** `bhyve|qemu|…`, for usage texts. */
export function backendChoices(): string {
  return BACKENDS.map((entry) => entry.id).join('|');
}
