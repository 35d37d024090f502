import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EventName } from '../../shared/api/contract.js';
import type { VmChanges } from '../../shared/api/vms.js';
import { readVmDir } from '../datastore/vm-dir.js';
import { CommandLog } from '../host/command-log.js';
import { isRunning } from '../host/process.js';
import { HostRunner } from '../host/run.js';
import { openSerialLine, RIG_GUEST, startHivedesk } from '../testing/console-rig.js';
import { inotifyWatches } from '../testing/inotify.js';
import { Cleanup } from '../testing/lifecycle.js';
import { SIMULATOR_BIN } from '../testing/simulated-bhyve.js';
import { processesWithArg, waitFor } from '../testing/support.js';
import { dispatch, type Handlers } from './dispatcher.js';
import { EventHub } from './event-hub.js';
import { createHost, type Host } from './host.js';
import { lastDatastore, startupDatastore } from './last-datastore.js';
import { openDatastore } from './open-datastore.js';

const conf = (cpus: number) => `cpu=${cpus}\nmemory=256M\nhivedesk_backend="qemu"\n`;

async function guest(root: string, name: string, cpus = 1): Promise<void> {
  await mkdir(join(root, name), { recursive: true });
  await writeFile(join(root, name, `${name}.conf`), conf(cpus));
}

/** Everything the host sends, in order. */
function record(host: Host) {
  const heard: { name: EventName; payload: unknown }[] = [];
  const stop = host.events.subscribe((name, payload) => heard.push({ name, payload }));
  const changes = () => heard.filter((e) => e.name === 'onDidChangeVms').map((e) => e.payload as VmChanges);
  return { heard, stop, changes, configs: () => heard.filter((e) => e.name === 'onDidChangeVmConfig').map((e) => (e.payload as { name: string }).name) };
}

/** Timers that keep the process alive: each VM monitor's poll is one. */
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

async function call(handlers: Handlers, channel: string, input: unknown): Promise<unknown> {
  const result = await dispatch(handlers, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value;
}

test('guests made, edited and removed by hand show at once, with the 1 s poll turned off', { timeout: 20_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'hivedesk-watch-host-'));
  await guest(root, 'web1');
  // A poll every ten minutes: only the watcher can make these changes show within the test.
  const host = await createHost({ datastore: root, backend: 'qemu', pollIntervalMs: 600_000 });
  const events = record(host);
  try {
    await call(host.handlers(() => ''), 'snapshotVms', {});
    await guest(root, 'byhand');
    await waitFor(() => events.changes().some((c) => c.changed.some((vm) => vm.name === 'byhand')), 'the new guest in the list', 2_000);

    await writeFile(join(root, 'web1', 'web1.conf'), conf(4));
    await waitFor(() => events.configs().includes('web1'), 'onDidChangeVmConfig for web1', 2_000);
    await waitFor(() => events.changes().some((c) => c.changed.some((vm) => vm.name === 'web1' && vm.cpus === 4)), 'web1 with 4 CPUs', 2_000);

    await rm(join(root, 'byhand'), { recursive: true });
    await waitFor(() => events.changes().some((c) => c.removed.includes('byhand')), 'the removed guest gone', 2_000);
  } finally {
    events.stop();
    host.dispose();
    await rm(root, { recursive: true, force: true });
  }
});

test('vm_dir from an rc.conf: the last assignment, quoted or not; a missing rc.conf or vm_dir is none', { timeout: 10_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hivedesk-rcconf-'));
  const runner = new HostRunner(new CommandLog());
  try {
    const rcConf = join(dir, 'rc.conf');
    await writeFile(rcConf, ['hostname="bhyve1"', '#vm_dir="/old"', 'vm_enable="YES"', 'vm_dir="/tmp/first"', `vm_dir="${dir}"  # the SSD`, 'vm_list="web1 db1"', ''].join('\n'));
    assert.deepEqual(await readVmDir(runner, { sysrc: false, rcConf }), { value: dir, location: { path: dir } });
    await writeFile(rcConf, "vm_dir='zfs:tank/vms'\n");
    const zfs = await readVmDir(runner, { sysrc: false, rcConf });
    assert.equal(zfs?.value, 'zfs:tank/vms');
    await writeFile(rcConf, 'vm_dir=vms\n');
    assert.deepEqual(await readVmDir(runner, { sysrc: false, rcConf }), { value: 'vms', problem: 'vm_dir is "vms", which is not a folder (an absolute path) nor zfs:<dataset>.' });
    await writeFile(rcConf, 'vm_enable="YES"\n');
    assert.equal(await readVmDir(runner, { sysrc: false, rcConf }), undefined);
    assert.equal(await readVmDir(runner, { sysrc: false, rcConf: join(dir, 'none') }), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('on the FreeBSD host simulator: vm_dir from sysrc, zfs:<dataset> as its mountpoint, or why not', { timeout: 30_000 }, async () => {
  const sim = await mkdtemp(join(tmpdir(), 'freebsd-sim-vmdir-'));
  const mountpoint = join(sim, 'mnt', 'vm');
  const env = { ...process.env, FREEBSD_SIM_ROOT: sim, PATH: `${SIMULATOR_BIN}:${process.env.PATH}` };
  const simulator = (...argv: string[]) => execFileSync(argv[0] ?? '', argv.slice(1), { env, encoding: 'utf8' });
  const saved = { PATH: process.env.PATH, FREEBSD_SIM_ROOT: process.env.FREEBSD_SIM_ROOT };
  Object.assign(process.env, { PATH: env.PATH, FREEBSD_SIM_ROOT: sim });
  const log = new CommandLog();
  const runner = new HostRunner(log);
  try {
    assert.equal(await readVmDir(runner, { sysrc: true }), undefined, 'no vm_dir in rc.conf yet');
    simulator('sysrc', 'vm_dir=zfs:zroot/vm');
    assert.match(JSON.stringify(await readVmDir(runner, { sysrc: true })), /zfs could not tell where zroot\/vm is mounted: cannot open 'zroot\/vm': dataset does not exist/);
    simulator('zfs', 'create', '-o', 'mountpoint=none', 'zroot/vm');
    assert.deepEqual(await readVmDir(runner, { sysrc: true }), { value: 'zfs:zroot/vm', problem: 'vm_dir is zfs:zroot/vm, but zroot/vm is not mounted anywhere (its mountpoint is "none").' });
    simulator('zfs', 'set', `mountpoint=${mountpoint}`, 'zroot/vm');
    assert.deepEqual(await readVmDir(runner, { sysrc: true }), { value: 'zfs:zroot/vm', location: { path: mountpoint, zfsDataset: 'zroot/vm' } });
    assert.deepEqual(log.list().slice(-2).map((r) => r.argv.join(' ')), ['sysrc -n vm_dir', 'zfs get -H -o value mountpoint zroot/vm']);

    // Through the host: the dialog's choices, then "Use vm-bhyve's": the dataset comes with it, for zvols.
    await mkdir(join(mountpoint, '.config'), { recursive: true });
    // As `vm create` leaves it: no hivedesk_backend key, so the host's backend runs it.
    await mkdir(join(mountpoint, 'fromvm'));
    await writeFile(join(mountpoint, 'fromvm', 'fromvm.conf'), 'loader="bhyveload"\ncpu=1\nmemory=256M\nnetwork0_type="virtio-net"\nnetwork0_switch="public"\ndisk0_type="virtio-blk"\ndisk0_name="disk0.img"\n');
    const start = await mkdtemp(join(tmpdir(), 'hivedesk-start-'));
    const host = await createHost({ datastore: start, backend: 'bhyve' });
    try {
      const handlers = host.handlers(() => '');
      assert.deepEqual(await call(handlers, 'datastoreChoices', {}), { current: start, vmDir: { value: 'zfs:zroot/vm', path: mountpoint } });
      assert.deepEqual(await call(handlers, 'openDatastore', { from: 'vm_dir' }), { path: mountpoint });
      assert.equal(host.datastore, mountpoint);
      const listed = (await call(handlers, 'listVms', {})) as { name: string; backend: string }[];
      assert.deepEqual(listed.map((vm) => [vm.name, vm.backend]), [['fromvm', 'bhyve']]);
    } finally {
      host.dispose();
      await rm(start, { recursive: true, force: true });
    }
    // What the dataset is for: a guest's zvol disks are found under it.
    await mkdir(join(mountpoint, 'zvolvm'));
    await writeFile(join(mountpoint, 'zvolvm', 'zvolvm.conf'), 'loader="bhyveload"\ncpu=1\nmemory=256M\ndisk0_type="virtio-blk"\ndisk0_dev="zvol"\ndisk0_name="disk0"\n');
    const opened = await openDatastore({ path: mountpoint, zfsDataset: 'zroot/vm' }, { backend: 'bhyve' }, log, new EventHub());
    try {
      const plan = await opened.core.vms.planStartVm('zvolvm');
      assert.match(plan.commands.map((c) => c.argv.join(' ')).join('\n'), /virtio-blk,\S*\/zvol\/zroot\/vm\/zvolvm\/disk0/);
    } finally {
      await opened.close('test over');
    }
  } finally {
    Object.assign(process.env, saved);
    execFileSync(join(SIMULATOR_BIN, 'freebsd-sim-teardown'), [sim], { env });
    await rm(sim, { recursive: true, force: true });
  }
});

test('a folder that is not a datastore is refused with why, and the open one stays', { timeout: 15_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'hivedesk-refuse-'));
  const current = join(root, 'current');
  await guest(current, 'web1');
  const host = await createHost({ datastore: current, backend: 'qemu' });
  const handlers = host.handlers(() => '');
  try {
    await mkdir(join(root, 'home', 'Documents'), { recursive: true });
    await writeFile(join(root, 'home', '.bashrc'), 'alias ll="ls -l"\n');
    await writeFile(join(root, 'file'), '');
    const refusals = await Promise.all(
      [join(root, 'home'), join(root, 'nowhere'), join(root, 'file'), 'relative/path'].map((path) => dispatch(handlers, 'openDatastore', { from: 'folder', path })),
    );
    assert.deepEqual(
      refusals.map((r) => (r.ok ? 'opened' : (r.error.fields?.path ?? r.error.message))),
      [
        `${join(root, 'home')} is not a vm-bhyve datastore: it has no .config folder and no guests (<name>/<name>.conf). Choose the folder rc.conf's vm_dir names, or an empty folder for a new datastore.`,
        `There is no folder ${join(root, 'nowhere')}.`,
        `${join(root, 'file')} is a file, not a folder.`,
        'Use an absolute path (starting with "/").',
      ],
    );
    assert.equal(host.datastore, current);
    const noVmDir = await dispatch(handlers, 'openDatastore', { from: 'vm_dir' });
    assert.equal(noVmDir.ok ? '' : noVmDir.error.code, 'not_found', 'this host’s rc.conf (none on Linux) sets no vm_dir');

    // An empty folder is a new datastore; a vm-bhyve one needs no guest yet.
    await mkdir(join(root, 'empty'));
    assert.deepEqual(await call(handlers, 'openDatastore', { from: 'folder', path: join(root, 'empty') }), { path: join(root, 'empty') });
    await mkdir(join(root, 'vmbhyve', '.config'), { recursive: true });
    assert.deepEqual(await call(handlers, 'openDatastore', { from: 'folder', path: `${join(root, 'vmbhyve')}/` }), { path: join(root, 'vmbhyve') });
  } finally {
    host.dispose();
    await rm(root, { recursive: true, force: true });
  }
});

test('switching datastores ends the old one’s consoles with a message, keeps its guest running, and leaks no watcher or poll', { timeout: 60_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'hivedesk-switch-'));
  const cleanup = new Cleanup();
  cleanup.add('temp dir', () => rm(root, { recursive: true, force: true }));
  try {
    const other = join(root, 'other');
    for (const name of ['a1', 'b1', 'c1']) await guest(other, name);
    const watchesBefore = await inotifyWatches();
    const line = await openSerialLine(join(root, 'line'), cleanup);
    const hivedesk = await startHivedesk(root, line.device, cleanup);
    const { host } = hivedesk;
    const first = host.datastore;
    const handlers = host.handlers(() => '');
    await call(handlers, 'snapshotVms', {});
    const viewer = await hivedesk.viewer(10_000);
    await viewer.tally.until('Connected', 10_000);
    const closed = new Promise<string>((resolve) => viewer.socket.once('close', (_code, reason) => resolve(reason.toString())));
    const standIn = Number(await readFile(join(first, RIG_GUEST, 'qemu.pid'), 'utf8'));
    const oneDatastore = await inotifyWatches();
    assert.equal(oneDatastore - watchesBefore, 2, 'the datastore and its one guest');

    const events = record(host);
    assert.deepEqual(await call(handlers, 'openDatastore', { from: 'folder', path: other }), { path: other });
    assert.equal(await closed, `Hivedesk opened the datastore ${other}; the guest keeps running.`);
    await waitFor(async () => (await processesWithArg(line.device)).length === 0, 'the old console’s cu to exit', 5_000);
    assert.equal(isRunning(standIn), true, 'the old datastore’s guest keeps running');
    assert.deepEqual(events.heard.filter((e) => e.name === 'onDidOpenDatastore').map((e) => e.payload), [{ path: other }]);
    const listed = (await call(handlers, 'listVms', {})) as { name: string }[];
    assert.deepEqual(listed.map((vm) => vm.name), ['a1', 'b1', 'c1']);
    assert.equal(await inotifyWatches(), watchesBefore + 4, 'the new datastore and its three guests; the old one’s watches are gone');
    const timersOfOne = timers();

    // Back and forth: still only what one datastore needs.
    await call(handlers, 'openDatastore', { from: 'folder', path: first });
    await call(handlers, 'openDatastore', { from: 'folder', path: other });
    await call(handlers, 'snapshotVms', {});
    assert.equal(await inotifyWatches(), watchesBefore + 4);
    assert.equal(timers(), timersOfOne, 'no VM monitor of a datastore no longer open still polls');

    // The old datastore is no longer watched nor polled: a guest made there is never announced.
    const heardBefore = events.heard.length;
    await guest(first, 'ghost1');
    await new Promise((r) => setTimeout(r, 2_500));
    const announced = events.heard.slice(heardBefore).filter((e) => e.name === 'onDidChangeVms' && JSON.stringify(e.payload).includes('ghost1'));
    assert.deepEqual(announced, []);
    events.stop();
  } finally {
    await cleanup.run();
  }
});

test('the datastore opened is remembered for the next start; one that is gone is not opened again', { timeout: 15_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'hivedesk-remember-'));
  const settingsFile = join(root, 'config', 'hivedesk', 'settings.json');
  const fallback = join(root, 'default');
  try {
    await mkdir(join(root, 'config', 'hivedesk'), { recursive: true });
    await writeFile(settingsFile, '{"theme":"dark"}\n');
    await mkdir(join(root, 'chosen'));
    const host = await createHost({ datastore: fallback, backend: 'qemu', settingsFile });
    try {
      await call(host.handlers(() => ''), 'openDatastore', { from: 'folder', path: join(root, 'chosen') });
    } finally {
      host.dispose();
    }
    assert.deepEqual(JSON.parse(await readFile(settingsFile, 'utf8')), { theme: 'dark', datastore: { path: join(root, 'chosen') } }, 'other settings are kept');
    assert.deepEqual(await startupDatastore({ settingsFile, fallback }), { location: { path: join(root, 'chosen') } });
    assert.deepEqual(await startupDatastore({ given: '/given', settingsFile, fallback }), { location: { path: '/given' } }, '--datastore wins');

    await rm(join(root, 'chosen'), { recursive: true });
    assert.deepEqual(await startupDatastore({ settingsFile, fallback }), {
      location: { path: fallback },
      warning: `The datastore opened last cannot be opened (There is no folder ${join(root, 'chosen')}.); using ${fallback}.`,
    });
    await writeFile(settingsFile, '{ damaged');
    assert.equal(await lastDatastore(settingsFile), undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
