/** OS profiles: sensible defaults for the wizard, and the loader a bhyve host needs for them. */
export const PROFILES = {
  linux: { label: 'Linux', cpus: 2, memory: '2G', diskSize: '20G', bhyveLoader: 'uefi' },
  freebsd: { label: 'FreeBSD', cpus: 2, memory: '2G', diskSize: '20G', bhyveLoader: 'bhyveload' },
  windows: { label: 'Windows', cpus: 4, memory: '4G', diskSize: '64G', bhyveLoader: 'uefi' },
  other: { label: 'Other', cpus: 1, memory: '512M', diskSize: '8G', bhyveLoader: 'uefi' },
} as const;

export type ProfileId = keyof typeof PROFILES;
export const PROFILE_IDS = Object.keys(PROFILES) as [ProfileId, ...ProfileId[]];
