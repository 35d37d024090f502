import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CreateVmInput } from '../../shared/api/vms.js';
import { QemuBackend } from '../backends/qemu/qemu-backend.js';
import { Datastore } from '../datastore/datastore.js';
import { CommandLog } from '../host/command-log.js';
import { HostRunner } from '../host/run.js';
import { VmService } from './vm-service.js';

/**
 * What the wizard's Create writes and shows for a guest's screen: the UEFI profiles (Windows among them) get a
 * framebuffer and a tablet, FreeBSD's bhyveload does not. The bhyve side runs on the simulator in bhyve.flow.test.ts.
 */
let root: string;
let vms: VmService;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-create-screen-'));
  const store = new Datastore(root);
  await store.init();
  vms = new VmService(store, { qemu: new QemuBackend(new HostRunner(new CommandLog()), store) }, 'qemu');
});

after(() => rm(root, { recursive: true, force: true }));

const input = (name: string, profile: CreateVmInput['profile']): CreateVmInput => ({ name, profile, cpus: 1, memory: '256M', diskSize: '64M' });

test('Windows, Linux and Other get a screen on loopback at 1024x768 and a USB tablet; FreeBSD gets none', { timeout: 30_000 }, async () => {
  for (const profile of ['windows', 'linux', 'other'] as const) {
    await vms.createVm(input(`scr-${profile}`, profile));
    const conf = await readFile(join(root, `scr-${profile}`, `scr-${profile}.conf`), 'utf8');
    for (const line of ['graphics="yes"', 'graphics_listen="127.0.0.1"', 'graphics_res="1024x768"', 'xhci_mouse="yes"']) {
      assert.ok(conf.split('\n').includes(line), `${profile}: ${line} in\n${conf}`);
    }
  }
  await vms.createVm(input('scr-freebsd', 'freebsd'));
  assert.doesNotMatch(await readFile(join(root, 'scr-freebsd', 'scr-freebsd.conf'), 'utf8'), /graphics|xhci_mouse/);
});

test('the summary\'s boot command serves the screen on the guest\'s socket with a tablet, and the list says it has one', { timeout: 30_000 }, async () => {
  const plan = await vms.planCreateVm(input('win-plan', 'windows'));
  const boot = plan.commands.at(-1)?.argv ?? [];
  assert.equal(boot[0], 'qemu-system-x86_64');
  assert.equal(boot[boot.indexOf('-vnc') + 1], `unix:${join(root, 'win-plan', 'vnc.sock')}`);
  assert.ok(boot.includes('usb-tablet'), boot.join(' '));
  assert.deepEqual(plan.notes.filter((note) => /graphics|xhci/.test(note)), [], 'the keys Create writes all apply on QEMU');

  const bsd = (await vms.planCreateVm(input('bsd-plan', 'freebsd'))).commands.at(-1)?.argv ?? [];
  assert.equal(bsd.includes('-vnc'), false);
  assert.equal(bsd.includes('usb-tablet'), false);

  const listed = await vms.listVms();
  assert.equal(listed.find((vm) => vm.name === 'scr-windows')?.display, true);
  assert.equal(listed.find((vm) => vm.name === 'scr-freebsd')?.display, false);
});
