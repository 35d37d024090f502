/** OS profiles: sensible defaults for the wizard. What a backend adds for each (a bhyve loader) is the backend's. */
export const PROFILES = {
  linux: { label: 'Linux', cpus: 2, memory: '2G', diskSize: '20G' },
  freebsd: { label: 'FreeBSD', cpus: 2, memory: '2G', diskSize: '20G' },
  windows: { label: 'Windows', cpus: 4, memory: '4G', diskSize: '64G' },
  other: { label: 'Other', cpus: 1, memory: '512M', diskSize: '8G' },
} as const;

export type ProfileId = keyof typeof PROFILES;
export const PROFILE_IDS = Object.keys(PROFILES) as [ProfileId, ...ProfileId[]];
