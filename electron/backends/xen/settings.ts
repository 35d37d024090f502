import { asRootWhen, privilegePrefix } from '../../host/privilege.js';

/** Host facts the Xen backend needs; a FreeBSD Dom0's defaults, overridable so tests can use a sandbox. */
export interface XenSettings {
  /** The words before a command that needs root (`doas`, `sudo -n`); xl talks to the hypervisor only as root. */
  privilege: string[];
  /** The host's /dev, where zvols are (`/dev/zvol/<dataset>`). */
  devDir: string;
  /** The ZFS dataset of the datastore (vm-bhyve's `vm_dir="zfs:<dataset>"`), for zvol disks. */
  zfsDataset?: string;
}

export function xenSettings(env: NodeJS.ProcessEnv, zfsDataset?: string): XenSettings {
  return {
    privilege: privilegePrefix(env),
    // The FreeBSD host simulator moves /dev with the setting the bhyve backend reads; a Dom0 has the same /dev.
    devDir: env.HIVEDESK_BHYVE_DEV_DIR ?? '/dev',
    ...(zfsDataset ? { zfsDataset } : {}),
  };
}

/** xl (every subcommand) and zfs need root; truncate and chmod write the user's own datastore. */
const NEEDS_ROOT = new Set(['xl', 'zfs']);

export function privileged(settings: XenSettings, argv: string[]): string[] {
  return asRootWhen(NEEDS_ROOT, settings.privilege, argv);
}
