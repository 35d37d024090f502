import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { SettingsView } from '../../../shared/api/settings.js';
import type { StartPlan, VmSummary } from '../../../shared/api/vms.js';
import { dispatch, type Handlers } from '../../app/dispatcher.js';
import { createHost, type Host } from '../../app/host.js';
import type { ConsoleSession } from '../../consoles/session.js';
import { readProcessTitles } from '../../host/process.js';
import { SimulatedBhyveHost } from '../../testing/simulated-bhyve-host.js';
import { Screen, waitFor } from '../../testing/support.js';
import { supervisorTitle } from './runtime.js';

/**
 * Flows of the bhyve backend on the FreeBSD HOST SIMULATOR (e2e/freebsd-host-simulator): fake
 * bhyve, bhyvectl, bhyveload, ifconfig… that record their argv and keep FreeBSD-like state in
 * a sandbox. This is not FreeBSD; the exact command lines are checked against the handbook
 * in commands.test.ts. The files vm-bhyve reads and the pre-flight have vm-bhyve-files.flow.test.ts.
 */
let rig: SimulatedBhyveHost;
let sim: string;
let datastore: string;
let iso: string;
let host: Host;
let handlers: Handlers;

before(async () => {
  rig = await SimulatedBhyveHost.start();
  ({ sim, datastore, host, handlers } = rig);
  iso = join(sim, 'FreeBSD-14.2-RELEASE-amd64-bootonly.iso');
  await writeFile(iso, 'not really an ISO: the simulator only checks that it exists');
});

after(() => rig.close());
afterEach(() => rig.powerOffAll());

const call = <T = VmSummary>(channel: string, input: unknown) => rig.call<T>(channel, input);
const vm = (name: string) => rig.vm(name);
const hostCommands = () => rig.hostCommands();

/**
 * The guest's com1 as a user finds it: what the guest printed before the console attached is gone
 * (a null-modem drops what nobody reads), so Enter asks for a fresh `login:`.
 */
async function loginPrompt(name: string): Promise<{ session: ConsoleSession; screen: Screen }> {
  const session = await host.consoles.session(name, 'com1');
  const screen = new Screen();
  session.attach(screen);
  session.write('\r');
  await screen.expect('login: ');
  return { session, screen };
}

test('install FreeBSD: bhyveload + bhyve loop across the installer reboot, ISO detached after poweroff', { timeout: 120_000 }, async () => {
  await call('createVm', { name: 'fbsd', profile: 'freebsd', cpus: 1, memory: '1024M', diskSize: '16G', installMedia: iso });
  const conf = await readFile(join(datastore, 'fbsd', 'fbsd.conf'), 'utf8');
  assert.match(conf, /^loader="bhyveload"$/m);
  const started = await call('startVm', { name: 'fbsd' });
  assert.equal(started.state, 'running', 'a start returns once bhyve runs the guest');

  const { session, screen } = await loginPrompt('fbsd');
  session.write('root\r');
  await screen.expect('# ');
  session.write('reboot\r');
  // The supervisor loads the kernel again, still from the ISO, and boots again.
  await screen.expect('login: ');
  assert.equal((await vm('fbsd')).state, 'running');
  session.write('root\r');
  await screen.expect('# ');
  session.write('poweroff\r');
  await waitFor(async () => (await vm('fbsd')).state === 'stopped', 'fbsd to stop');

  const commands = await hostCommands();
  // vm-run loads the installer from the ISO once; after its reboot, the installed system from disk0 (the ISO stays attached to bhyve).
  const boots = commands.filter((argv) => argv[0] === 'bhyveload');
  assert.deepEqual(boots.map((argv) => argv.slice(-3)), [['-d', iso, 'fbsd'], ['-d', join(datastore, 'fbsd', 'disk0.img'), 'fbsd']]);
  for (const argv of commands.filter((a) => a[0] === 'bhyve')) assert.ok(argv.includes(`3:0,ahci-cd,${iso},ro,bootindex=1`));
  const console = join(sim, 'dev', 'nmdm-fbsd.1A');
  // No .config/system.conf: switch "public" gets a bridge of Hivedesk's own, made as vm-bhyve makes a standard switch's.
  assert.deepEqual(
    commands.map((argv) => argv.slice(0, 3).join(' ')),
    [
      'kldload vmm', 'kldload nmdm', 'sysctl net.link.tap.up_on_open=1',
      'ifconfig bridge create', 'ifconfig vm-public group', 'ifconfig vm-public link',
      'ifconfig tap0 create', 'ifconfig vm-public addm', 'ifconfig tap0 up',
      `bhyveload -c ${console}`, 'bhyve -s 0,hostbridge', 'bhyvectl --destroy --vm=fbsd',
      `bhyveload -c ${console}`, 'bhyve -s 0,hostbridge', 'bhyvectl --destroy --vm=fbsd',
      'ifconfig tap0 destroy',
    ],
  );
  const after = await readFile(join(datastore, 'fbsd', 'fbsd.conf'), 'utf8');
  assert.doesNotMatch(after, /hivedesk_install_media/);
  assert.equal((await vm('fbsd')).installMedia, undefined);
});

test('start from disk, survive a GUI restart, stop with the ACPI power button', { timeout: 120_000 }, async () => {
  await call('startVm', { name: 'fbsd' });
  await loginPrompt('fbsd');
  const bhyveload = (await hostCommands()).filter((argv) => argv[0] === 'bhyveload').at(-1);
  assert.deepEqual(bhyveload?.slice(-3), ['-d', join(datastore, 'fbsd', 'disk0.img'), 'fbsd']);

  // A new GUI (a restart) finds the running guest through vm-bhyve's runtime files.
  const again = await createHost({ datastore, backend: 'bhyve' });
  const restarted = again.handlers(() => '');
  const listed = (await dispatch(restarted, 'listVms', {})) as { ok: true; value: VmSummary[] };
  assert.equal(listed.value[0]?.state, 'running');
  assert.equal((await readFile(join(datastore, 'fbsd', 'run.lock'), 'utf8')).trim(), 'hivedesk-test-host');
  assert.equal((await readFile(join(datastore, 'fbsd', 'console'), 'utf8')).trim(), `com1=${join(sim, 'dev', 'nmdm-fbsd.1B')}`);
  const stopped = await dispatch(restarted, 'stopVm', { name: 'fbsd' });
  assert.equal(stopped.ok, true);
  again.dispose();
  await waitFor(async () => (await vm('fbsd')).state === 'stopped', 'the ACPI shutdown');
  const kill = (await hostCommands()).find((argv) => argv[0] === 'kill');
  assert.deepEqual(kill?.slice(0, 3), ['kill', '-TERM', '--']);
  assert.match(kill?.[3] ?? '', /^-\d+$/, 'the signal goes to the process group of bhyve');
  assert.equal((await vm('fbsd')).lastFault, undefined);
});

test('the console keeps the serial log: after a GUI restart the first tab starts with what the guest said before', { timeout: 120_000 }, async () => {
  await call('startVm', { name: 'fbsd' });
  const { session, screen } = await loginPrompt('fbsd');
  session.write('root\r');
  await screen.expect('# ');
  session.write('echo said-before\r');
  await screen.expect('said-before');
  session.end('the app closed');
  await session.closed;

  const again = await createHost({ datastore, backend: 'bhyve' });
  try {
    const later = await again.consoles.session('fbsd', 'com1');
    const tab = new Screen();
    later.attach(tab);
    assert.match(tab.text, /login: [^]*said-before/, 'shown at once, before the line says anything new');
    later.end('stopped');
    await later.closed;
  } finally {
    again.dispose();
  }
  const log = join(datastore, 'fbsd', '.hivedesk', 'console-com1.log');
  assert.match(await readFile(log, 'utf8'), /said-before/);
  await call('powerOffVm', { name: 'fbsd' });
  await call('startVm', { name: 'fbsd' });
  assert.match(await readFile(`${log}.1`, 'utf8'), /said-before/, 'the next start keeps the last run as .1');
});

test('a guest keeps its serial log from its start, before any console tab is opened', { timeout: 120_000 }, async () => {
  const log = join(datastore, 'fbsd', '.hivedesk', 'console-com1.log');
  await call('startVm', { name: 'fbsd' });
  await waitFor(async () => (await readFile(log, 'utf8').catch(() => '')).includes('login: '), 'the boot and the login prompt in the serial log');
  assert.match(await readFile(log, 'utf8'), /Setting hostname: fbsd\.[^]*login: /);
  // A tab opened now is the session that wrote it: it shows the boot, once.
  const { screen } = await loginPrompt('fbsd');
  assert.equal(screen.text.split('Setting hostname').length, 2);
});

test('power off a booted guest: bhyvectl --force-poweroff, then the instance is destroyed', { timeout: 120_000 }, async () => {
  await call('startVm', { name: 'fbsd' });
  await loginPrompt('fbsd');
  await call('powerOffVm', { name: 'fbsd' });
  assert.equal((await vm('fbsd')).state, 'stopped');
  const tail = (await hostCommands()).slice(-3).map((argv) => argv.join(' '));
  assert.deepEqual(tail, ['bhyvectl --force-poweroff --vm=fbsd', 'bhyvectl --destroy --vm=fbsd', 'ifconfig tap0 destroy']);
});

test('power off while the guest is still starting: it never keeps running', { timeout: 120_000 }, async () => {
  await call('startVm', { name: 'fbsd' });
  await call('powerOffVm', { name: 'fbsd' });
  assert.equal((await vm('fbsd')).state, 'stopped');
  assert.equal((await readProcessTitles()).has('bhyve: fbsd'), false);
});

for (const [code, meaning] of [[3, 'triple fault'], [4, 'error']] as const) {
  test(`bhyve exit ${code} stops the guest and reports a fault (${meaning}) with the log's tail`, { timeout: 120_000 }, async () => {
    await writeFile(join(sim, 'control', 'fbsd.exit'), `${code}\n`);
    // The guest runs a while before it fails, long enough to be seen running whatever the machine's load.
    process.env.FREEBSD_SIM_BOOT_DELAY = '2';
    try {
      await call('startVm', { name: 'fbsd' });
    } finally {
      delete process.env.FREEBSD_SIM_BOOT_DELAY;
    }
    await waitFor(async () => (await vm('fbsd')).state === 'stopped', 'fbsd to stop');
    const fault = (await vm('fbsd')).lastFault ?? '';
    assert.match(fault, new RegExp(`bhyve exited with status ${code} \\(${meaning}\\)`));
    assert.match(fault, /Last lines of vm-bhyve.log:/);
    assert.equal((await hostCommands()).at(-2)?.join(' '), 'bhyvectl --destroy --vm=fbsd');
  });
}

/** Every state the list shows for `name` until `action` has finished. */
async function statesDuring(name: string, action: Promise<unknown>): Promise<Set<string>> {
  const seen = new Set<string>();
  let done = false;
  void action.finally(() => (done = true));
  while (!done) {
    seen.add((await vm(name)).state);
    await new Promise((r) => setTimeout(r, 5));
  }
  return seen;
}

/** Starts a guest bhyve refuses: the start must fail with bhyve's words and leave nothing running or created. */
async function assertRefusedStart(name: string, why: RegExp): Promise<void> {
  const start = dispatch(handlers, 'startVm', { name });
  const seen = await statesDuring(name, start);
  const refused = await start;
  assert.equal(refused.ok, false, 'the start fails');
  const message = refused.ok ? '' : refused.error.message;
  assert.match(message, new RegExp(`^${name} did not start: bhyve exited with status 4 \\(error\\) before it started the guest\\.`));
  assert.match(message, why);
  assert.equal(seen.has('running'), false, `never listed as running (saw ${[...seen].join(', ')})`);
  const after = await vm(name);
  assert.equal(after.state, 'stopped');
  assert.match(after.lastFault ?? '', why);
  assert.equal((await readProcessTitles()).has(supervisorTitle(name)), false, 'the supervisor is gone');
  assert.equal(existsSync(join(sim, 'dev', 'vmm', name)), false, 'the VM instance is destroyed');
  const tap = (await hostCommands()).filter((argv) => argv[0] === 'ifconfig' && argv[2] === 'create').at(-1)?.[1] ?? '';
  const interfaces = JSON.parse(await readFile(join(sim, 'state', 'interfaces.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(tap in interfaces, false, `${tap} is destroyed`);
  assert.deepEqual((await hostCommands()).slice(-2).map((argv) => argv.join(' ')), [`bhyvectl --destroy --vm=${name}`, `ifconfig ${tap} destroy`]);
}

test('a bhyve that refuses a loader-booted guest\'s MAC fails the start with its message; nothing is left behind', { timeout: 120_000 }, async () => {
  await call('createVm', { name: 'badmac', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '64M' });
  const confPath = join(datastore, 'badmac', 'badmac.conf');
  // A multicast address: vm-bhyve's syntax, but bhyve's net_parsemac() refuses it. It replaces the MAC create wrote.
  await writeFile(confPath, (await readFile(confPath, 'utf8')).replace(/^network0_mac=.*$/m, 'network0_mac="01:00:5e:00:00:01"'));
  await assertRefusedStart('badmac', /Invalid MAC 01:00:5e:00:00:01/);
});

test('a bhyve that refuses a UEFI guest\'s framebuffer fails the start; the instance bhyve made is destroyed', { timeout: 120_000 }, async () => {
  await writeFile(join(sim, 'firmware', 'BHYVE_UEFI.fd'), 'firmware');
  await call('createVm', { name: 'bigvnc', profile: 'windows', cpus: 2, memory: '1G', diskSize: '1G' });
  const confPath = join(datastore, 'bigvnc', 'bigvnc.conf');
  // Create gave the Windows guest a screen; one wider than bhyve allows replaces it.
  await writeFile(confPath, `${(await readFile(confPath, 'utf8')).replace('graphics_res="1024x768"', 'graphics_res="5120x1440"')}graphics_port="5999"\n`);
  await assertRefusedStart('bigvnc', /fbuf: max resolution is 3840x2160/);
});

test('halt (exit 2) is a normal stop', { timeout: 120_000 }, async () => {
  await call('startVm', { name: 'fbsd' });
  (await loginPrompt('fbsd')).session.write('root\rhalt\r');
  await waitFor(async () => (await vm('fbsd')).state === 'stopped', 'fbsd to halt');
  assert.equal((await vm('fbsd')).lastFault, undefined);
});

test('Linux on grub-bhyve: the loader asks on the same console, the user answers, bhyve boots', { timeout: 120_000 }, async () => {
  await call('createVm', { name: 'deb', profile: 'linux', cpus: 1, memory: '512M', diskSize: '1G' });
  const confPath = join(datastore, 'deb', 'deb.conf');
  // grub-bhyve boots without UEFI, so without the screen Create gave the Linux guest.
  await writeFile(confPath, (await readFile(confPath, 'utf8')).replace('loader="uefi"', 'loader="grub"').replace('graphics="yes"', 'graphics="no"'));
  await call('startVm', { name: 'deb' });
  const session = await host.consoles.session('deb', 'com1');
  const screen = new Screen();
  session.attach(screen);
  session.write('\r');
  await screen.expect('grub> ');
  assert.equal((await vm('deb')).state, 'bootloader');
  assert.equal(await readFile(join(datastore, 'deb', 'device.map'), 'utf8'), `(hd0) ${join(datastore, 'deb', 'disk0.img')}\n`);
  session.write('linux (hd0,msdos1)/vmlinuz root=/dev/vda1\r');
  await screen.expect('grub> ');
  session.write('initrd (hd0,msdos1)/initrd.img\r');
  await screen.expect('grub> ');
  session.write('boot\r');
  await screen.expect('login: ');
  assert.equal((await vm('deb')).state, 'running');
  const grub = (await hostCommands()).find((argv) => argv[0] === 'grub-bhyve');
  assert.deepEqual(grub, ['grub-bhyve', '-c', join(sim, 'dev', 'nmdm-deb.1A'), '-m', join(datastore, 'deb', 'device.map'), '-M', '512M', '-r', 'hd0,1', 'deb']);
});

test('UEFI with a vars file: each guest gets its own copy of the template', { timeout: 120_000 }, async () => {
  await writeFile(join(sim, 'firmware', 'BHYVE_UEFI.fd'), 'firmware');
  await writeFile(join(sim, 'firmware', 'BHYVE_UEFI_VARS.fd'), 'variables template');
  await call('createVm', { name: 'uefi1', profile: 'windows', cpus: 2, memory: '1G', diskSize: '1G' });
  const confPath = join(datastore, 'uefi1', 'uefi1.conf');
  await writeFile(confPath, `${await readFile(confPath, 'utf8')}uefi_vars="yes"\n`);
  await call('startVm', { name: 'uefi1' });
  await waitFor(async () => (await vm('uefi1')).state === 'running', 'uefi1 to run');
  const vars = join(datastore, 'uefi1', 'uefi-vars.fd');
  assert.equal(await readFile(vars, 'utf8'), 'variables template');
  const bhyve = (await hostCommands()).filter((argv) => argv[0] === 'bhyve').at(-1) ?? [];
  assert.equal(bhyve[bhyve.indexOf('-l') + 1], `bootrom,${join(sim, 'firmware', 'BHYVE_UEFI.fd')},${vars}`);
  assert.equal(bhyve.at(-1), 'uefi1');
});

test('a Windows guest made by Create has a screen: fbuf and a tablet in the summary and at start, vnc= in the console file, Display', { timeout: 120_000 }, async () => {
  const [name, plain] = ['scrwin7k', 'scrbsd7k'];
  await writeFile(join(sim, 'firmware', 'BHYVE_UEFI.fd'), 'firmware');
  const input = { name, profile: 'windows', cpus: 2, memory: '1G', diskSize: '1G' };
  const summary = (await call<StartPlan>('planCreateVm', input)).commands.flatMap((c) => c.argv);
  assert.match(summary.find((arg) => arg.includes(',fbuf,')) ?? '', /^\d+:\d+:0,fbuf,tcp=127\.0\.0\.1:\d+,w=1024,h=768$/);
  assert.ok(summary.some((arg) => arg.endsWith(',xhci,tablet')), summary.join(' '));
  await call('createVm', input);
  assert.equal((await vm(name)).display, true);

  await call('startVm', { name });
  const bhyve = (await hostCommands()).filter((argv) => argv[0] === 'bhyve' && argv.at(-1) === name).at(-1) ?? [];
  const port = /,fbuf,tcp=127\.0\.0\.1:(\d+),w=1024,h=768$/.exec(bhyve.find((arg) => arg.includes(',fbuf,')) ?? '')?.[1];
  assert.ok(port, bhyve.join(' '));
  assert.ok(bhyve.some((arg) => arg.endsWith(',xhci,tablet')), bhyve.join(' '));
  assert.match(await readFile(join(datastore, name, 'console'), 'utf8'), new RegExp(`^vnc=127\\.0\\.0\\.1:${port}$`, 'm'));
  assert.deepEqual(await host.consoles.display(name), { host: '127.0.0.1', port: Number(port) });
  assert.equal((await dispatch(handlers, 'openDisplay', { name })).ok, true);

  // A loader-booted guest has no screen: Display is refused with what to do, not a socket that closes.
  await call('createVm', { name: plain, profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '64M' });
  assert.equal((await vm(plain)).display, false);
  await call('startVm', { name: plain });
  assert.deepEqual(await dispatch(handlers, 'openDisplay', { name: plain }), {
    ok: false,
    error: { code: 'not_found', message: `${plain} has no screen: turn on its framebuffer (Settings, Display; on bhyve, UEFI guests only) and start it again.` },
  });
});

test('a refused privilege is a clear error naming the command that failed', { timeout: 120_000 }, async () => {
  await writeFile(join(sim, 'control', 'doas.deny'), '');
  try {
    const refused = await dispatch(handlers, 'startVm', { name: 'fbsd' });
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.error.message, /^doas ifconfig tap\d+ create descr vmnet\/fbsd\/0\/public group vm-port: exit status 1: doas: Operation not permitted/);
    assert.equal((await vm('fbsd')).state, 'stopped');
  } finally {
    await rm(join(sim, 'control', 'doas.deny'));
  }
});

test('a guest another host runs (run.lock) is listed as locked and cannot be started here', { timeout: 120_000 }, async () => {
  await writeFile(join(datastore, 'fbsd', 'run.lock'), 'storage-02.example.org\n');
  try {
    const locked = await vm('fbsd');
    assert.deepEqual([locked.state, locked.lockedBy], ['locked', 'storage-02.example.org']);
    const refused = await dispatch(handlers, 'startVm', { name: 'fbsd' });
    assert.deepEqual(refused, { ok: false, error: { code: 'conflict', message: 'fbsd is locked by storage-02.example.org.' } });
  } finally {
    await rm(join(datastore, 'fbsd', 'run.lock'));
  }
});

test('a bhyve started outside Hivedesk is seen by its process title', { timeout: 120_000 }, async () => {
  await call('createVm', { name: 'ghost', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '64M' });
  assert.equal((await vm('ghost')).state, 'stopped');
  const outside = spawn('bash', ['-c', 'exec -a "bhyve: ghost" sleep 60'], { stdio: 'ignore' });
  try {
    await waitFor(async () => (await vm('ghost')).state === 'running', 'ghost to show as running');
  } finally {
    outside.kill('SIGKILL');
  }
  await waitFor(async () => (await vm('ghost')).state === 'stopped', 'ghost to show as stopped');
});

test('guests started together get taps of their own', { timeout: 120_000 }, async () => {
  for (const name of ['net1', 'net2']) await call('createVm', { name, profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '64M' });
  await Promise.all(['net1', 'net2'].map((name) => call('startVm', { name })));
  await waitFor(async () => (await vm('net1')).state === 'running' && (await vm('net2')).state === 'running', 'both guests to run');
  const created = (await hostCommands()).filter((argv) => argv[0] === 'ifconfig' && argv[2] === 'create' && argv[1]?.startsWith('tap'));
  const taps = created.slice(-2).map((argv) => argv[1]);
  assert.equal(new Set(taps).size, 2, `two different taps: ${taps.join(', ')}`);
});

test('refusals say what to do, and run nothing', { timeout: 120_000 }, async () => {
  const before = (await hostCommands()).length;
  await call('createVm', { name: 'win', profile: 'windows', cpus: 2, memory: '4G', diskSize: '1G' });
  // CSM firmware left the packages in 2024: a guest that still asks for it must be told so.
  const winConf = join(datastore, 'win', 'win.conf');
  await writeFile(winConf, (await readFile(winConf, 'utf8')).replace('loader="uefi"', 'loader="uefi-csm"'));
  const refused = await dispatch(handlers, 'startVm', { name: 'win' });
  assert.equal(refused.ok, false);
  assert.match(refused.ok ? '' : refused.error.message, /the UEFI firmware \(CSM\) \S+BHYVE_UEFI_CSM\.fd does not exist: install the edk2-bhyve package or pick another loader/);
  const confPath = join(datastore, 'fbsd', 'fbsd.conf');
  await writeFile(confPath, `${await readFile(confPath, 'utf8')}graphics="yes"\n`);
  const graphics = await dispatch(handlers, 'startVm', { name: 'fbsd' });
  assert.match(graphics.ok ? '' : graphics.error.message, /graphics \(VNC\) needs a UEFI loader: fbsd uses loader "bhyveload"; switch it to "uefi" in Settings → Boot & firmware or turn graphics off in Settings → Display\./);
  assert.deepEqual((await hostCommands()).slice(before), []);
});

test('settings saved while a guest runs wait for its next start, marked in the list; bhyve then runs them', { timeout: 120_000 }, async () => {
  const name = 'setbhv7q';
  await call('createVm', { name, profile: 'freebsd', cpus: 1, memory: '512M', diskSize: '1G' });
  await call('startVm', { name });
  await loginPrompt(name);
  const view = await call<SettingsView>('getSettings', { name });
  assert.deepEqual(view.pending, []);
  const data = { type: 'virtio-blk', dev: 'file', name: 'data.img', opts: '', size: '2G' };
  await call('saveSettings', { name, revision: view.revision, settings: { ...view.settings, memory: '1G', disks: [...view.settings.disks, data] } });
  assert.equal((await stat(join(datastore, name, 'data.img'))).size, 2 * 1024 ** 3, 'the disk is made at save');
  assert.deepEqual((await vm(name)).pendingRestart, ['memory', 'disks']);
  const bhyveArgv = async () => (await hostCommands()).filter((argv) => argv[0] === 'bhyve' && argv.at(-1) === name).at(-1) ?? [];
  assert.equal((await bhyveArgv())[(await bhyveArgv()).indexOf('-m') + 1], '512M', 'the running guest keeps what it booted with');

  await call('stopVm', { name });
  await waitFor(async () => (await vm(name)).state === 'stopped', `${name} to stop`);
  assert.equal((await vm(name)).pendingRestart, undefined, 'a stopped guest has nothing pending');
  await call('startVm', { name });
  await loginPrompt(name);
  const argv = await bhyveArgv();
  assert.equal(argv[argv.indexOf('-m') + 1], '1G');
  assert.ok(argv.includes(`0:4:1,virtio-blk,${join(datastore, name, 'data.img')}`), argv.join(' '));
  assert.equal((await vm(name)).pendingRestart, undefined, 'it booted with the saved settings');
  await call('powerOffVm', { name });
});

test('Reset UEFI variables: refused while running, then the store is moved aside and the next start copies the template', { timeout: 120_000 }, async () => {
  const name = 'setvars3k';
  await writeFile(join(sim, 'firmware', 'BHYVE_UEFI.fd'), 'firmware');
  await writeFile(join(sim, 'firmware', 'BHYVE_UEFI_VARS.fd'), 'variables template');
  await call('createVm', { name, profile: 'windows', cpus: 2, memory: '1G', diskSize: '1G' });
  const view = await call<SettingsView>('getSettings', { name });
  await call('saveSettings', { name, revision: view.revision, settings: { ...view.settings, uefiVars: true } });
  await call('startVm', { name });
  await waitFor(async () => (await vm(name)).state === 'running', `${name} to run`);
  const vars = join(datastore, name, 'uefi-vars.fd');
  await writeFile(vars, 'boot entries the guest wrote');
  const refused = await dispatch(handlers, 'resetUefiVars', { name });
  assert.deepEqual(refused, { ok: false, error: { code: 'conflict', message: `Stop ${name} before resetting its UEFI variables.` } });
  await call('powerOffVm', { name });

  const { movedTo } = await call<{ movedTo: string }>('resetUefiVars', { name });
  assert.equal(await readFile(movedTo, 'utf8'), 'boot entries the guest wrote', 'kept, not deleted');
  assert.ok(movedTo.startsWith(join(datastore, name, '.hivedesk')));
  assert.equal(existsSync(vars), false);
  await call('startVm', { name });
  await waitFor(async () => (await vm(name)).state === 'running', `${name} to run again`);
  assert.equal(await readFile(vars, 'utf8'), 'variables template');
  await call('powerOffVm', { name });
});
