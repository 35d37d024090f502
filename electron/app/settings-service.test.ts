import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { SettingsView, VmSettings } from '../../shared/api/settings.js';
import type { VmSummary } from '../../shared/api/vms.js';
import { recordBootedConf } from '../datastore/conf-history.js';
import { startQemuStandIn, stopChild } from '../testing/lifecycle.js';
import { dispatch, type Handlers } from './dispatcher.js';
import { createHost, type Host } from './host.js';

/** The Settings requests through the dispatcher, as the form and any other client make them (QEMU backend, temp datastore). */
let root: string;
let datastore: string;
let host: Host;
let handlers: Handlers;
let standIn: ChildProcess | undefined;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-settings-'));
  datastore = join(root, 'vm');
  host = await createHost({ datastore, backend: 'qemu' });
  handlers = host.handlers(() => 'ws://unused');
});

after(async () => {
  host.dispose();
  await rm(root, { recursive: true, force: true });
});

afterEach(async () => {
  if (standIn) await stopChild(standIn, 'the qemu stand-in');
  standIn = undefined;
});

async function call<T>(channel: string, input: unknown): Promise<T> {
  const result = await dispatch(handlers, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

let made = 0;
/** A fresh guest per test, made as the wizard makes one. */
async function guest(): Promise<{ name: string; conf: string; view: SettingsView }> {
  const name = `set${++made}`;
  await call('createVm', { name, profile: 'linux', cpus: 2, memory: '1G', diskSize: '64M' });
  return { name, conf: join(datastore, name, `${name}.conf`), view: await call<SettingsView>('getSettings', { name }) };
}

const save = (name: string, revision: string, settings: VmSettings) => dispatch(handlers, 'saveSettings', { name, revision, settings });

test('each field refuses a bad value at main: the answer names the field, and the file is unchanged', { timeout: 30_000 }, async () => {
  const { name, conf, view } = await guest();
  const before = await readFile(conf, 'utf8');
  const s = view.settings;
  const bad: Array<[string, unknown, string]> = [
    ['settings.cpus', { ...s, cpus: 0 }, 'CPUs must be between 1 and 64.'],
    ['settings.memory', { ...s, memory: 'lots' }, 'Memory must be a number with an optional unit M, G or T, for example 512M or 2G.'],
    ['settings.memory', { ...s, memory: '16M' }, 'Memory must be between 32M and 1T.'],
    ['settings.sockets', { ...s, sockets: 2, cores: 2, threads: 2 }, '2 sockets × 2 cores × 2 threads make 8 CPUs, not 2.'],
    ['settings.cores', { ...s, sockets: 1 }, 'Set sockets, cores and threads together, or leave all three empty.'],
    ['settings.description', { ...s, description: 'a"b' }, 'The description cannot contain " # $ ` \\ or a line break (vm-bhyve\'s file could not keep it).'],
    ['settings.tags', { ...s, tags: 'web,db' }, 'Tags are words of letters, digits, ".", "_" and "-", separated by spaces.'],
    ['settings.loader', { ...s, loader: 'lilo' }, 'Choose a loader from the list.'],
    ['settings.installMedia', { ...s, installMedia: 'relative.iso' }, 'Use an absolute path (starting with "/").'],
    ['settings.disks.0.name', { ...s, disks: [{ ...s.disks[0], name: '../../etc/passwd' }] }, 'Use a plain name such as disk1.img: letters, digits, ".", "_" and "-", no "/".'],
    ['settings.disks.1.size', { ...s, disks: [...s.disks, { type: 'virtio-blk', dev: 'file', name: 'disk1.img', opts: '', size: '10X' }] }, 'Disk size must be a number with an optional unit M, G or T, for example 512M or 2G.'],
    ['settings.disks.0.opts', { ...s, disks: [{ ...s.disks[0], opts: 'nocache;reboot' }] }, 'Options are words like nocache,direct or sectorsize=512, separated by commas.'],
    ['settings.networks.0.mac', { ...s, networks: [{ ...s.networks[0], mac: '58:9c:fc:0c:55' }] }, 'A MAC address looks like 58:9c:fc:0c:55:42.'],
    ['settings.networks.0.switch', { ...s, networks: [{ ...s.networks[0], switch: 'a b' }] }, 'A switch name is letters, digits, ".", "_" and "-" (at most 31).'],
    ['settings.networks.0.type', { ...s, networks: [{ ...s.networks[0], type: 'rtl8139' }] }, 'Invalid option: expected one of "virtio-net"|"e1000"'],
    ['settings.graphics.listen', { ...s, graphics: { ...s.graphics, listen: 'example.org' } }, 'Use an IPv4 address such as 127.0.0.1 (0.0.0.0 listens on every interface).'],
    ['settings.graphics.port', { ...s, graphics: { ...s.graphics, port: 80 } }, 'Use a port between 1024 and 65535, or auto.'],
    ['settings.graphics.resolution', { ...s, graphics: { ...s.graphics, resolution: '4000x3000' } }, 'bhyve shows 640x480 up to 1920x1200.'],
    ['settings.comports.0', { ...s, comports: ['com7'] }, 'Invalid option: expected one of "com1"|"com2"|"com3"|"com4"'],
    ['settings.bhyveOptions', { ...s, bhyveOptions: '-m 64G' }, 'CPUs, memory, devices (-s), consoles (-l) and the UUID have fields of their own: set them there.'],
    ['settings.bhyveOptions', { ...s, bhyveOptions: '-A `reboot`' }, 'Extra options cannot contain " # $ ` \\ or a line break (vm-bhyve\'s file could not keep it).'],
    ['settings.hostbridge', { ...s, hostbridge: 'intel' }, 'Invalid option: expected one of "standard"|"amd"|"none"'],
  ];
  for (const [field, settings, message] of bad) {
    const result = await save(name, view.revision, settings as VmSettings);
    assert.equal(result.ok, false, field);
    if (result.ok) continue;
    assert.equal(result.error.code, 'invalid_input', field);
    assert.equal(result.error.fields?.[field], message, `${field}: ${JSON.stringify(result.error.fields)}`);
  }
  assert.equal(await readFile(conf, 'utf8'), before);
});

test('a save writes only what changed, keeps the previous text, and makes the new disk with the backend command', { timeout: 30_000 }, async () => {
  const { name, conf, view } = await guest();
  const before = await readFile(conf, 'utf8');
  const settings = { ...view.settings, memory: '2G', disks: [...view.settings.disks, { type: 'nvme', dev: 'file', name: 'data.img', opts: '', size: '32M' }] };
  const preview = await call<{ saveCommands: { argv: string[] }[]; start: { commands: { argv: string[] }[] } }>('previewSettings', { name, settings });
  const disk = join(datastore, name, 'data.img');
  assert.deepEqual(preview.saveCommands.map((c) => c.argv), [['truncate', '-s', '32M', disk]]);
  const qemu = preview.start.commands[0]?.argv.join(' ') ?? '';
  assert.ok(qemu.includes('-m 2048M '), qemu);
  assert.ok(qemu.includes(`-drive file=${join(datastore, name, 'disk0.img')},format=raw,if=virtio -drive file=${disk},format=raw,if=none,id=disk1 -device nvme`), qemu);
  await assert.rejects(stat(disk), 'a preview runs nothing');

  const saved = await call<{ view: SettingsView; ran: { argv: string[] }[] }>('saveSettings', { name, revision: view.revision, settings });
  assert.equal((await stat(disk)).size, 32 * 1024 * 1024);
  const after = await readFile(conf, 'utf8');
  assert.equal(after, `${before.replace('memory="1G"', 'memory="2G"')}disk1_name="data.img"\ndisk1_type="nvme"\ndisk1_dev="file"\n`);
  assert.notEqual(saved.view.revision, view.revision);
  const history = await call<{ id: string; changedKeys: string[] }[]>('listSettingsHistory', { name });
  assert.equal(history.length, 1);
  assert.deepEqual(history[0]?.changedKeys.sort(), ['disk1_dev', 'disk1_name', 'disk1_type', 'memory']);
  assert.equal(await readFile(join(datastore, name, '.hivedesk', 'history', `${history[0]?.id}.conf`), 'utf8'), before);
});

test('a hand edit since the form was read is a conflict: nothing is overwritten', { timeout: 30_000 }, async () => {
  const { name, conf, view } = await guest();
  const edited = `${await readFile(conf, 'utf8')}# tuned by hand\nmemory_note="keep"\n`;
  await writeFile(conf, edited);
  const result = await save(name, view.revision, { ...view.settings, memory: '3G' });
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.error.code, 'conflict');
  assert.equal(await readFile(conf, 'utf8'), edited);
  assert.deepEqual(await readdir(join(datastore, name)).then((files) => files.includes('.hivedesk')), false);
});

test('history: a diff shows what a revert undoes; the revert is a save of its own, so it can be undone too', { timeout: 30_000 }, async () => {
  const { name, conf, view } = await guest();
  const original = await readFile(conf, 'utf8');
  const first = await call<{ view: SettingsView }>('saveSettings', { name, revision: view.revision, settings: { ...view.settings, cpus: 4 } });
  const second = await call<{ view: SettingsView }>('saveSettings', { name, revision: first.view.revision, settings: { ...first.view.settings, memory: '4G' } });
  const [newest, oldest] = await call<{ id: string }[]>('listSettingsHistory', { name });
  assert.ok(newest && oldest);
  const diff = await call<{ lines: string[] }[]>('diffSettingsHistory', { name, id: oldest.id });
  assert.deepEqual(diff.flatMap((h) => h.lines).filter((l) => l.startsWith('+') || l.startsWith('-')), ['-cpu="2"', '-memory="1G"', '+cpu="4"', '+memory="4G"']);

  const stale = await dispatch(handlers, 'revertSettings', { name, id: oldest.id, revision: view.revision });
  assert.equal(stale.ok, false, 'a revert quotes the revision too');
  await call('revertSettings', { name, id: oldest.id, revision: second.view.revision });
  assert.equal(await readFile(conf, 'utf8'), original);
  const history = await call<{ id: string }[]>('listSettingsHistory', { name });
  assert.equal(history.length, 3);
  assert.match(await readFile(join(datastore, name, '.hivedesk', 'history', `${history[0]?.id}.conf`), 'utf8'), /^memory="4G"$/m);
});

test('detaching a disk keeps its file and says where; a new disk over an existing file is refused', { timeout: 30_000 }, async () => {
  const { name, view } = await guest();
  const withData = await call<{ view: SettingsView }>('saveSettings', {
    name,
    revision: view.revision,
    settings: { ...view.settings, disks: [...view.settings.disks, { type: 'virtio-blk', dev: 'file', name: 'data.img', opts: '', size: '16M' }] },
  });
  const detached = await call<{ notes: string[] }>('saveSettings', { name, revision: withData.view.revision, settings: { ...withData.view.settings, disks: withData.view.settings.disks.slice(0, 1) } });
  const path = join(datastore, name, 'data.img');
  assert.ok(detached.notes.includes(`data.img is detached; the disk stays at ${path}.`), detached.notes.join(' | '));
  assert.equal((await stat(path)).size, 16 * 1024 * 1024);
  const again = await call<SettingsView>('getSettings', { name });
  const clash = await save(name, again.revision, { ...again.settings, disks: [...again.settings.disks, { type: 'virtio-blk', dev: 'file', name: 'data.img', opts: '', size: '20M' }] });
  assert.equal(clash.ok, false);
  if (!clash.ok) assert.equal(clash.error.fields?.['settings.disks.1.name'] ?? clash.error.message, `${path} exists already: attach it (no size), or choose another name.`);
  assert.equal((await stat(path)).size, 16 * 1024 * 1024, 'the kept file is not truncated');
  await call('saveSettings', { name, revision: again.revision, settings: { ...again.settings, disks: [...again.settings.disks, { type: 'virtio-blk', dev: 'file', name: 'data.img', opts: '' }] } });
  assert.deepEqual((await call<SettingsView>('getSettings', { name })).disks.map((d) => d.bytes), [64 * 1024 * 1024, 16 * 1024 * 1024]);
});

test('a disk grows with truncate, never shrinks, and not while the guest runs', { timeout: 30_000 }, async () => {
  const { name } = await guest();
  const path = join(datastore, name, 'disk0.img');
  const shrink = await dispatch(handlers, 'growDisk', { name, disk: 0, size: '32M' });
  assert.equal(shrink.ok, false);
  if (!shrink.ok) assert.equal(shrink.error.fields?.size, "disk0 is 64 MiB now: a disk can only grow (shrinking would cut off the guest's data).");
  const plan = await call<{ commands: { argv: string[] }[] }>('planGrowDisk', { name, disk: 0, size: '128M' });
  assert.deepEqual(plan.commands.map((c) => c.argv), [['truncate', '-s', '128M', path]]);
  assert.equal((await stat(path)).size, 64 * 1024 * 1024, 'a plan runs nothing');
  standIn = startQemuStandIn(name, root);
  await writeFile(join(datastore, name, 'qemu.pid'), `${standIn.pid}\n`);
  const running = await dispatch(handlers, 'growDisk', { name, disk: 0, size: '128M' });
  assert.equal(running.ok, false);
  if (!running.ok) assert.equal(running.error.message, `Stop ${name} before growing disk0.`);
  await stopChild(standIn, 'the qemu stand-in');
  await call('growDisk', { name, disk: 0, size: '128M' });
  assert.equal((await stat(path)).size, 128 * 1024 * 1024);
});

test('pending restart: a save while the guest runs is marked, per field and in the list, until it boots with it', { timeout: 30_000 }, async () => {
  const { name, conf, view } = await guest();
  standIn = startQemuStandIn(name, root);
  await writeFile(join(datastore, name, 'qemu.pid'), `${standIn.pid}\n`);
  // What the QEMU backend records when it starts a guest.
  await recordBootedConf(join(datastore, name), await readFile(conf, 'utf8'));
  const listed = async () => (await call<VmSummary[]>('listVms', {})).find((vm) => vm.name === name);
  assert.equal((await listed())?.pendingRestart, undefined);

  const saved = await call<{ view: SettingsView; notes: string[] }>('saveSettings', { name, revision: view.revision, settings: { ...view.settings, memory: '2G', cpus: 1 } });
  assert.deepEqual(saved.view.pending, ['cpus', 'memory']);
  assert.ok(saved.notes.some((n) => n.includes('apply at its next start')));
  assert.deepEqual((await listed())?.pendingRestart, ['cpus', 'memory']);
  // The list can show both: what the guest runs with now, and what its next start takes.
  assert.deepEqual((await listed())?.booted, { cpus: 2, memory: '1G' });

  // The next boot takes the file as it is now.
  await recordBootedConf(join(datastore, name), await readFile(conf, 'utf8'));
  assert.equal((await listed())?.pendingRestart, undefined);
  assert.equal((await listed())?.booted, undefined);
  assert.deepEqual((await call<SettingsView>('getSettings', { name })).pending, []);

  // And a stopped guest has nothing pending, whatever it booted with last.
  const again = await call<SettingsView>('getSettings', { name });
  await call('saveSettings', { name, revision: again.revision, settings: { ...again.settings, memory: '3G' } });
  assert.deepEqual((await listed())?.pendingRestart, ['memory']);
  await stopChild(standIn, 'the qemu stand-in');
  assert.equal((await listed())?.pendingRestart, undefined);
});

test('a new MAC is one no guest of the datastore has, drawn as vm-bhyve draws them', { timeout: 30_000 }, async () => {
  const { name } = await guest();
  const { mac } = await call<{ mac: string }>('newMacAddress', { name });
  assert.match(mac, /^58:9c:fc:0[0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/);
  const taken = await Promise.all((await readdir(datastore)).map((g) => readFile(join(datastore, g, `${g}.conf`), 'utf8').catch(() => '')));
  assert.ok(!taken.join('\n').includes(mac));
});

test("QEMU's guests get no loader key, and a screen needs none; a bhyve guest's screen still needs UEFI", { timeout: 30_000 }, async () => {
  const { name, conf, view } = await guest();
  assert.doesNotMatch(await readFile(conf, 'utf8'), /^loader=/m, 'QEMU boots SeaBIOS: the wizard writes no loader');
  const screen = { ...view.settings, graphics: { ...view.settings.graphics, enabled: true } };
  const preview = await call<{ start: { notes: string[] } }>('previewSettings', { name, settings: screen });
  assert.doesNotMatch(preview.start.notes.join('\n'), /loader/, 'no note that a loader key is not applied');
  const saved = await save(name, view.revision, screen);
  assert.ok(saved.ok, JSON.stringify(saved));
  assert.match(await readFile(conf, 'utf8'), /^graphics="yes"$/m);
  assert.doesNotMatch(await readFile(conf, 'utf8'), /^loader=/m);

  await mkdir(join(datastore, 'bhy1'));
  await writeFile(join(datastore, 'bhy1', 'bhy1.conf'), 'loader="bhyveload"\ncpu=1\nmemory=512M\ndisk0_type="virtio-blk"\ndisk0_name="disk0.img"\nhivedesk_backend="bhyve"\n');
  await writeFile(join(datastore, 'bhy1', 'disk0.img'), '');
  const bhyve = await call<SettingsView>('getSettings', { name: 'bhy1' });
  const refused = await save('bhy1', bhyve.revision, { ...bhyve.settings, graphics: { ...bhyve.settings.graphics, enabled: true } });
  assert.equal(refused.ok ? undefined : refused.error.fields?.['settings.graphics.enabled'], 'A framebuffer needs a UEFI loader: choose uefi under Boot & firmware.');
});

test("listSwitches offers the switches of vm-bhyve's switch_list, in its order, and nothing without a system.conf", { timeout: 30_000 }, async () => {
  assert.deepEqual(await call('listSwitches', {}), []);
  const systemConf = join(datastore, '.config', 'system.conf');
  await mkdir(join(datastore, '.config'), { recursive: true });
  // `public` twice, and a name no NIC could be given (the form's check refuses the slash): offered once, and not at all.
  await writeFile(systemConf, 'switch_list="public lan bad/name public"\ntype_lan="manual"\nbridge_lan="bridge0"\nports_public="em0"\ntype_dmz="manual"\n');
  try {
    assert.deepEqual(await call('listSwitches', {}), [
      { name: 'public', type: 'standard' },
      { name: 'lan', type: 'manual' },
    ]);
  } finally {
    await rm(systemConf);
  }
});
