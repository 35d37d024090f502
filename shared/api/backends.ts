import { z } from 'zod';
import { PROFILE_IDS } from '../profiles.js';
import { request } from './define.js';
import { BootMechanism } from './lifecycle.js';
import { BackendId } from './vms.js';

/** The sections of a guest's Settings page; a backend names the ones it applies. */
export const SettingsSectionId = z.enum(['general', 'cpu', 'boot', 'disks', 'network', 'display', 'console', 'advanced']);
export type SettingsSectionId = z.infer<typeof SettingsSectionId>;

/** How a backend's guests start when the host boots, and that in words for the page's "Start at boot". */
export const StartAtBoot = z.object({ via: BootMechanism, how: z.string() });
export type StartAtBoot = z.infer<typeof StartAtBoot>;

/**
 * Why a guest of a backend cannot be on this host's start-at-boot list: its backend starts guests another way
 * (vm-bhyve's startall would boot a QEMU guest's .conf with bhyve), or not at all yet.
 */
export function startAtBootProblem(boot: StartAtBoot, host: BootMechanism): string | undefined {
  if (boot.via === host) return undefined;
  return boot.via === 'none' || host === 'none' ? boot.how : `${boot.how} This host's list is ${HOST_LIST[host]}, which would not start it.`;
}

const HOST_LIST = { 'rc.conf': 'vm-bhyve’s vm_list in rc.conf', 'systemd-user': 'a systemd user unit' } as const;

/** What the shared screens say about a backend's guests, so none of them speaks of another backend's tools. */
export const BackendHints = z.object({
  /** Settings → Boot & firmware; none where the loader is this backend's own. */
  boot: z.string().optional(),
  /** Settings → Network: what a NIC's switch is here. */
  network: z.string(),
  /** Under a NIC's Switch field: what a name that is none of the datastore's switches does here; none where NICs are not edited. */
  unknownSwitch: z.string().optional(),
  /** Settings → Serial consoles: what a port is here. */
  console: z.string(),
  /** Settings → Display: how the guest's screen is served here. */
  display: z.string(),
  /** Under Display's Framebuffer while the loader is not UEFI firmware; none where the loader does not matter. */
  framebuffer: z.string().optional(),
  /** The process whose CPU and memory Activity shows ("bhyve process"); none where Hivedesk measures none. */
  process: z.string().optional(),
  /** Why a guest's UEFI variables cannot be reset here; none where each guest keeps its own. */
  noUefiVars: z.string().optional(),
});
export type BackendHints = z.infer<typeof BackendHints>;

/** One backend as the backend registry describes it to the wizard and the guest's page. */
export const BackendInfo = z.object({
  id: BackendId,
  label: z.string(),
  /** Its tools are on this host; `reason` says what is missing when not. */
  available: z.boolean(),
  reason: z.string().optional(),
  /** The host's backend: new guests get it unless another is chosen. */
  default: z.boolean(),
  /** Where its guests are kept: the datastore's .conf files, or the hypervisor's own registry (VirtualBox). */
  guests: z.enum(['datastore', 'hypervisor']),
  /** The Host setup checks a guest of each profile depends on here. */
  hostChecks: z.record(z.enum(PROFILE_IDS), z.array(z.string())),
  /** The Settings sections it applies; none when the hypervisor keeps the settings itself. */
  settingsSections: z.array(SettingsSectionId),
  startAtBoot: StartAtBoot,
  hints: BackendHints,
});
export type BackendInfo = z.infer<typeof BackendInfo>;

export const backendsApi = {
  listBackends: request(z.object({}), z.array(BackendInfo)),
};
