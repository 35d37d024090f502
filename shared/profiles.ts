/**
 * OS profiles: sensible defaults for the wizard. What a backend adds for each (a bhyve loader) is the backend's.
 * `screen`: the guest gets a framebuffer and a USB tablet, since its installer may draw only on its screen (Windows
 * cannot be installed without one); the UEFI profiles only, as bhyve gives a screen to UEFI guests only.
 */
export const PROFILES = {
  linux: { label: 'Linux', cpus: 2, memory: '2G', diskSize: '20G', screen: true },
  freebsd: { label: 'FreeBSD', cpus: 2, memory: '2G', diskSize: '20G', screen: false },
  windows: { label: 'Windows', cpus: 4, memory: '4G', diskSize: '64G', screen: true },
  other: { label: 'Other', cpus: 1, memory: '512M', diskSize: '8G', screen: true },
} as const;

/** The screen a new guest with one gets (graphics_res). */
export const NEW_SCREEN_RESOLUTION = '1024x768';

export type ProfileId = keyof typeof PROFILES;
export const PROFILE_IDS = Object.keys(PROFILES) as [ProfileId, ...ProfileId[]];
