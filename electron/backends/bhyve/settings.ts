import { hostname } from 'node:os';
import { asRootWhen, privilegePrefix } from '../../host/privilege.js';
import { FREEBSD_PATHS, type BhyveHostPaths } from './guest-paths.js';

/** Host facts the bhyve backend needs; FreeBSD's defaults, overridable so tests can use a sandbox. */
export interface BhyveSettings {
  paths: BhyveHostPaths;
  /** Where bhyve keeps VM instances: `/dev/vmm/<name>`. */
  vmmDir: string;
  /**
   * Prepended to every command that needs root (`doas`, `sudo -n`), as argv words; empty when
   * Hivedesk may already run them. The GUI itself never runs as root.
   */
  privilege: string[];
  /** The host name written to run.lock, as vm-bhyve does. */
  hostname: string;
  /** The ZFS dataset of the datastore (vm-bhyve's `vm_dir="zfs:<dataset>"`), for zvol disks. */
  zfsDataset?: string;
}

export function bhyveSettings(env: NodeJS.ProcessEnv = process.env): BhyveSettings {
  const devDir = env.HIVEDESK_BHYVE_DEV_DIR ?? FREEBSD_PATHS.devDir;
  const privilege = privilegePrefix(env);
  return {
    paths: { devDir, firmwareDir: env.HIVEDESK_BHYVE_FIRMWARE_DIR ?? FREEBSD_PATHS.firmwareDir },
    vmmDir: `${devDir}/vmm`,
    privilege,
    hostname: env.HIVEDESK_HOSTNAME ?? hostname(),
    ...(env.HIVEDESK_ZFS_DATASET ? { zfsDataset: env.HIVEDESK_ZFS_DATASET } : {}),
  };
}

/** Programs that need root on FreeBSD; everything else runs as the user. */
const NEEDS_ROOT = new Set(['bhyve', 'bhyvectl', 'bhyveload', 'grub-bhyve', 'ifconfig', 'kldload', 'sysctl', 'zfs', 'kill']);

/** Adds the privilege prefix to a command that needs it; never through a shell. */
export function privileged(settings: BhyveSettings, argv: string[]): string[] {
  return asRootWhen(NEEDS_ROOT, settings.privilege, argv);
}
