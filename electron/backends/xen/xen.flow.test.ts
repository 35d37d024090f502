import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { StartPlan, VmSummary } from '../../../shared/api/vms.js';
import type { Host } from '../../app/host.js';
import { SIMULATOR_BIN } from '../../testing/simulated-bhyve.js';
import { SimulatedBhyveHost } from '../../testing/simulated-bhyve-host.js';
import { firstBytes, Screen, waitFor } from '../../testing/support.js';

/**
 * The Xen backend's flows on the FreeBSD HOST SIMULATOR's fake `xl` (e2e/freebsd-host-simulator: it reads xl.cfg as
 * xl does, keeps domains that run a fake guest on their serial pty and say hello on their VNC port). Not Xen: the
 * config itself is checked against the handbook's in xl-cfg.test.ts.
 */
let rig: SimulatedBhyveHost;
let host: Host;
let iso: string;

before(async () => {
  rig = await SimulatedBhyveHost.start('xen');
  host = rig.host;
  iso = join(rig.sim, 'FreeBSD-14.2-RELEASE-amd64-bootonly.iso');
  await writeFile(iso, 'not really an ISO: the simulator only checks that it exists');
  // The handbook's Dom0 has bridge0 from rc.conf (24.7.2); here the simulated host is given one.
  execFileSync(join(SIMULATOR_BIN, 'ifconfig'), ['bridge0', 'create', 'up'], { env: process.env });
});

after(() => rig.close());
afterEach(() => rig.powerOffAll());

const call = <T = VmSummary>(channel: string, input: unknown) => rig.call<T>(channel, input);
/** The xl commands that act on domains (what the start attached, `xl console`, and the status polls left out). */
const xlCommands = async () => (await rig.hostCommands()).filter((argv) => argv[0] === 'xl' && ['create', 'shutdown', 'destroy'].includes(argv[1] ?? ''));
const xen = (name: string) => ({ name, profile: 'freebsd', cpus: '2', memory: '1G', diskSize: '1G', installMedia: iso, backend: 'xen' });

test('install a DomU as the handbook does: the plan shows xl.cfg, xl create runs it, the CD goes once it stops', { timeout: 120_000 }, async () => {
  const plan = await call<StartPlan>('planCreateVm', xen('xenfbsd'));
  const dir = join(rig.datastore, 'xenfbsd');
  const cfg = plan.files.find((f) => f.path === join(dir, 'xl.cfg'));
  assert.ok(cfg, 'the plan shows the DomU configuration it writes');
  assert.match(cfg.content, /^type = "hvm"\nname = "xenfbsd"\nmemory = 1024\nvcpus = 2\nvif = \[ 'mac=[0-9a-f:]{17},bridge=bridge0' \]$/m);
  assert.ok(cfg.content.includes(`'${dir}/disk0.img,raw,hda,rw',\n'${iso},raw,hdc:cdrom,r'\n  ]`));
  assert.match(cfg.content, /^vnclisten = "127\.0\.0\.1"$/m, 'VNC listens on loopback unless told otherwise');
  assert.ok(plan.files.some((f) => f.path === join(dir, 'xenfbsd.conf')), 'and the .conf it writes');
  assert.deepEqual(
    plan.commands.map((c) => c.argv),
    [['truncate', '-s', '1G', `${dir}/disk0.img`], ['chmod', '600', `${dir}/disk0.img`], ['doas', 'xl', 'create', `${dir}/xl.cfg`]],
  );

  await call('createVm', xen('xenfbsd'));
  assert.equal((await rig.vm('xenfbsd')).backend, 'xen');
  assert.equal((await call('startVm', { name: 'xenfbsd' })).state, 'running');
  assert.deepEqual(await xlCommands(), [['xl', 'create', `${dir}/xl.cfg`]]);
  assert.ok((await rig.hostCommands()).some((argv) => argv.join(' ') === 'xl console xenfbsd'), 'its console attached as it started');
  assert.ok((await readFile(`${dir}/xl.cfg`, 'utf8')).includes(`'${iso},raw,hdc:cdrom,r'`));

  // xl console in a pty: the boot xenconsoled kept, then the login prompt; typing reaches the guest.
  const session = await host.consoles.session('xenfbsd', 'com1');
  const screen = new Screen();
  session.attach(screen);
  await screen.expect('login: ');
  session.write('root\r');
  await screen.expect('root@xenfbsd');
  session.write('uname -a\r');
  await screen.expect('FreeBSD xenfbsd 14.2-RELEASE');

  // The screen: the domain's VNC server on the port the console file names, reached through the same display path.
  assert.equal((await rig.vm('xenfbsd')).display, true, 'the list offers Display: an HVM domain always has a screen');
  const target = await host.consoles.display('xenfbsd');
  assert.ok('port' in target && target.host === '127.0.0.1');
  assert.equal(await firstBytes(target.port), 'RFB 003.008\n');

  await call('stopVm', { name: 'xenfbsd' });
  await waitFor(async () => (await rig.vm('xenfbsd')).state === 'stopped', 'xenfbsd to shut down');
  assert.deepEqual((await xlCommands()).at(-1), ['xl', 'shutdown', 'xenfbsd']);
  // The handbook's edit after the install, done for the user: the cdrom line out of xl.cfg, the media out of the .conf.
  assert.ok(!(await readFile(`${dir}/xl.cfg`, 'utf8')).includes('cdrom'));
  assert.equal((await rig.vm('xenfbsd')).installMedia, undefined);
  assert.ok(!(await readFile(join(dir, 'xenfbsd.conf'), 'utf8')).includes('hivedesk_install_media'));
});

test("Ctrl-] typed in a tab never reaches xl console: the shared console stays attached", { timeout: 60_000 }, async () => {
  await call('createVm', { ...xen('xenkeys'), installMedia: '' });
  await call('startVm', { name: 'xenkeys' });
  const session = await host.consoles.session('xenkeys', 'com1');
  const screen = new Screen();
  session.attach(screen);
  await screen.expect('login: ');
  const consoles = () => rig.hostCommands().then((all) => all.filter((argv) => argv[1] === 'console' && argv[2] === 'xenkeys').length);
  assert.equal(await consoles(), 1);
  session.write('\x1d');
  session.write('root\r');
  await screen.expect('root@xenkeys');
  assert.equal(await consoles(), 1, 'the same xl console, never detached and started again');
  assert.ok(!screen.text.includes('\x1d'));
});

test('power off is xl destroy; delete removes the guest and, when asked, its disk', { timeout: 60_000 }, async () => {
  await call('createVm', { ...xen('xenoff'), installMedia: '' });
  await call('startVm', { name: 'xenoff' });
  await call('powerOffVm', { name: 'xenoff' });
  assert.equal((await rig.vm('xenoff')).state, 'stopped');
  assert.deepEqual((await xlCommands()).map((argv) => argv.join(' ')).slice(-2), [`xl create ${join(rig.datastore, 'xenoff', 'xl.cfg')}`, 'xl destroy xenoff']);
  const deleted = await call<{ removed: string[]; kept: string[] }>('deleteVm', { name: 'xenoff', deleteDisks: true });
  assert.ok(deleted.removed.includes(join(rig.datastore, 'xenoff', 'disk0.img')));
  assert.ok(!(await call<VmSummary[]>('listVms', {})).some((v) => v.name === 'xenoff'));
});


test("resetting a DomU's UEFI variables is refused in Xen's words, not QEMU's", { timeout: 60_000 }, async () => {
  await call('createVm', { ...xen('xenvars'), installMedia: '' });
  await assert.rejects(call('resetUefiVars', { name: 'xenvars' }), /A Xen HVM guest boots the BIOS xl gives it, which keeps no UEFI variables\./);
});

test('a device typed into the .conf as install media is refused at start, before xl runs', { timeout: 60_000 }, async () => {
  await call('createVm', { ...xen('xenmedia'), installMedia: '' });
  const conf = join(rig.datastore, 'xenmedia', 'xenmedia.conf');
  // FreeBSD's disks are character devices, as /dev/zero is.
  await writeFile(conf, `${await readFile(conf, 'utf8')}hivedesk_install_media="/dev/zero"\n`);
  const before = (await xlCommands()).length;
  await assert.rejects(call('startVm', { name: 'xenmedia' }), /Install media: \/dev\/zero is a character device, not an ISO file or a CD\/DVD drive\./);
  assert.equal((await xlCommands()).length, before, 'no xl create');
  assert.equal((await rig.vm('xenmedia')).state, 'stopped');
});
