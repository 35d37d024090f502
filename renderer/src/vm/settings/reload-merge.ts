import equal from 'fast-deep-equal';
import type { VmSettingsForm } from '../../../../shared/api/settings.js';

type Field = keyof VmSettingsForm;

/** How the form names each field, for the note that says which ones the file changed. */
const LABELS: Record<Field, string> = {
  description: 'Description',
  tags: 'Tags',
  cpus: 'CPUs',
  sockets: 'Sockets',
  cores: 'Cores',
  threads: 'Threads',
  memory: 'Memory',
  loader: 'Loader',
  uefiVars: 'UEFI variables',
  installMedia: 'Install media',
  disks: 'Disks',
  networks: 'Network interfaces',
  graphics: 'Display',
  comports: 'Serial ports',
  bhyveOptions: 'Extra bhyve options',
  utcTime: 'Clock in UTC',
  hostbridge: 'Host bridge',
  wiredMemory: 'Wired memory',
};

/** A field the hand edit changed: the form now shows the file's value; `replaced` when that dropped the user's own edit. */
export interface ChangedOnDisk {
  field: Field;
  label: string;
  replaced: boolean;
}

export interface ReloadMerge {
  values: VmSettingsForm;
  changedOnDisk: ChangedOnDisk[];
}

/**
 * Reload after a hand edit, per field: what the file changed since the form read it wins (the file is
 * the truth, and a save would otherwise undo that edit unseen); every other field keeps what the user typed.
 */
export function mergeOnReload(base: VmSettingsForm, mine: VmSettingsForm, theirs: VmSettingsForm): ReloadMerge {
  const fields = Object.keys(LABELS) as Field[];
  const changed = fields.filter((field) => !equal(base[field], theirs[field]));
  const values = { ...mine, ...Object.fromEntries(changed.map((field) => [field, theirs[field]])) };
  const changedOnDisk = changed.map((field) => ({ field, label: LABELS[field], replaced: !equal(mine[field], base[field]) && !equal(mine[field], theirs[field]) }));
  return { values, changedOnDisk };
}
