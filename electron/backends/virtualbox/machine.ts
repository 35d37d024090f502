// A VirtualBox machine as `showvminfo --machinereadable` describes it, read into the VM model every backend maps
// from, plus what only VirtualBox has (its settings file, its serial sockets, its VRDE). Pure.

import { parseConf, setValue } from '../../datastore/conf.js';
import { type GuestConfig, KEY, toGuestConfig } from '../../datastore/guest-config.js';
import { CONTROLLER } from './vboxmanage.js';

export interface VboxMachine {
  guest: GuestConfig;
  uuid: string;
  /** Its settings file (CfgFile): a change to it is a change to the machine. */
  cfgFile: string;
  /** VMState: running, poweroff, aborted, saved, paused… */
  state: string;
  /** comN -> uartmodeN ("server,/path", "disconnected", …). */
  uarts: Record<string, string>;
  vrde: { on: boolean; address: string; port: number };
}

const PROFILE: Record<string, string> = { FreeBSD: 'freebsd', Linux: 'linux', Windows: 'windows' };

export function readMachine(lines: ReadonlyArray<[string, string]>): VboxMachine {
  const info = new Map(lines);
  const get = (key: string) => info.get(key);
  const name = get('name') ?? '';
  const values: Array<[string, string]> = [
    ['cpu', get('cpus') ?? '1'],
    ['memory', `${get('memory') ?? '0'}M`],
    ['uuid', get('UUID') ?? ''],
    [KEY.backend, 'virtualbox'],
    [KEY.profile, profileOf(get('ostype') ?? '')],
  ];
  const { disks, dvd } = readDrives(lines);
  disks.forEach((path, i) => values.push([`disk${i}_type`, 'ahci-hd'], [`disk${i}_name`, path], [`disk${i}_dev`, 'custom']));
  for (let nic = 1; get(`nic${nic}`) !== undefined; nic++) {
    if (get(`nic${nic}`) === 'none') continue;
    const i = nic - 1;
    values.push([`network${i}_type`, 'e1000'], [`network${i}_switch`, get(`nic${nic}`) ?? '']);
    const mac = get(`macaddress${nic}`);
    if (mac && /^[0-9A-F]{12}$/i.test(mac)) values.push([`network${i}_mac`, mac.toLowerCase().replace(/(..)(?!$)/g, '$1:')]);
  }
  const uarts: Record<string, string> = {};
  for (let n = 1; n <= 4; n++) if (get(`uart${n}`) && get(`uart${n}`) !== 'off') uarts[`com${n}`] = get(`uartmode${n}`) ?? 'disconnected';
  values.push(['comports', Object.keys(uarts).join(' ')]);
  if (dvd) values.push([KEY.installMedia, dvd]);
  const doc = values.reduce((d, [key, value]) => setValue(d, key, value), parseConf(''));
  return {
    guest: toGuestConfig(name, doc, 'virtualbox'),
    uuid: get('UUID') ?? '',
    cfgFile: get('CfgFile') ?? '',
    state: get('VMState') ?? 'unknown',
    uarts,
    vrde: { on: get('vrde') === 'on', address: get('vrdeaddress') || '0.0.0.0', port: Number(get('vrdeport') ?? -1) },
  };
}

/**
 * The media on Hivedesk's controller, in port order: VBoxManage follows a DVD drive's medium with its
 * `"<controller>-IsEjected"` line, a hard disk's with none. An empty drive (emptydrive) or port (none) holds nothing.
 */
function readDrives(lines: ReadonlyArray<[string, string]>): { disks: string[]; dvd?: string } {
  const media: Array<{ path: string; dvd: boolean }> = [];
  for (const [key, value] of lines) {
    if (new RegExp(`^${CONTROLLER}-\\d+-\\d+$`).test(key)) media.push({ path: value, dvd: false });
    else if (key === `${CONTROLLER}-IsEjected` && media.length) (media.at(-1) as { dvd: boolean }).dvd = true;
  }
  const held = media.filter((m) => m.path !== 'none' && m.path !== 'emptydrive');
  const dvd = held.find((m) => m.dvd)?.path;
  return { disks: held.filter((m) => !m.dvd).map((m) => m.path), ...(dvd ? { dvd } : {}) };
}

function profileOf(ostype: string): string {
  const family = Object.keys(PROFILE).find((f) => ostype.startsWith(f));
  return family ? (PROFILE[family] ?? 'other') : 'other';
}
