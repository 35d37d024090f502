import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type VmSettings, VmSettings as Schema } from '../../shared/api/settings.js';
import { parseConf, serializeConf } from './conf.js';
import { applySettings, changedFields, otherKeys, readSettings } from './settings-conf.js';

/** The Windows example of the vm-bhyve reference, as a person keeps it: comments, a blank line, foreign keys. */
const WINDOWS = `# Windows 11 guest, made by hand
loader="uefi"
cpu=2
memory=4G   # raised for updates
graphics="yes"
graphics_listen="127.0.0.1"
xhci_mouse="yes"

# disks
disk0_type="ahci-hd"
disk0_name="disk0.img"
disk1_type="virtio-blk"
disk1_name="data.img"  # the D: drive
disk1_opts="nocache"
disk2_type="nvme"
disk2_name="scratch.img"
disk2_size="20G"
network0_type="e1000"
network0_switch="public"
network0_device="tap9"
utctime="no"
uefi_vars="yes"
prestart="/usr/local/bin/wake-nas"
acme_backup_window=02:00-04:00
  indented_key="never read by vm-bhyve"
uuid="7c5d6a97-a3b2-11f0-8b04-002590d922d0"
network0_mac="58:9c:fc:0c:55:42"
`;

const edit = (text: string, change: (s: VmSettings) => VmSettings) => {
  const doc = parseConf(text);
  return serializeConf(applySettings(doc, Schema.parse(change(readSettings(doc)))));
};

test('the form reads what vm-bhyve reads, with its defaults', { timeout: 5_000 }, () => {
  const s = readSettings(parseConf(WINDOWS));
  assert.equal(s.cpus, 2);
  assert.equal(s.memory, '4G');
  assert.equal(s.loader, 'uefi');
  assert.equal(s.utcTime, false);
  assert.equal(s.graphics.enabled, true);
  assert.equal(s.graphics.tablet, true);
  assert.equal(s.graphics.port, 'auto');
  assert.deepEqual(s.comports, ['com1']);
  assert.deepEqual(
    s.disks.map((d) => [d.name, d.type, d.dev, d.opts, d.from]),
    [
      ['disk0.img', 'ahci-hd', 'file', '', 0],
      ['data.img', 'virtio-blk', 'file', 'nocache', 1],
      ['scratch.img', 'nvme', 'file', '', 2],
    ],
  );
  assert.deepEqual(s.networks, [{ type: 'e1000', switch: 'public', mac: '58:9c:fc:0c:55:42', from: 0 }]);
  // What the form does not edit is listed, and kept.
  assert.deepEqual(
    otherKeys(parseConf(WINDOWS)).map((k) => k.key),
    ['disk2_size', 'network0_device', 'prestart', 'acme_backup_window', 'uuid'],
  );
});

test('saving the form unchanged changes no byte', { timeout: 5_000 }, () => {
  assert.equal(edit(WINDOWS, (s) => s), WINDOWS);
});

test('a memory edit rewrites that line only, keeping its comment; the rest survives byte for byte', { timeout: 5_000 }, () => {
  const after = edit(WINDOWS, (s) => ({ ...s, memory: '6G' }));
  assert.equal(after, WINDOWS.replace('memory=4G   # raised for updates', 'memory="6G"   # raised for updates'));
});

test('an edit to a key absent from the file appends it; a default that did not change is not written', { timeout: 5_000 }, () => {
  const after = edit(WINDOWS, (s) => ({ ...s, cpus: 4, sockets: 1, cores: 2, threads: 2, description: 'Office PC' }));
  assert.equal(after, WINDOWS.replace('cpu=2', 'cpu="4"') + 'hivedesk_description="Office PC"\ncpu_sockets="1"\ncpu_cores="2"\ncpu_threads="2"\n');
});

test('detaching disk1 drops its lines and renumbers disk2 in place, with its unknown keys', { timeout: 5_000 }, () => {
  const after = edit(WINDOWS, (s) => ({ ...s, disks: s.disks.filter((d) => d.name !== 'data.img') }));
  const expected = WINDOWS.replace('disk1_type="virtio-blk"\ndisk1_name="data.img"  # the D: drive\ndisk1_opts="nocache"\n', '')
    .replace('disk2_type="nvme"', 'disk1_type="nvme"')
    .replace('disk2_name="scratch.img"', 'disk1_name="scratch.img"')
    .replace('disk2_size="20G"', 'disk1_size="20G"');
  assert.equal(after, expected);
  assert.deepEqual(readSettings(parseConf(after)).disks.map((d) => d.name), ['disk0.img', 'scratch.img']);
});

test('reordering disks swaps their key numbers, values and comments staying on their lines', { timeout: 5_000 }, () => {
  const after = edit(WINDOWS, (s) => ({ ...s, disks: [s.disks[0], s.disks[2], s.disks[1]].filter((d) => d !== undefined) }));
  assert.deepEqual(readSettings(parseConf(after)).disks.map((d) => [d.name, d.opts]), [['disk0.img', ''], ['scratch.img', ''], ['data.img', 'nocache']]);
  assert.match(after, /^disk2_name="data.img" {2}# the D: drive$/m);
  assert.match(after, /^disk1_size="20G"$/m);
});

test('a new disk and a new NIC are appended as vm-bhyve would write them', { timeout: 5_000 }, () => {
  const after = edit(WINDOWS, (s) => ({
    ...s,
    disks: [...s.disks, { type: 'virtio-blk', dev: 'file', name: 'disk3.img', opts: '', size: '8G' }],
    networks: [...s.networks, { type: 'virtio-net', switch: 'lan', mac: '' }],
  }));
  assert.equal(after, `${WINDOWS}disk3_name="disk3.img"\ndisk3_type="virtio-blk"\ndisk3_dev="file"\nnetwork1_type="virtio-net"\nnetwork1_switch="lan"\n`);
});

test('removing network0 takes its MAC and device with it; what follows moves down', { timeout: 5_000 }, () => {
  const two = `${WINDOWS}network1_type="virtio-net"\nnetwork1_switch="lan"\nnetwork1_mac="58:9c:fc:01:02:03"\n`;
  const after = edit(two, (s) => ({ ...s, networks: s.networks.slice(1) }));
  assert.doesNotMatch(after, /network0_device|58:9c:fc:0c:55:42|network1_/);
  assert.deepEqual(readSettings(parseConf(after)).networks, [{ type: 'virtio-net', switch: 'lan', mac: '58:9c:fc:01:02:03', from: 0 }]);
});

test('turning graphics on writes the listen address shown, since vm-bhyve would listen on 0.0.0.0', { timeout: 5_000 }, () => {
  const after = edit('loader="uefi"\n', (s) => ({ ...s, graphics: { ...s.graphics, enabled: true } }));
  assert.equal(after, 'loader="uefi"\ngraphics="yes"\ngraphics_listen="127.0.0.1"\n');
});

test('changed fields name what differs, graphics by its parts', { timeout: 5_000 }, () => {
  const a = readSettings(parseConf(WINDOWS));
  assert.deepEqual(changedFields(a, { ...a, memory: '8G', graphics: { ...a.graphics, port: 5901 }, disks: a.disks.slice(0, 1) }), ['memory', 'graphics.port', 'disks']);
  assert.deepEqual(changedFields(a, a), []);
});
