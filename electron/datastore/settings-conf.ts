// The Settings form's values <-> a vm-bhyve guest .conf. Pure: reads go through toGuestConfig (the one
// reader of what backends run), and a write touches only the keys of fields whose values changed, so
// comments, ordering and keys the form does not know survive byte for byte.

import type { BackendId } from '../../shared/api/vms.js';
import type { DiskSettings, NicSettings, VmSettings } from '../../shared/api/settings.js';
import { formatSizeMiB, HOSTBRIDGES, parseSizeMiB } from '../../shared/validation.js';
import { type ConfDocument, entries, getValue, isYes, removeKey, renameKeys, setValue } from './conf.js';
import { KEY, toGuestConfig } from './guest-config.js';

/** A description has no vm-bhyve key; vm-bhyve ignores keys it does not know. */
export const DESCRIPTION_KEY = 'hivedesk_description';

const DEFAULT_RESOLUTION = '1024x768';
const yesNo = (value: boolean) => (value ? 'yes' : 'no');

/** What the form shows for a guest: vm-bhyve's defaults where a key is absent, sizes in their shortest spelling. */
export function readSettings(doc: ConfDocument, backend: BackendId = 'bhyve'): VmSettings {
  const guest = toGuestConfig('settings', doc, backend);
  const get = (key: string) => getValue(doc, key);
  const port = Number(get('graphics_port'));
  const wait = get('graphics_wait');
  return {
    description: get(DESCRIPTION_KEY) ?? '',
    tags: (get('tags') ?? '').split(/\s+/).filter(Boolean).join(' '),
    cpus: guest.cpus,
    sockets: guest.topology?.sockets,
    cores: guest.topology?.cores,
    threads: guest.topology?.threads,
    memory: shortSize(guest.memory),
    loader: guest.loader as VmSettings['loader'],
    uefiVars: guest.uefiVars,
    installMedia: guest.installMedia,
    disks: guest.disks.map((d, i) => ({ type: d.type, dev: d.dev, name: d.name, opts: d.opts ?? '', from: i, size: undefined }) as DiskSettings),
    networks: guest.networks.map((n, i) => ({ type: n.type, switch: n.switch, mac: (n.mac ?? '').toLowerCase(), from: i }) as NicSettings),
    graphics: {
      enabled: isYes(get('graphics')),
      listen: get('graphics_listen') ?? '127.0.0.1',
      port: Number.isInteger(port) && port > 0 ? port : 'auto',
      resolution: get('graphics_res') ?? DEFAULT_RESOLUTION,
      wait: wait === 'yes' || wait === 'no' ? wait : 'auto',
      tablet: guest.xhciMouse,
    },
    comports: guest.comports as VmSettings['comports'],
    bhyveOptions: guest.bhyveOptions.join(' '),
    utcTime: guest.utcTime,
    hostbridge: hostbridge(guest.hostbridge),
    wiredMemory: guest.wiredMemory,
  };
}

function shortSize(text: string): string {
  const mib = parseSizeMiB(text);
  return mib !== undefined && Number.isInteger(mib) ? formatSizeMiB(mib) : text;
}

/** vm-run: `amd` is amd_hostbridge, anything starting `no` is none, the rest standard. */
function hostbridge(value: string): VmSettings['hostbridge'] {
  if (value.startsWith('no')) return 'none';
  return HOSTBRIDGES.find((h) => h === value) ?? 'standard';
}

type Writer = (doc: ConfDocument, s: VmSettings, before: VmSettings) => ConfDocument;

const setOrRemove = (key: string, value: string | undefined): ((doc: ConfDocument) => ConfDocument) => (doc) =>
  value === undefined || value === '' ? removeKey(doc, key) : setValue(doc, key, value);

/** One entry per field (or group of fields written together): the keys it owns and how it writes them. */
const FIELDS: Array<{ fields: string[]; write: Writer }> = [
  { fields: ['description'], write: (doc, s) => setOrRemove(DESCRIPTION_KEY, s.description)(doc) },
  { fields: ['tags'], write: (doc, s) => setOrRemove('tags', s.tags)(doc) },
  { fields: ['cpus'], write: (doc, s) => setValue(doc, 'cpu', String(s.cpus)) },
  {
    fields: ['sockets', 'cores', 'threads'],
    write: (doc, s) =>
      (
        [
          ['cpu_sockets', s.sockets],
          ['cpu_cores', s.cores],
          ['cpu_threads', s.threads],
        ] as const
      ).reduce((d, [key, n]) => setOrRemove(key, n === undefined ? undefined : String(n))(d), doc),
  },
  { fields: ['memory'], write: (doc, s) => setValue(doc, 'memory', s.memory) },
  { fields: ['loader'], write: (doc, s) => setValue(doc, 'loader', s.loader) },
  { fields: ['uefiVars'], write: (doc, s) => setValue(doc, 'uefi_vars', yesNo(s.uefiVars)) },
  { fields: ['installMedia'], write: (doc, s) => setOrRemove(KEY.installMedia, s.installMedia)(doc) },
  {
    fields: ['graphics.enabled'],
    // vm-bhyve listens on 0.0.0.0 when graphics_listen is absent: turning graphics on writes the address shown.
    write: (doc, s) => {
      const on = setValue(doc, 'graphics', yesNo(s.graphics.enabled));
      return s.graphics.enabled && getValue(on, 'graphics_listen') === undefined ? setValue(on, 'graphics_listen', s.graphics.listen) : on;
    },
  },
  { fields: ['graphics.listen'], write: (doc, s) => setValue(doc, 'graphics_listen', s.graphics.listen) },
  { fields: ['graphics.port'], write: (doc, s) => setOrRemove('graphics_port', s.graphics.port === 'auto' ? undefined : String(s.graphics.port))(doc) },
  { fields: ['graphics.resolution'], write: (doc, s) => setValue(doc, 'graphics_res', s.graphics.resolution) },
  { fields: ['graphics.wait'], write: (doc, s) => setValue(doc, 'graphics_wait', s.graphics.wait) },
  { fields: ['graphics.tablet'], write: (doc, s) => setValue(doc, 'xhci_mouse', yesNo(s.graphics.tablet)) },
  { fields: ['comports'], write: (doc, s) => setValue(doc, 'comports', s.comports.join(' ')) },
  { fields: ['bhyveOptions'], write: (doc, s) => setOrRemove('bhyve_options', s.bhyveOptions)(doc) },
  { fields: ['utcTime'], write: (doc, s) => setValue(doc, 'utctime', yesNo(s.utcTime)) },
  { fields: ['hostbridge'], write: (doc, s) => setValue(doc, 'hostbridge', s.hostbridge) },
  { fields: ['wiredMemory'], write: (doc, s) => setValue(doc, 'wired_memory', yesNo(s.wiredMemory)) },
  { fields: ['disks'], write: (doc, s, before) => writeIndexed(doc, 'disk', before.disks.length, s.disks.map(diskKeys)) },
  { fields: ['networks'], write: (doc, s, before) => writeIndexed(doc, 'network', before.networks.length, s.networks.map(nicKeys)) },
];

/** Every field name the form has, as `changedFields` and pending marks name them. */
export const SETTING_FIELDS: readonly string[] = FIELDS.flatMap((f) => f.fields);

function fieldValue(s: VmSettings, field: string): unknown {
  return field.split('.').reduce<unknown>((v, part) => (v as Record<string, unknown> | undefined)?.[part], s);
}

/** The fields whose values differ, e.g. ['memory', 'disks']; what a running guest does not have yet. */
export function changedFields(a: VmSettings, b: VmSettings): string[] {
  return SETTING_FIELDS.filter((field) => JSON.stringify(fieldValue(a, field)) !== JSON.stringify(fieldValue(b, field)));
}

/**
 * The file with these settings: only fields that differ from what the file says are written, each
 * as sysrc would (in place, a trailing comment kept). Throws RangeError for a value the file cannot hold.
 */
export function applySettings(doc: ConfDocument, settings: VmSettings, backend: BackendId = 'bhyve'): ConfDocument {
  const before = readSettings(doc, backend);
  const changed = new Set(changedFields(before, settings));
  return FIELDS.filter((f) => f.fields.some((field) => changed.has(field))).reduce((d, f) => f.write(d, settings, before), doc);
}

/** One indexed entry: where it came from in the file, and its keys (suffix -> value, undefined = absent; [value, default]). */
interface IndexedEntry {
  from?: number;
  keys: Array<[suffix: string, value: string | undefined, fallback?: string]>;
}

/** vm-bhyve's `vm add` writes name, type, dev in this order. */
function diskKeys(d: DiskSettings): IndexedEntry {
  return {
    ...(d.from !== undefined ? { from: d.from } : {}),
    keys: [
      ['name', d.name],
      ['type', d.type, 'virtio-blk'],
      ['dev', d.dev, 'file'],
      ['opts', d.opts || undefined],
    ],
  };
}

function nicKeys(n: NicSettings): IndexedEntry {
  return {
    ...(n.from !== undefined ? { from: n.from } : {}),
    keys: [
      ['type', n.type],
      ['switch', n.switch || undefined],
      ['mac', n.mac || undefined],
    ],
  };
}

/**
 * diskN_* / networkN_* for a new list. Entries that stay keep their lines, renumbered in place
 * (keys the form does not know, such as networkN_device, move with them); removed ones lose all their
 * lines; later ones move down, since vm-bhyve reads indexes from 0 to the first gap. Then each entry's
 * keys are written where they differ, an absent key counting as its default for an entry that stays.
 */
export function writeIndexed(doc: ConfDocument, prefix: string, oldCount: number, list: IndexedEntry[]): ConfDocument {
  const target = new Map(list.flatMap((entry, i) => (entry.from === undefined ? [] : [[entry.from, i] as const])));
  const pattern = new RegExp(`^${prefix}(\\d+)_(.+)$`);
  const moved = [...Array(oldCount).keys()].some((i) => target.get(i) !== i);
  let next = !moved
    ? doc
    : renameKeys(doc, (key) => {
        const m = pattern.exec(key);
        const index = Number(m?.[1]);
        if (!m || index >= oldCount) return key;
        const to = target.get(index);
        return to === undefined ? null : `${prefix}${to}_${m[2]}`;
      });
  list.forEach((entry, i) => {
    for (const [suffix, value, fallback] of entry.keys) {
      const key = `${prefix}${i}_${suffix}`;
      const current = getValue(next, key);
      // A new entry gets every key spelled out, as `vm add` writes name, type and dev.
      if ((entry.from === undefined ? current : (current ?? fallback)) === value) continue;
      next = value === undefined ? removeKey(next, key) : setValue(next, key, value);
    }
  });
  return next;
}

const FORM_KEY = /^(disk\d+_(name|type|dev|opts)|network\d+_(type|switch|mac)|cpu|cpu_sockets|cpu_cores|cpu_threads|memory|loader|uefi_vars|graphics|graphics_listen|graphics_port|graphics_res|graphics_wait|xhci_mouse|comports|bhyve_options|utctime|hostbridge|wired_memory|tags)$/;

/** The file's keys the form does not edit (uuid, passthru, grub lines, keys of other tools…), in file order. */
export function otherKeys(doc: ConfDocument): Array<{ key: string; value: string }> {
  return entries(doc)
    .filter(([key]) => !FORM_KEY.test(key) && key !== DESCRIPTION_KEY && key !== KEY.installMedia)
    .map(([key, value]) => ({ key, value }));
}
