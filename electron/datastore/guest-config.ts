import { BackendId, type CreateVmInput } from '../../shared/api/vms.js';
import { NEW_SCREEN_RESOLUTION, PROFILES } from '../../shared/profiles.js';
import { type ConfDocument, entries, getValue, indexed, isYes, parseConf, setValue } from './conf.js';
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
  /** networkN_name: the name the new tap gets (`ifconfig tap create name <name>`). */
  name?: string;
  /** networkN_span: the tap joins its bridge as a span port (a copy of all traffic), not as a member. */
  span?: boolean;
}

export interface GraphicsConfig {
  port?: number;
  listen: string;
  width: number;
  height: number;
  /** vm-bhyve's graphics_wait: auto waits only while installing. */
  wait: 'auto' | 'yes' | 'no';
  /** graphics_vga: on | io | off (bhyve's default io when unset). */
  vga?: string;
  /** vnc_password, passed to bhyve as the framebuffer's password. */
  password?: string;
}

/** passthruN (`bus/slot/function`, or `b/s/f=slot:func` to pin the guest address) and passthruN_options. */
export interface PassthruConfig {
  device: string;
  options?: string;
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
  /** grub_run_partition etc., for loader="grub"; install and run are the grub_installN / grub_runN commands. */
  grub: { runPartition?: string; runDir?: string; runFile?: string; install: string[]; run: string[] };
  /** Extra bhyve flags from bhyve_options, split on spaces as vm-bhyve does. */
  bhyveOptions: string[];
  /** loader_timeout: seconds bhyveload's and grub.cfg's menus wait (vm-bhyve's default 3). */
  loaderTimeout: string;
  /** bhyveload_args (split as the shell splits them) and bhyveload_loader (`-l`). */
  bhyveload: { args: string[]; loader?: string };
  /** ignore_msr="yes": one more `w` on bhyve's flags. */
  ignoreMsr: boolean;
  passthru: PassthruConfig[];
  virtRandom: boolean;
  /** virt_consoleN port names; yes/on/1 name a port by its index. */
  virtConsoles: string[];
  /** sound="yes": an hda device playing to sound_play (default /dev/dsp0), recording from sound_rec. */
  sound?: { play: string; rec?: string };
  /** fwcfg: bhyve | qemu, the LPC's firmware configuration interface. */
  fwcfg?: string;
  /** start_slot (4): the first PCI slot for disks; install_slot (3): where the install media goes. */
  startSlot: number;
  installSlot: number;
  /** ahci_device_limit: ahci disks per ahci controller (1, or 2 to 32). */
  ahciDeviceLimit: number;
  /** nulliso_fix: a UEFI guest that is not installing gets `.config/null.iso` as a CD. */
  nullIso: boolean;
  /** on_restart (bhyve exit 0, default restart) and on_fault (exits 3 and up, default shutdown). */
  onRestart: string;
  onFault: string;
  /** Every key vm-bhyve reads from the file, with its value: the key catalog says which ones a backend applies. */
  keys: ReadonlyMap<string, string>;
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
  const fwcfg = get('fwcfg');
  return {
    name,
    backend: backend.success ? backend.data : defaultBackend,
    profile: get(KEY.profile) ?? 'other',
    loader: get('loader') ?? 'bhyveload',
    cpus: Number(get('cpu') ?? '1') || 1,
    memory: get('memory') ?? '256M',
    disks: readDisks(doc),
    networks: readNetworks(doc),
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
      install: indexed(doc, 'grub_install', ''),
      run: indexed(doc, 'grub_run', ''),
    },
    bhyveOptions: words(get('bhyve_options')),
    loaderTimeout: get('loader_timeout') || '3',
    bhyveload: { args: words(get('bhyveload_args')), ...optional('loader', get('bhyveload_loader')) },
    ignoreMsr: isYes(get('ignore_msr')),
    passthru: indexed(doc, 'passthru', '').map((device, i) => ({ device, ...optional('options', get(`passthru${i}_options`)) })),
    virtRandom: isYes(get('virt_random')),
    virtConsoles: readVirtConsoles(doc),
    ...(isYes(get('sound')) ? { sound: { play: get('sound_play') || '/dev/dsp0', ...optional('rec', get('sound_rec')) } } : {}),
    ...(fwcfg ? { fwcfg } : {}),
    // Checked where they are used (a bad slot must not hide the guest from the list).
    startSlot: Number(get('start_slot') || DEFAULT_START_SLOT),
    installSlot: Number(get('install_slot') || DEFAULT_INSTALL_SLOT),
    ahciDeviceLimit: ahciLimit(get('ahci_device_limit')),
    nullIso: isYes(get('nulliso_fix')),
    onRestart: get('on_restart') || 'restart',
    onFault: get('on_fault') || 'shutdown',
    keys: new Map(entries(doc)),
  };
}

/** vm-run's `_slot` / `_install_slot` defaults. */
const DEFAULT_START_SLOT = 4;
const DEFAULT_INSTALL_SLOT = 3;

function readDisks(doc: ConfDocument): DiskConfig[] {
  const get = (key: string) => getValue(doc, key);
  return indexed(doc, 'disk', 'name').map((diskName, i) => {
    const opts = get(`disk${i}_opts`);
    return { name: diskName, type: get(`disk${i}_type`) ?? 'virtio-blk', dev: get(`disk${i}_dev`) ?? 'file', ...(opts ? { opts } : {}) };
  });
}

/** vm-bhyve counts NICs by networkN_type; a NIC may have a tap device and no switch. */
function readNetworks(doc: ConfDocument): NicConfig[] {
  const get = (key: string) => getValue(doc, key);
  return indexed(doc, 'network', 'type').map((type, i) => ({
    type,
    switch: get(`network${i}_switch`) ?? '',
    ...optional('mac', get(`network${i}_mac`)),
    ...optional('device', get(`network${i}_device`)),
    ...optional('name', get(`network${i}_name`)),
    ...(isYes(get(`network${i}_span`)) ? { span: true } : {}),
  }));
}

/** vm::bhyve_device_console: virt_console0.. up to 16 ports; `yes`, `on` and `1` name a port by its index. */
function readVirtConsoles(doc: ConfDocument): string[] {
  return indexed(doc, 'virt_console', '')
    .slice(0, 16)
    .map((port, i) => (/^(yes|on|1)$/i.test(port) ? String(i) : port));
}

/** Unquoted shell expansion in vm-bhyve splits these values on blanks. */
function words(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter(Boolean);
}

/** vm::bhyve_device_disks: a number from 2 to 32 packs ahci disks onto shared controllers; anything else means 1. */
function ahciLimit(value: string | undefined): number {
  const limit = /^[0-9]+$/.test(value ?? '') ? Number(value) : 1;
  return limit > 1 && limit <= 32 ? limit : 1;
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
    ...optional('vga', get('graphics_vga')),
    ...optional('password', get('vnc_password')),
  };
}

/**
 * A new guest's .conf, with the keys and spellings vm-bhyve's own templates use; `backendKeys` are the ones its
 * backend gives this kind of guest (bhyve's loader), and win over the common ones.
 */
export function newGuestDoc(input: CreateVmInput, backend: BackendId, backendKeys: Readonly<Record<string, string>> = {}): ConfDocument {
  const values: [string, string][] = [
    ['cpu', String(input.cpus)],
    ['memory', input.memory],
    ['network0_type', 'virtio-net'],
    ['network0_switch', 'public'],
    ['disk0_type', 'virtio-blk'],
    ['disk0_name', 'disk0.img'],
    ['comports', 'com1'],
    // vm-bhyve's `vm create` writes the uuid and network0's MAC; the other NICs get theirs at first start.
    ['uuid', input.uuid ?? newUuid()],
    ['network0_mac', input.mac ?? newMac()],
    [KEY.backend, backend],
    [KEY.profile, input.profile],
  ];
  if (input.installMedia) values.push([KEY.installMedia, input.installMedia]);
  // On loopback, written out: vm-bhyve's own default is every address.
  if (PROFILES[input.profile].screen) values.push(['graphics', 'yes'], ['graphics_listen', '127.0.0.1'], ['graphics_res', NEW_SCREEN_RESOLUTION], ['xhci_mouse', 'yes']);
  const first = Object.entries(backendKeys).filter(([key]) => !values.some(([k]) => k === key));
  const merged = values.map(([key, value]): [string, string] => [key, backendKeys[key] ?? value]);
  return [...first, ...merged].reduce((doc, [k, v]) => setValue(doc, k, v), parseConf(''));
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
