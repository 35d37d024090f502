import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { StartPlan, VmSummary } from '../../../shared/api/vms.js';
import { dispatch } from '../../app/dispatcher.js';
import type { Host } from '../../app/host.js';
import { SIMULATOR_BIN } from '../../testing/simulated-bhyve.js';
import { SimulatedBhyveHost } from '../../testing/simulated-bhyve-host.js';
import { firstBytes, Screen, waitFor } from '../../testing/support.js';

/**
 * The VirtualBox backend's flows on the FreeBSD HOST SIMULATOR's fake VBoxManage (e2e/freebsd-host-simulator: it
 * checks options and machine states as VBoxManage does, and runs machines with the fake guest on their uart socket).
 * Not VirtualBox.
 */
let rig: SimulatedBhyveHost;
let host: Host;
let iso: string;

before(async () => {
  rig = await SimulatedBhyveHost.start('virtualbox');
  host = rig.host;
  iso = join(rig.sim, 'FreeBSD-14.2-RELEASE-amd64-disc1.iso');
  await writeFile(iso, 'not really an ISO: the simulator only checks that it exists');
});

after(() => rig.close());
afterEach(() => rig.powerOffAll());

const call = <T = VmSummary>(channel: string, input: unknown) => rig.call<T>(channel, input);
const vbox = (...args: string[]) => execFileSync(join(SIMULATOR_BIN, 'VBoxManage'), args, { env: process.env, encoding: 'utf8' });
const vboxCommands = async () => (await readFile(join(rig.sim, 'commands.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { argv: string[] }).argv).filter((argv) => argv[0] === 'VBoxManage' && !['list', 'showvminfo'].includes(argv[1] ?? ''));
const guest = (name: string, installMedia = iso) => ({ name, profile: 'freebsd', cpus: '2', memory: '1G', diskSize: '2G', installMedia, backend: 'virtualbox' });

test('a machine made, started, watched and stopped with VBoxManage, listed from VirtualBox, not the datastore', { timeout: 120_000 }, async () => {
  const folder = join(rig.datastore, 'vbfbsd');
  const plan = await call<StartPlan>('planCreateVm', guest('vbfbsd'));
  const planned = plan.commands.map((c) => c.argv.join(' '));
  assert.deepEqual(planned.slice(0, 2), [
    `VBoxManage createvm --name vbfbsd --ostype FreeBSD_64 --basefolder ${rig.datastore} --register`,
    `VBoxManage modifyvm vbfbsd --memory 1024 --cpus 2 --nic1 nat --macaddress1 ${planned[1]?.match(/--macaddress1 ([0-9A-F]{12})/)?.[1] ?? '?'} --uart1 0x3F8 4 --uartmode1 server ${folder}/com1.sock --boot1 disk --boot2 dvd --boot3 none --boot4 none --rtcuseutc on --vrde on --vrdeaddress 127.0.0.1 --vrdeport 5900-5999`,
  ]);
  assert.deepEqual(planned.slice(2), [
    `VBoxManage createmedium disk --filename ${folder}/disk0.vdi --size 2048 --format VDI`,
    'VBoxManage storagectl vbfbsd --name SATA --add sata --controller IntelAhci',
    `VBoxManage storageattach vbfbsd --storagectl SATA --port 0 --device 0 --type hdd --medium ${folder}/disk0.vdi`,
    `VBoxManage storageattach vbfbsd --storagectl SATA --port 1 --device 0 --type dvddrive --medium ${iso}`,
    'VBoxManage startvm vbfbsd --type headless',
  ]);
  assert.deepEqual(plan.files, [], 'no .conf: VirtualBox keeps the machine');

  await call('createVm', guest('vbfbsd'));
  assert.ok(!existsSync(join(folder, 'vbfbsd.conf')));
  const listed = await rig.vm('vbfbsd');
  assert.deepEqual({ backend: listed.backend, state: listed.state, cpus: listed.cpus, memory: listed.memory, installMedia: listed.installMedia, consoles: listed.consoles }, {
    backend: 'virtualbox', state: 'stopped', cpus: 2, memory: '1024M', installMedia: iso, consoles: ['com1'],
  });

  assert.equal((await call('startVm', { name: 'vbfbsd' })).state, 'running');
  assert.deepEqual((await vboxCommands()).at(-1), ['VBoxManage', 'startvm', 'vbfbsd', '--type', 'headless']);
  const session = await host.consoles.session('vbfbsd', 'com1');
  const screen = new Screen();
  session.attach(screen);
  session.write('\r');
  await screen.expect('login: ');
  session.write('root\r');
  await screen.expect('root@vbfbsd');
  session.write('uname -a\r');
  await screen.expect('FreeBSD vbfbsd 14.2-RELEASE');

  const target = await host.consoles.display('vbfbsd');
  assert.ok('port' in target && target.host === '127.0.0.1' && target.port >= 5900 && target.port <= 5999);
  assert.equal(await firstBytes(target.port), 'RFB 003.008\n', "VRDE served as VNC by VirtualBox's VNC extension pack");

  await call('stopVm', { name: 'vbfbsd' });
  await waitFor(async () => (await rig.vm('vbfbsd')).state === 'stopped', 'vbfbsd to power off');
  assert.deepEqual((await vboxCommands()).at(-1), ['VBoxManage', 'controlvm', 'vbfbsd', 'acpipowerbutton']);
});

test('without the VNC extension pack the screen is an "open in VirtualBox", said plainly', { timeout: 60_000 }, async () => {
  await call('createVm', guest('vbrdp', ''));
  await call('startVm', { name: 'vbrdp' });
  const statePath = join(rig.sim, 'state', 'vbox.json');
  const state = JSON.parse(await readFile(statePath, 'utf8')) as Record<string, unknown>;
  await writeFile(statePath, JSON.stringify({ ...state, vrde_ext_pack: 'Oracle VM VirtualBox Extension Pack' }));
  const opened = await dispatch(rig.handlers, 'openDisplay', { name: 'vbrdp' });
  assert.ok(!opened.ok);
  assert.match(opened.error.message, /speaks RDP \(Oracle VM VirtualBox Extension Pack\), not VNC: open it in VirtualBox/);
  await writeFile(statePath, JSON.stringify({ ...state, vrde_ext_pack: 'VNC' }));
});

test("a machine made outside Hivedesk is listed; its settings are VirtualBox's; delete keeps its disk unless asked", { timeout: 60_000 }, async () => {
  vbox('createvm', '--name', 'byhand', '--ostype', 'Linux_64', '--basefolder', rig.datastore, '--register');
  // Made outside Hivedesk: seen at the next list of VirtualBox's machines (each answers for half a second).
  await waitFor(async () => (await call<VmSummary[]>('listVms', {})).some((vm) => vm.name === 'byhand'), 'byhand to be listed');
  const listed = await rig.vm('byhand');
  assert.equal(listed.backend, 'virtualbox');
  assert.equal(listed.profile, 'linux');
  const settings = await dispatch(rig.handlers, 'getSettings', { name: 'byhand' });
  assert.ok(!settings.ok);
  assert.match(settings.error.message, /VirtualBox keeps byhand's settings itself/);

  await call('createVm', guest('vbkeep', ''));
  const disk = join(rig.datastore, 'vbkeep', 'disk0.vdi');
  const deleted = await call<{ removed: string[]; kept: string[] }>('deleteVm', { name: 'vbkeep', deleteDisks: false });
  assert.deepEqual(deleted.kept, [disk]);
  assert.ok(existsSync(disk) && !existsSync(join(rig.datastore, 'vbkeep', 'vbkeep.vbox')));
  assert.deepEqual((await vboxCommands()).at(-1), ['VBoxManage', 'unregistervm', 'vbkeep']);
  assert.ok(!(await call<VmSummary[]>('listVms', {})).some((vm) => vm.name === 'vbkeep'));
  const taken = await dispatch(rig.handlers, 'createVm', guest('byhand', ''));
  assert.ok(!taken.ok);
  assert.equal(taken.error.message, 'A VM named byhand already exists.');
});

