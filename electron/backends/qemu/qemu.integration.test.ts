import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ActivitySample } from '../../../shared/api/activity.js';
import type { CommandRecord } from '../../../shared/api/host.js';
import type { SettingsView } from '../../../shared/api/settings.js';
import type { VmSummary } from '../../../shared/api/vms.js';
import { dispatch, type Handlers } from '../../app/dispatcher.js';
import { createHost, type Host } from '../../app/host.js';
import type { DisplayTarget } from '../../consoles/display-target.js';
import { isRunning } from '../../host/process.js';
import { processesWithArg, Screen, waitFor } from '../../testing/support.js';

/**
 * A real guest under real QEMU (TCG here), reached through the real cu and node-pty:
 * the tiny ISO that e2e/guest/build-guest.sh makes from Debian packages.
 */
const repo = join(import.meta.dirname, '../../..');
let iso: string;
let datastore: string;
let host: Host;
let handlers: Handlers;

before(async () => {
  iso = process.env.HIVEDESK_TEST_ISO || execFileSync('bash', [join(repo, 'e2e/guest/build-guest.sh')], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  datastore = await mkdtemp(join(tmpdir(), 'hivedesk-qemu-'));
  host = await createHost({ datastore });
  handlers = host.handlers(() => 'ws://unused');
});

after(async () => {
  host.dispose();
  const pid = Number(await readFile(join(datastore, 'tiny', 'qemu.pid'), 'utf8').catch(() => '0'));
  if (pid > 0 && isRunning(pid)) process.kill(pid, 'SIGKILL');
  await rm(datastore, { recursive: true, force: true });
});

/** What a VNC server says first: its protocol version. */
async function rfbGreeting(target: DisplayTarget): Promise<string> {
  const socket = 'path' in target ? connect(target.path) : connect(target.port, target.host);
  try {
    const [data] = (await once(socket, 'data')) as [Buffer];
    return data.toString('latin1');
  } finally {
    socket.destroy();
  }
}

async function call(channel: string, input: unknown): Promise<unknown> {
  const result = await dispatch(handlers, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value;
}


test('boot from the ISO, talk to the shell over cu, ACPI stop, no process left', { timeout: 180_000 }, async () => {
  await call('createVm', { name: 'tiny', profile: 'linux', cpus: 1, memory: '256M', diskSize: '1G', installMedia: iso });
  const started = (await call('startVm', { name: 'tiny' })) as VmSummary;
  assert.equal(started.state, 'running');
  const qemuPid = Number(await readFile(join(datastore, 'tiny', 'qemu.pid'), 'utf8'));
  const [pty = '', vnc] = (await readFile(join(datastore, 'tiny', 'console'), 'utf8')).trim().split('\n');
  assert.match(pty, /^com1=\/dev\/pts\/\d+$/);
  // The Linux profile has a screen: QEMU serves it on the socket the console file names.
  assert.equal(vnc, `vnc=unix:${join(datastore, 'tiny', 'vnc.sock')}`);
  assert.equal(await rfbGreeting(await host.consoles.display('tiny')), 'RFB 003.008\n');

  // The session was opened at start; a viewer attaching now still sees the boot (replay).
  const session = await host.consoles.session('tiny', 'com1');
  const screen = new Screen();
  session.attach(screen);
  await waitFor(() => screen.text.includes('guest# '), 'the guest prompt', 60_000).catch((err: Error) => {
    throw new Error(`${err.message}; the console showed: ${JSON.stringify(screen.text.slice(-2000))}`);
  });
  assert.match(screen.text, /Hivedesk test guest/);

  session.write('echo hello-$((6*7))\r');
  await waitFor(() => screen.text.includes('hello-42'), 'the guest to answer');

  // A second host on the same datastore (the GUI restarted) finds the running guest.
  const again = await createHost({ datastore });
  const seen = (await dispatch(again.handlers(() => ''), 'listVms', {})) as { ok: true; value: VmSummary[] };
  again.dispose();
  assert.deepEqual(seen.value.map((vm) => [vm.name, vm.state]), [['tiny', 'running']]);

  await call('stopVm', { name: 'tiny' });
  await waitFor(async () => ((await call('listVms', {})) as VmSummary[])[0]?.state === 'stopped', 'ACPI shutdown', 30_000);
  await waitFor(() => screen.closedWith !== undefined, 'the console session to end', 5000);
  assert.equal(screen.closedWith, 'tiny stopped');
  await waitFor(() => !isRunning(qemuPid), 'qemu to be gone', 5000);
  await waitFor(async () => (await processesWithArg(pty.slice('com1='.length))).length === 0, 'cu to exit', 5000);
  // The old console file names a pty that may be reused by now: it must not be opened again.
  const reopened = await dispatch(handlers, 'openConsole', { name: 'tiny', port: 'com1' });
  assert.deepEqual(reopened, { ok: false, error: { code: 'conflict', message: 'tiny is not running: start it to use its console.' } });
});

test('a guest started from the command line, no console open: the first tab opened later shows its boot from power-on', { timeout: 120_000 }, async () => {
  const cli = promisify(execFile);
  await cli(process.execPath, ['--import', 'tsx', join(repo, 'electron/cli/hivedesk.ts'), 'start', 'tiny', '--datastore', datastore, '--backend', 'qemu'], { cwd: repo, timeout: 60_000 });
  const log = join(datastore, 'tiny', '.hivedesk', 'console-com1.log');
  await waitFor(async () => (await readFile(log, 'utf8').catch(() => '')).includes('guest# '), 'the guest prompt in its serial log', 60_000);
  assert.match(await readFile(`${log}.1`, 'utf8'), /Hivedesk test guest/, 'the last run is kept as .1');

  try {
    const session = await host.consoles.session('tiny', 'com1');
    const screen = new Screen();
    session.attach(screen);
    await screen.expect('Connected');
    // GRUB's line and the guest's banner came before any cu was there to read them, and are shown once.
    assert.match(screen.text, /^[^]*Booting .Hivedesk test guest'[^]*Hivedesk test guest[^]*guest# [^]*Connected/);
    assert.equal(screen.text.split('Booting').length, 2);
    session.write('echo late-$((6*7))\r');
    await screen.expect('late-42');
  } finally {
    await call('powerOffVm', { name: 'tiny' });
  }
});

test('a running guest’s QEMU reports CPU and memory while watched; power off ends the guest at once', { timeout: 120_000 }, async () => {
  await call('startVm', { name: 'tiny' });
  const pid = Number(await readFile(join(datastore, 'tiny', 'qemu.pid'), 'utf8'));
  assert.equal(isRunning(pid), true);

  const samples: ActivitySample[] = [];
  const unsubscribe = host.events.subscribe((name, payload) => name === 'onDidSampleActivity' && samples.push(payload as ActivitySample));
  try {
    await call('watchActivity', {});
    const booting = () => samples.flatMap((s) => s.guests).find((g) => g.name === 'tiny' && g.cpuPercent > 0);
    await waitFor(() => booting() !== undefined, 'a sample of tiny with CPU above 0 (it is booting under QEMU)', 20_000, () => JSON.stringify(samples));
    const { memoryBytes } = booting()!;
    // QEMU's own code and buffers, plus what the booting guest has touched of its 256M.
    assert.ok(memoryBytes > 16 * 2 ** 20 && memoryBytes < 256 * 2 ** 20 + 1024 * 2 ** 20, `plausible RSS: ${memoryBytes} bytes`);
  } finally {
    unsubscribe();
  }

  const deleting = await dispatch(handlers, 'deleteVm', { name: 'tiny', deleteDisks: true });
  assert.deepEqual(deleting, { ok: false, error: { code: 'conflict', message: 'Stop tiny before deleting it.' } });
  const off = (await call('powerOffVm', { name: 'tiny' })) as VmSummary;
  assert.equal(off.state, 'stopped');
  assert.equal(isRunning(pid), false);
  assert.equal(existsSync(join(datastore, 'tiny', 'vnc.sock')), false, 'the screen socket goes with the guest');
  const display = await dispatch(handlers, 'openDisplay', { name: 'tiny' });
  assert.deepEqual(display, { ok: false, error: { code: 'conflict', message: 'tiny is not running: start it to see its screen.' } });
  const refused = await dispatch(handlers, 'stopVm', { name: 'tiny' });
  assert.deepEqual(refused, { ok: false, error: { code: 'conflict', message: 'tiny is not running.' } });
});

test('settings: a save while running waits for the next start; then QEMU runs it and the guest sees the new disk', { timeout: 180_000 }, async () => {
  const name = 'tiny';
  await call('startVm', { name });
  const view = (await call('getSettings', { name })) as SettingsView;
  const disk = { type: 'nvme', dev: 'file', name: 'scratch.img', opts: '', size: '32M' };
  const graphics = { ...view.settings.graphics, enabled: false };
  await call('saveSettings', { name, revision: view.revision, settings: { ...view.settings, memory: '384M', disks: [...view.settings.disks, disk], graphics } });
  const listed = async () => ((await call('listVms', {})) as VmSummary[]).find((vm) => vm.name === name);
  assert.deepEqual((await listed())?.pendingRestart, ['memory', 'graphics.enabled', 'disks']);
  assert.equal((await listed())?.display, true, 'the running guest keeps the screen it booted with');
  const lastQemu = async () => ((await call('listCommands', {})) as CommandRecord[]).filter((c) => c.argv[0] === 'qemu-system-x86_64').at(-1)?.argv ?? [];
  assert.equal((await lastQemu())[(await lastQemu()).indexOf('-m') + 1], '256M');

  await call('powerOffVm', { name });
  await call('startVm', { name });
  const argv = await lastQemu();
  assert.equal(argv[argv.indexOf('-m') + 1], '384M');
  assert.ok(argv.includes(`file=${join(datastore, name, 'scratch.img')},format=raw,if=none,id=disk1`), argv.join(' '));
  assert.equal((await listed())?.pendingRestart, undefined);
  assert.equal(argv.includes('-vnc'), false);
  assert.equal((await listed())?.display, false);

  const session = await host.consoles.session(name, 'com1');
  const screen = new Screen();
  session.attach(screen);
  await screen.expect('guest# ', 60_000);
  session.write('cat /proc/partitions\r');
  await screen.expect('nvme0n1');
  await call('powerOffVm', { name });
});
