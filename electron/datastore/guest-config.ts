import { BackendId, type CreateVmInput } from '../../shared/api/vms.js';
import { PROFILES } from '../../shared/profiles.js';
import { type ConfDocument, getValue, indexed, isYes, parseConf, setValue } from './conf.js';
import { newMac, newUuid } from './identity.js';

export interface DiskConfig {
  /** vm-bhyve's diskN_type: virtio-blk | ahci-hd | ahci-cd | nvme. */
  type: string;
  /** diskN_name: a file name in the guest directory, a zvol name, or a path (custom). */
  name: string;
  /** diskN_dev: file | zvol | sparse-zvol | custom. */
  dev: string;
  /** diskN_opts, e.g. "nocache,direct". */
  opts?: string;
}

export interface NicConfig {
  type: string;
  switch: string;
  mac?: string;
  /** networkN_device: an existing tap to use instead of creating one. */
  device?: string;
}

export interface GraphicsConfig {
  port?: number;
  listen: string;
  width: number;
  height: number;
  /** vm-bhyve's graphics_wait: auto waits only while installing. */
  wait: 'auto' | 'yes' | 'no';
}

/** The one VM model every backend maps to its own commands; read from a vm-bhyve .conf. */
export interface GuestConfig {
  name: string;
  backend: BackendId;
  profile: string;
  /** vm-bhyve's loader: bhyveload | grub | uefi | uefi-csm | uefi-custom | uefi-devel. */
  loader: string;
  cpus: number;
  topology?: { sockets: number; cores: number; threads: number };
  memory: string;
  uuid?: string;
  disks: DiskConfig[];
  networks: NicConfig[];
  comports: string[];
  installMedia?: string;
  graphics?: GraphicsConfig;
  xhciMouse: boolean;
  uefiVars: boolean;
  utcTime: boolean;
  wiredMemory: boolean;
  /** hostbridge: standard | amd | none. */
  hostbridge: string;
  /** grub_run_partition etc., for loader="grub". */
  grub: { runPartition?: string; runDir?: string; runFile?: string };
  /** Extra bhyve flags from bhyve_options, split on spaces as vm-bhyve does. */
  bhyveOptions: string[];
}

/** Keys vm-bhyve does not know carry this prefix; vm-bhyve ignores them. */
export const KEY = {
  backend: 'hivedesk_backend',
  profile: 'hivedesk_profile',
  installMedia: 'hivedesk_install_media',
} as const;

export function toGuestConfig(name: string, doc: ConfDocument, defaultBackend: BackendId): GuestConfig {
  const get = (key: string) => getValue(doc, key);
  const backend = BackendId.safeParse(get(KEY.backend));
  const media = get(KEY.installMedia);
  const uuid = get('uuid');
  const topology = readTopology(get);
  return {
    name,
    backend: backend.success ? backend.data : defaultBackend,
    profile: get(KEY.profile) ?? 'other',
    loader: get('loader') ?? 'bhyveload',
    cpus: Number(get('cpu') ?? '1') || 1,
    memory: get('memory') ?? '256M',
    disks: indexed(doc, 'disk', 'name').map((diskName, i) => {
      const opts = get(`disk${i}_opts`);
      return { name: diskName, type: get(`disk${i}_type`) ?? 'virtio-blk', dev: get(`disk${i}_dev`) ?? 'file', ...(opts ? { opts } : {}) };
    }),
    // vm-bhyve counts NICs by networkN_type; a NIC may have a tap device and no switch.
    networks: indexed(doc, 'network', 'type').map((type, i) => {
      const mac = get(`network${i}_mac`);
      const device = get(`network${i}_device`);
      return { type, switch: get(`network${i}_switch`) ?? '', ...(mac ? { mac } : {}), ...(device ? { device } : {}) };
    }),
    comports: (get('comports') ?? 'com1').split(/\s+/).filter(Boolean),
    ...(media ? { installMedia: media } : {}),
    ...(uuid ? { uuid } : {}),
    ...(topology ? { topology } : {}),
    ...(isYes(get('graphics')) ? { graphics: readGraphics(get) } : {}),
    xhciMouse: isYes(get('xhci_mouse')),
    uefiVars: isYes(get('uefi_vars')),
    utcTime: get('utctime') === undefined ? true : isYes(get('utctime')),
    wiredMemory: isYes(get('wired_memory')),
    hostbridge: get('hostbridge') ?? 'standard',
    grub: {
      ...optional('runPartition', get('grub_run_partition')),
      ...optional('runDir', get('grub_run_dir')),
      ...optional('runFile', get('grub_run_file')),
    },
    bhyveOptions: (get('bhyve_options') ?? '').split(' ').filter(Boolean),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

function readTopology(get: (key: string) => string | undefined): GuestConfig['topology'] {
  const [sockets, cores, threads] = ['cpu_sockets', 'cpu_cores', 'cpu_threads'].map((k) => Number(get(k)));
  if (!sockets || !cores || !threads) return undefined;
  return { sockets, cores, threads };
}

function readGraphics(get: (key: string) => string | undefined): GraphicsConfig {
  const res = /^(\d+)x(\d+)$/.exec(get('graphics_res') ?? '');
  const wait = get('graphics_wait');
  const port = Number(get('graphics_port'));
  return {
    // vm-bhyve listens on 0.0.0.0 by default; Hivedesk keeps VNC on loopback unless told otherwise.
    listen: get('graphics_listen') ?? '127.0.0.1',
    width: Number(res?.[1] ?? 1024),
    height: Number(res?.[2] ?? 768),
    wait: wait === 'yes' || wait === 'no' ? wait : 'auto',
    ...(Number.isInteger(port) && port > 0 ? { port } : {}),
  };
}

/** A new guest's .conf, with the keys and spellings vm-bhyve's own templates use. */
export function newGuestDoc(input: CreateVmInput, backend: BackendId): ConfDocument {
  const profile = PROFILES[input.profile];
  const values: [string, string][] = [
    ['loader', profile.bhyveLoader],
    ['cpu', String(input.cpus)],
    ['memory', input.memory],
    ['network0_type', 'virtio-net'],
    ['network0_switch', 'public'],
    ['disk0_type', 'virtio-blk'],
    ['disk0_name', 'disk0.img'],
    ['comports', 'com1'],
    // vm-bhyve's `vm create` writes the uuid and network0's MAC; the other NICs get theirs at first start.
    ['uuid', newUuid()],
    ['network0_mac', newMac()],
    [KEY.backend, backend],
    [KEY.profile, input.profile],
  ];
  if (input.installMedia) values.push([KEY.installMedia, input.installMedia]);
  return values.reduce((doc, [k, v]) => setValue(doc, k, v), parseConf(''));
}

/** `N[,sockets=S,cores=C,threads=T]`, as bhyve's -c and QEMU's -smp both take it; a topology must multiply out to N (bhyve exits otherwise). */
export function cpuSpec(guest: GuestConfig): string {
  const t = guest.topology;
  if (!t) return String(guest.cpus);
  if (t.sockets * t.cores * t.threads !== guest.cpus) {
    throw new RangeError(`CPU topology ${t.sockets} sockets x ${t.cores} cores x ${t.threads} threads does not make ${guest.cpus} vCPUs`);
  }
  return `${guest.cpus},sockets=${t.sockets},cores=${t.cores},threads=${t.threads}`;
}

/** A MAC address as vm-bhyve writes it; anything else in networkN_mac would become extra device options. */
export function checkedMac(nic: NicConfig, index: number): string | undefined {
  if (nic.mac === undefined) return undefined;
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(nic.mac)) throw new RangeError(`network${index}_mac "${nic.mac}" is not a MAC address like 58:9c:fc:0c:55:42`);
  return nic.mac;
}
