import { randomUUID } from 'node:crypto';
import { BackendId, type CreateVmInput } from '../../shared/api/vms.js';
import { PROFILES, type ProfileId } from '../../shared/profiles.js';
import { type ConfDocument, getValue, indexed, parseConf, setValue } from './conf.js';

export interface DiskConfig {
  type: string;
  name: string;
  dev: string;
}

/** The one VM model every backend maps to its own commands; read from a vm-bhyve .conf. */
export interface GuestConfig {
  name: string;
  backend: BackendId;
  profile: string;
  loader: string;
  cpus: number;
  memory: string;
  disks: DiskConfig[];
  networks: { type: string; switch: string; mac?: string }[];
  comports: string[];
  installMedia?: string;
}

/** Keys vm-bhyve does not know carry this prefix; vm-bhyve ignores them. */
export const KEY = {
  backend: 'hivedesk_backend',
  profile: 'hivedesk_profile',
  installMedia: 'hivedesk_install_media',
} as const;

export function toGuestConfig(name: string, doc: ConfDocument, defaultBackend: BackendId): GuestConfig {
  const backend = BackendId.safeParse(getValue(doc, KEY.backend));
  const diskNames = indexed(doc, 'disk', 'name');
  // vm-bhyve counts NICs by networkN_type; a NIC may have a tap device and no switch.
  const nicTypes = indexed(doc, 'network', 'type');
  const media = getValue(doc, KEY.installMedia);
  return {
    name,
    backend: backend.success ? backend.data : defaultBackend,
    profile: getValue(doc, KEY.profile) ?? 'other',
    loader: getValue(doc, 'loader') ?? 'bhyveload',
    cpus: Number(getValue(doc, 'cpu') ?? '1') || 1,
    memory: getValue(doc, 'memory') ?? '256M',
    disks: diskNames.map((diskName, i) => ({
      name: diskName,
      type: getValue(doc, `disk${i}_type`) ?? 'virtio-blk',
      dev: getValue(doc, `disk${i}_dev`) ?? 'file',
    })),
    networks: nicTypes.map((type, i) => {
      const mac = getValue(doc, `network${i}_mac`);
      return { type, switch: getValue(doc, `network${i}_switch`) ?? '', ...(mac ? { mac } : {}) };
    }),
    comports: (getValue(doc, 'comports') ?? 'com1').split(/\s+/).filter(Boolean),
    ...(media ? { installMedia: media } : {}),
  };
}

/** A new guest's .conf, with the keys and spellings vm-bhyve's own templates use. */
export function newGuestDoc(input: CreateVmInput, backend: BackendId): ConfDocument {
  const profile = PROFILES[input.profile as ProfileId];
  const values: [string, string][] = [
    ['loader', profile.bhyveLoader],
    ['cpu', String(input.cpus)],
    ['memory', input.memory],
    ['network0_type', 'virtio-net'],
    ['network0_switch', 'public'],
    ['disk0_type', 'virtio-blk'],
    ['disk0_name', 'disk0.img'],
    ['comports', 'com1'],
    ['uuid', randomUUID()],
    [KEY.backend, backend],
    [KEY.profile, input.profile],
  ];
  if (input.installMedia) values.push([KEY.installMedia, input.installMedia]);
  return values.reduce((doc, [k, v]) => setValue(doc, k, v), parseConf(''));
}
