import type { BackendHints, SettingsSectionId, StartAtBoot } from '../../shared/api/backends.js';
import type { BackendId } from '../../shared/api/vms.js';
import type { ProfileId } from '../../shared/profiles.js';
import type { Backend, BackendDeps, ExitMeaning } from './backend.js';

/** What is on this host, for a backend to say whether it can run here. */
export interface HostProbe {
  platform: NodeJS.Platform;
  hasProgram(name: string): Promise<boolean>;
}

export type Availability = { available: true } | { available: false; reason: string };
export const AVAILABLE: Availability = { available: true };

/** One backend in the registry: what it is, whether this host has it, and how to make it. */
export interface BackendEntry {
  readonly id: BackendId;
  readonly label: string;
  /** Where its guests are kept: the datastore's .conf files, or the hypervisor's own registry. */
  readonly guests: 'datastore' | 'hypervisor';
  /** The Settings sections it applies (none when the hypervisor keeps a guest's settings). */
  readonly settingsSections: readonly SettingsSectionId[];
  /** How its guests start when the host boots; the host's list is its default backend's. */
  readonly startAtBoot: StartAtBoot;
  /** What the shared screens say about its guests (a switch, the screen, the process measured). */
  readonly hints: BackendHints;
  available(host: HostProbe): Promise<Availability>;
  create(deps: BackendDeps): Backend;
  /** The .conf keys a new guest of this profile gets here besides the common ones (bhyve: its loader). */
  newGuestKeys(profile: ProfileId): Readonly<Record<string, string>>;
  /** The Host setup checks a guest of this profile depends on here: the wizard links to the failing ones. */
  hostChecks(profile: ProfileId): string[];
  /** What a command's exit status means, for the commands this backend knows (bhyve's own exits). */
  describeExit?(argv: readonly string[], exitCode: number): ExitMeaning | undefined;
}

export const ALL_SECTIONS: readonly SettingsSectionId[] = ['general', 'cpu', 'boot', 'disks', 'network', 'display', 'console', 'advanced'];
