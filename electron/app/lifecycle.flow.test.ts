import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, afterEach, before, test } from 'node:test';
import type { Job } from '../../shared/api/jobs.js';
import type { Autostart, LifecyclePlan, Snapshot, SnapshotList } from '../../shared/api/lifecycle.js';
import type { StartPlan, VmSummary } from '../../shared/api/vms.js';
import type { DeleteResult } from '../backends/backend.js';
import { quoteArgv } from '../../shared/shell-words.js';
import { exists } from '../datastore/datastore.js';
import { SIMULATOR_BIN } from '../testing/simulated-bhyve.js';
import { waitFor } from '../testing/support.js';
import { dispatch, type Handlers } from './dispatcher.js';
import { createHost, type Host } from './host.js';
import { callChannel, refusal } from '../testing/channels.js';

/**
 * Clone, rename, snapshots and start at boot of bhyve guests on the FreeBSD HOST SIMULATOR
 * (e2e/freebsd-host-simulator: fake sysrc, zfs, bhyve… that record their argv and keep
 * FreeBSD-like state in a sandbox; not FreeBSD). Run it in a PID namespace of its own
 * (`unshare --pid --fork --mount-proc`), as the other bhyve flows.
 */
const repo = join(import.meta.dirname, '../..');
let sim: string;
let plain: { datastore: string; host: Host; handlers: Handlers };
let zfs: { datastore: string; host: Host; handlers: Handlers };

async function hostOn(datastore: string): Promise<{ datastore: string; host: Host; handlers: Handlers }> {
  const host = await createHost({ datastore, backend: 'bhyve' });
  return { datastore, host, handlers: host.handlers(() => 'ws://unused') };
}

const simZfs = (...args: string[]) => execFileSync(join(SIMULATOR_BIN, 'zfs'), args, { env: process.env, encoding: 'utf8' });

before(async () => {
  sim = await mkdtemp(join(tmpdir(), 'freebsd-sim-'));
  Object.assign(process.env, {
    FREEBSD_SIM_ROOT: sim,
    PATH: `${SIMULATOR_BIN}:${process.env.PATH}`,
    HIVEDESK_BHYVE_DEV_DIR: join(sim, 'dev'),
    HIVEDESK_BHYVE_FIRMWARE_DIR: join(sim, 'firmware'),
    HIVEDESK_PRIVILEGE: 'doas',
    HIVEDESK_HOSTNAME: 'hivedesk-test-host',
  });
  plain = await hostOn(await mkdtemp(join(tmpdir(), 'hivedesk-lifecycle-')));
  // vm-bhyve's ZFS datastore: vm_dir="zfs:zroot/vm", its mountpoint inside the sandbox so the simulator mounts it.
  simZfs('create', '-o', `mountpoint=${join(sim, 'vm')}`, 'zroot/vm');
  // Left set: the guests' supervisors read it too. The plain datastore's host was made without it.
  process.env.HIVEDESK_ZFS_DATASET = 'zroot/vm';
  zfs = await hostOn(join(sim, 'vm'));
});

after(async () => {
  plain.host.dispose();
  zfs.host.dispose();
  execFileSync(join(SIMULATOR_BIN, 'freebsd-sim-teardown'), { env: process.env });
  await rm(plain.datastore, { recursive: true, force: true });
  await rm(sim, { recursive: true, force: true });
});

/** One failed flow must not leave a guest running into the next test. */
afterEach(async () => {
  for (const { handlers } of [plain, zfs]) {
    for (const guest of await call<VmSummary[]>(handlers, 'listVms', {})) {
      if (guest.state !== 'running' && guest.state !== 'bootloader') continue;
      await dispatch(handlers, 'powerOffVm', { name: guest.name });
      await waitFor(async () => (await vm(handlers, guest.name)).state === 'stopped', `${guest.name} to stop after the test`);
    }
  }
});

const call = <T = VmSummary>(handlers: Handlers, channel: string, input: unknown) => callChannel<T>(handlers, channel, input);
const refused = refusal;

async function vm(handlers: Handlers, name: string): Promise<VmSummary> {
  const found = (await call<VmSummary[]>(handlers, 'listVms', {})).find((v) => v.name === name);
  assert.ok(found, `${name} is listed`);
  return found;
}

const create = (handlers: Handlers, name: string) => call(handlers, 'createVm', { name, profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '1G' });

/** What ran as root on the simulated host (through the doas prefix), prefix removed, as shell lines. */
async function rootCommands(): Promise<string[]> {
  const lines = (await readFile(join(sim, 'commands.jsonl'), 'utf8')).trim().split('\n');
  return lines.map((l) => (JSON.parse(l) as { argv: string[] }).argv).filter((argv) => argv[0] === 'doas').map((argv) => quoteArgv(argv.slice(1)));
}

async function rcConf(): Promise<string> {
  return readFile(join(sim, 'hostfs', 'etc', 'rc.conf'), 'utf8').catch(() => '');
}

const autostart = (name: string, enabled: boolean, order: number, delay = 5) => ({ name, enabled, order, delay });

test('Start at boot writes rc.conf’s vm_list and vm_delay with sysrc, as vm-bhyve’s startall reads them', { timeout: 60_000 }, async () => {
  const { handlers } = plain;
  for (const name of ['web1', 'web2', 'db1']) await create(handlers, name);
  const fresh = await call<Autostart>(handlers, 'getAutostart', {});
  assert.deepEqual([fresh.mechanism, fresh.available, fresh.list, fresh.delay], ['rc.conf', true, [], 2]);
  assert.ok(fresh.notes.some((note) => note.includes('vm_enable is not YES')), fresh.notes.join('\n'));

  const plan = await call<LifecyclePlan>(handlers, 'planLifecycle', { action: 'autostart', input: autostart('db1', true, 1) });
  assert.deepEqual(plan.commands.map((c) => quoteArgv(c.argv)), ['doas sysrc vm_list=db1', 'doas sysrc vm_delay=5']);
  await call(handlers, 'setAutostart', autostart('db1', true, 1));
  await call(handlers, 'setAutostart', autostart('web1', true, 1));
  const set = await call<Autostart>(handlers, 'setAutostart', autostart('web2', true, 9));
  assert.deepEqual(set.list, ['web1', 'db1', 'web2']);
  assert.match(await rcConf(), /^vm_list="web1 db1 web2"$/m);
  assert.match(await rcConf(), /^vm_delay="5"$/m);
  assert.deepEqual((await rootCommands()).filter((c) => c.startsWith('sysrc')), ['sysrc vm_list=db1', 'sysrc vm_delay=5', "sysrc 'vm_list=web1 db1'", "sysrc 'vm_list=web1 db1 web2'"]);

  await call(handlers, 'setAutostart', autostart('db1', false, 1));
  assert.match(await rcConf(), /^vm_list="web1 web2"$/m);
  const bad = await dispatch(handlers, 'setAutostart', { name: 'web1', enabled: true, order: 0, delay: 'soon' });
  assert.deepEqual(bad.ok ? undefined : bad.error.fields, { order: 'The order starts at 1.', delay: 'The delay must be a whole number of seconds.' });
  assert.match(await refused(handlers, 'setAutostart', autostart('nosuch', true, 1)), /There is no VM named nosuch/);
});

test('rename and delete keep vm_list in step; a rename is refused while the guest runs', { timeout: 60_000 }, async () => {
  const { handlers, datastore } = plain;
  const plan = await call<LifecyclePlan>(handlers, 'planLifecycle', { action: 'rename', input: { name: 'web1', newName: 'www1' } });
  assert.deepEqual(plan.steps, [`rename ${datastore}/web1 to ${datastore}/www1`, `rename ${datastore}/www1/web1.conf to ${datastore}/www1/www1.conf`]);
  assert.deepEqual(plan.commands.map((c) => quoteArgv(c.argv)), ["doas sysrc 'vm_list=www1 web2'"]);
  const renamed = await call(handlers, 'renameVm', { name: 'web1', newName: 'www1' });
  assert.deepEqual([renamed.name, renamed.state], ['www1', 'stopped']);
  assert.deepEqual((await readdir(join(datastore, 'www1'))).sort(), ['disk0.img', 'www1.conf']);
  assert.equal(await exists(join(datastore, 'web1')), false);
  assert.match(await rcConf(), /^vm_list="www1 web2"$/m);

  await call(handlers, 'deleteVm', { name: 'web2', deleteDisks: true });
  assert.match(await rcConf(), /^vm_list="www1"$/m);

  await call(handlers, 'startVm', { name: 'www1' });
  assert.equal(await refused(handlers, 'renameVm', { name: 'www1', newName: 'www2' }), 'Stop www1 before renaming it.');
  assert.equal((await call<Autostart>(handlers, 'getAutostart', {})).list.join(' '), 'www1');
});

test('a rename racing a create of the same name (in another case): exactly one gets it', { timeout: 60_000 }, async () => {
  const { handlers } = plain;
  const results = await Promise.all([
    dispatch(handlers, 'renameVm', { name: 'db1', newName: 'shared' }),
    dispatch(handlers, 'createVm', { name: 'SHARED', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '1G' }),
    dispatch(handlers, 'renameVm', { name: 'www1', newName: 'Shared' }),
  ]);
  assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
  for (const r of results) if (!r.ok) assert.equal(r.error.code, 'conflict', JSON.stringify(r.error));
  assert.equal((await readdir(plain.datastore)).filter((d) => d.toLowerCase() === 'shared').length, 1);
});

test('hivedesk startall starts vm_list’s guests in order, vm_delay apart', { timeout: 90_000 }, async () => {
  const { handlers, datastore } = plain;
  const names = (await call<VmSummary[]>(handlers, 'listVms', {})).map((v) => v.name);
  const [first, second] = names;
  assert.ok(first && second, names.join(' '));
  for (const name of (await call<Autostart>(handlers, 'getAutostart', {})).list) await call(handlers, 'setAutostart', autostart(name, false, 1, 1));
  await call(handlers, 'setAutostart', autostart(second, true, 1, 1));
  await call(handlers, 'setAutostart', autostart(first, true, 2, 1));
  const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(repo, 'electron/cli/hivedesk.ts'), 'startall', '--datastore', datastore, '--backend', 'bhyve'], { cwd: repo, env: process.env });
  assert.equal(cli.stdout, `${second}: started\n${first}: started\n`);
  for (const name of [first, second]) assert.equal((await vm(handlers, name)).state, 'running');
  const boots = (await readFile(join(sim, 'commands.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; time: number }).filter((c) => c.argv[0] === 'bhyve');
  const [a, b] = [boots.find((c) => c.argv.at(-1) === second), boots.find((c) => c.argv.at(-1) === first)];
  assert.ok(a && b && b.time - a.time >= 1, `${second} first, then ${first} at least vm_delay later: ${JSON.stringify(boots.map((c) => [c.argv.at(-1), c.time]))}`);
});

/** A guest as vm-bhyve makes one on a ZFS datastore: its own dataset, and a zvol disk below it. */
async function vmBhyveGuest(name: string): Promise<void> {
  simZfs('create', `zroot/vm/${name}`);
  const conf = ['loader="bhyveload"', 'cpu=1', 'memory=256M', 'network0_type="virtio-net"', 'network0_switch="public"', 'disk0_type="virtio-blk"', 'disk0_name="disk0"', 'disk0_dev="sparse-zvol"', 'uuid="0b5e1d2c-1111-4222-8333-444455556666"', 'network0_mac="58:9c:fc:01:02:03"', ''];
  await writeFile(join(zfs.datastore, name, `${name}.conf`), conf.join('\n'));
  simZfs('create', '-sV', '1G', '-o', 'volmode=dev', `zroot/vm/${name}/disk0`);
}

async function zvolBytes(dataset: string, length = 16): Promise<Buffer> {
  const file = await open(join(sim, 'dev', 'zvol', dataset), 'r');
  const buffer = Buffer.alloc(length);
  await file.read(buffer, 0, length, 0);
  await file.close();
  return buffer;
}

async function writeZvol(dataset: string, bytes: Buffer): Promise<void> {
  const file = await open(join(sim, 'dev', 'zvol', dataset), 'r+');
  await file.write(bytes, 0, bytes.length, 0);
  await file.close();
}

test('snapshots on a ZFS datastore: take, roll back (past later ones only when asked), destroy', { timeout: 60_000 }, async () => {
  const { handlers, datastore } = zfs;
  await vmBhyveGuest('zg');
  assert.deepEqual(await call<SnapshotList>(handlers, 'listSnapshots', { name: 'zg' }), { supported: true, snapshots: [] });
  const before = Buffer.from('installed system');
  await writeZvol('zroot/vm/zg/disk0', before);
  assert.equal((await call<Snapshot>(handlers, 'takeSnapshot', { name: 'zg', snapshot: 'before-upgrade' })).name, 'before-upgrade');
  assert.match(await refused(handlers, 'takeSnapshot', { name: 'zg', snapshot: 'before-upgrade' }), /already has a snapshot before-upgrade/);

  await writeZvol('zroot/vm/zg/disk0', Buffer.from('upgraded, broken'));
  await writeFile(join(datastore, 'zg', 'notes.txt'), 'written after the snapshot\n');
  const dated = await call<Snapshot>(handlers, 'takeSnapshot', { name: 'zg', snapshot: '' });
  assert.match(dated.name, /^\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d$/, 'named for the time, as vm snapshot names it');

  assert.match(await refused(handlers, 'rollbackVm', { name: 'zg', snapshot: 'before-upgrade', destroyNewer: false }), new RegExp(`destroys the later snapshots ${dated.name}`));
  const plan = await call<LifecyclePlan>(handlers, 'planLifecycle', { action: 'rollback', input: { name: 'zg', snapshot: 'before-upgrade', destroyNewer: true } });
  assert.deepEqual(plan.commands.map((c) => quoteArgv(c.argv)), ['doas zfs rollback -r zroot/vm/zg@before-upgrade', 'doas zfs rollback -r zroot/vm/zg/disk0@before-upgrade']);
  await call(handlers, 'rollbackVm', { name: 'zg', snapshot: 'before-upgrade', destroyNewer: true });
  assert.deepEqual(await zvolBytes('zroot/vm/zg/disk0'), before);
  assert.equal(await exists(join(datastore, 'zg', 'notes.txt')), false);
  assert.deepEqual((await call<SnapshotList>(handlers, 'listSnapshots', { name: 'zg' })).snapshots.map((s) => s.name), ['before-upgrade']);

  await call(handlers, 'destroySnapshot', { name: 'zg', snapshot: 'before-upgrade' });
  assert.deepEqual((await call<SnapshotList>(handlers, 'listSnapshots', { name: 'zg' })).snapshots, []);
  assert.ok((await rootCommands()).includes('zfs destroy -r zroot/vm/zg@before-upgrade'));

  await call(handlers, 'startVm', { name: 'zg' });
  assert.equal(await refused(handlers, 'takeSnapshot', { name: 'zg', snapshot: 'live' }), 'Stop zg before taking a snapshot.');
  const onPlain = await call<SnapshotList>(plain.handlers, 'listSnapshots', { name: (await call<VmSummary[]>(plain.handlers, 'listVms', {}))[0]?.name });
  assert.deepEqual([onPlain.supported, onPlain.snapshots], [false, []]);
  assert.match(onPlain.reason ?? '', /plain directory: snapshots need a ZFS datastore/);
});

test('a clone on ZFS is a snapshot and a zfs clone of each dataset; the clone boots from its own zvol, and renames with zfs rename', { timeout: 90_000 }, async () => {
  const { handlers, datastore } = zfs;
  await writeFile(join(datastore, 'zg', 'vm-bhyve.log'), 'the last run\n');
  const earlier = (await rootCommands()).length;
  const job = await call<Job>(handlers, 'cloneVm', { name: 'zg', newName: 'zg2' });
  await waitFor(async () => (await call<Job[]>(handlers, 'listJobs', {})).find((j) => j.id === job.id)?.status !== 'running', 'the clone to end', 60_000);
  const ended = (await call<Job[]>(handlers, 'listJobs', {})).find((j) => j.id === job.id);
  assert.equal(ended?.status, 'succeeded', JSON.stringify(ended));

  const zfsCommands = (await rootCommands()).slice(earlier).filter((c) => /^zfs (snapshot|clone|list -o)/.test(c));
  const snap = /@([0-9a-f]{8})$/.exec(zfsCommands[1] ?? '')?.[1];
  assert.deepEqual(zfsCommands, [
    'zfs list -o name -rHt filesystem,volume zroot/vm/zg',
    `zfs snapshot -r zroot/vm/zg@${snap}`,
    `zfs clone zroot/vm/zg@${snap} zroot/vm/zg2`,
    `zfs clone zroot/vm/zg/disk0@${snap} zroot/vm/zg2/disk0`,
  ]);
  assert.deepEqual((await readdir(join(datastore, 'zg2'))).sort(), ['zg2.conf'], 'the old .conf and the run-time files are not the clone’s');
  const conf = await readFile(join(datastore, 'zg2', 'zg2.conf'), 'utf8');
  assert.doesNotMatch(conf, /0b5e1d2c-1111-4222-8333-444455556666|58:9c:fc:01:02:03/);
  assert.match(conf, /^disk0_dev="sparse-zvol"$/m);

  await call(handlers, 'startVm', { name: 'zg2' });
  const bhyve = (await rootCommands()).filter((c) => c.startsWith('bhyve ')).at(-1) ?? '';
  assert.match(bhyve, new RegExp(`virtio-blk,${join(sim, 'dev', 'zvol', 'zroot', 'vm', 'zg2', 'disk0')}`));
  assert.match(bhyve, /-U [0-9a-f-]{36} /);
  await call(handlers, 'powerOffVm', { name: 'zg2' });

  const renamed = await call(handlers, 'renameVm', { name: 'zg2', newName: 'zg3' });
  assert.equal(renamed.name, 'zg3');
  assert.ok((await rootCommands()).includes('zfs rename zroot/vm/zg2 zroot/vm/zg3'));
  const moved = await readdir(join(datastore, 'zg3'));
  assert.ok(moved.includes('zg3.conf') && !moved.includes('zg2.conf'), moved.join(' '));
  assert.equal(await exists(join(datastore, 'zg2')), false);
  assert.equal(simZfs('list', '-H', '-o', 'name,origin', 'zroot/vm/zg3/disk0').trim(), `zroot/vm/zg3/disk0\tzroot/vm/zg/disk0@${snap}`);
});

test('on a ZFS datastore a new guest is a dataset of its own, as vm create makes it; delete destroys it only with its disks', { timeout: 60_000 }, async () => {
  const { handlers, datastore } = zfs;
  const input = { name: 'zd1', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '1G' };
  const owner = `${process.getuid?.()}:${(await stat(datastore)).gid}`;
  const made = (name: string) => [`zfs create zroot/vm/${name}`, `chown ${owner} ${join(datastore, name)}`];
  const plan = await call<StartPlan>(handlers, 'planCreateVm', input);
  assert.deepEqual(plan.commands.slice(0, 2).map((c) => quoteArgv(c.argv)), made('zd1').map((c) => `doas ${c}`));
  const earlier = (await rootCommands()).length;
  await call(handlers, 'createVm', input);
  assert.deepEqual((await rootCommands()).slice(earlier).filter((c) => /^(zfs create|chown) /.test(c)), made('zd1'));
  assert.equal(simZfs('list', '-H', '-o', 'name,mountpoint', 'zroot/vm/zd1').trim(), `zroot/vm/zd1\t${join(datastore, 'zd1')}`);
  assert.ok(await exists(join(datastore, 'zd1', 'zd1.conf')));
  await call(handlers, 'takeSnapshot', { name: 'zd1', snapshot: 'fresh' });

  const kept = await call<DeleteResult>(handlers, 'deleteVm', { name: 'zd1', deleteDisks: false });
  assert.ok(kept.kept.includes('zroot/vm/zd1'), kept.kept.join(' '));
  assert.equal(simZfs('list', '-H', '-o', 'name', '-t', 'all', '-r', 'zroot/vm/zd1').trim(), 'zroot/vm/zd1\nzroot/vm/zd1@fresh');
  assert.deepEqual(await readdir(join(datastore, 'zd1')), ['disk0.img']);

  await call(handlers, 'createVm', { ...input, name: 'zd2' });
  await call(handlers, 'takeSnapshot', { name: 'zd2', snapshot: 'fresh' });
  const gone = await call<DeleteResult>(handlers, 'deleteVm', { name: 'zd2', deleteDisks: true });
  assert.ok(gone.removed.includes('zroot/vm/zd2'), gone.removed.join(' '));
  assert.ok((await rootCommands()).includes('zfs destroy -rf zroot/vm/zd2'));
  assert.ok(!(await rootCommands()).includes('zfs destroy -rf zroot/vm/zd1'), 'the kept dataset is not destroyed');
  assert.equal(await exists(join(datastore, 'zd2')), false);
  assert.doesNotMatch(simZfs('list', '-H', '-o', 'name', '-t', 'all'), /zroot\/vm\/zd2/);
});
