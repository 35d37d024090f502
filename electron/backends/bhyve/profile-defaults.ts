import type { ProfileId } from '../../../shared/profiles.js';

/** The loader vm-bhyve's templates give each kind of guest: FreeBSD loads its kernel with bhyveload, the rest boot UEFI. */
export const BHYVE_LOADER: Readonly<Record<ProfileId, string>> = { linux: 'uefi', freebsd: 'bhyveload', windows: 'uefi', other: 'uefi' };

/** The Host setup checks a new bhyve guest with this loader depends on. */
export function checksForLoader(loader: string): string[] {
  const base = ['bhyve-cpu', 'bhyve-vmm', 'bhyve-nmdm', 'bhyve-tap-up-on-open', 'bhyve-bridge', 'bhyve-console'];
  if (loader.startsWith('uefi')) return [...base, 'bhyve-uefi-firmware'];
  if (loader === 'grub') return [...base, 'bhyve-grub2'];
  return base;
}
