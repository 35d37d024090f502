import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { HostCheck } from '../../shared/api/host-setup.js';
import { chooseAccelerator } from '../backends/qemu/accel.js';
import { bhyveSettings } from '../backends/bhyve/settings.js';
import { CommandLog } from '../host/command-log.js';
import { HostRunner } from '../host/run.js';
import { hostSetupFixtures as fixtures, writeHostRoot } from '../testing/host-root.js';
import { HostSetup } from './service.js';

/** A host described by its files (`hivedesk doctor --root DIR`): nothing runs; checks that need a command say so. */
let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-root-'));
  await writeHostRoot(root);
});

after(() => rm(root, { recursive: true, force: true }));

function doctor(user = 'alice'): HostSetup {
  return new HostSetup({ kind: 'freebsd', root, runner: new HostRunner(new CommandLog()), live: false, settings: bhyveSettings({ HIVEDESK_PRIVILEGE: 'doas' }), user, guestLoaders: async () => ['grub'] });
}

const byId = (checks: HostCheck[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

test('under --root: the files decide, commands are not run and say so', { timeout: 30_000 }, async () => {
  const checks = byId(await doctor().checks(['xen', 'virtualbox']));
  assert.equal(checks['bhyve-cpu']?.verdict, 'disabled-in-bios');
  assert.equal(checks['bhyve-cpu']?.status, 'missing');
  assert.match(checks['bhyve-cpu']?.summary ?? '', /guest of KVMKVMKVM/);
  for (const id of ['bhyve-vmm', 'bhyve-nmdm', 'bhyve-tap-up-on-open', 'bhyve-bridge', 'xen-bios-boot', 'vbox-vboxdrv', 'vbox-netctl']) {
    assert.equal(checks[id]?.status, 'unknown', id);
    assert.match(checks[id]?.summary ?? '', /Needs the running host/, id);
    assert.equal(checks[id]?.fix, undefined);
  }
  assert.equal(checks['bhyve-grub2']?.status, 'missing', 'a guest uses grub');
  assert.equal(checks['persist-tap-up-on-open']?.status, 'ok');
  assert.equal(checks['persist-bridge']?.status, 'ok');
  assert.equal(checks['vbox-loader-conf']?.status, 'ok');
  assert.equal(checks['vbox-vboxnet']?.status, 'ok');
  assert.equal(checks['vbox-group']?.status, 'ok');
  assert.equal(checks['xen-console']?.status, 'ok');
});

test('under --root a fix names the files under the root, and its diff keeps every other line', { timeout: 30_000 }, async () => {
  const checks = byId(await doctor().checks(['xen', 'virtualbox']));
  const kld = checks['persist-kld-list']?.fix;
  assert.deepEqual(kld?.commands, [['doas', 'sysrc', '-f', join(root, 'etc/rc.conf'), 'kld_list+=vmm nmdm']]);
  assert.equal(kld?.diffs[0]?.path, '/etc/rc.conf');
  assert.match(kld?.diffs[0]?.diff ?? '', /^-kld_list="\/boot\/modules\/drm2.ko \/boot\/modules\/i915kms.ko"\n\+kld_list="\/boot\/modules\/drm2.ko \/boot\/modules\/i915kms.ko vmm nmdm"$/m);
  assert.equal((kld?.diffs[0]?.diff.match(/^[-+][^-+]/gm) ?? []).length, 2, 'one line out, one in');
  const login = checks['xen-login-conf']?.fix;
  assert.equal(login?.commands.at(-1)?.join(' '), `doas cap_mkdb ${join(root, 'etc/login.conf')}`);
  assert.match(login?.diffs[0]?.diff ?? '', /^-\t:memorylocked=64K:\\\n\+\t:memorylocked=unlimited:\\$/m);
  const usb = checks['vbox-usb'];
  assert.equal(usb?.status, 'missing');
  assert.equal(usb?.fix, undefined, 'devfs_system_ruleset="system" is not in /etc/devfs.rules: not guessed');
  assert.match(usb?.manual ?? '', /devfs_system_ruleset is "system"/);
});

test('malformed files: unknown, no fix, and no other check harmed', { timeout: 30_000 }, async () => {
  await copyFile(join(fixtures, 'etc/login.conf.broken'), join(root, 'etc/login.conf'));
  await writeFile(join(root, 'etc/rc.conf'), 'kld_list="vmm\nhostname=`hostname`\n');
  await writeFile(join(root, 'etc/sysctl.conf'), '\0\0\0binary\n');
  await writeFile(join(root, 'var/run/dmesg.boot'), 'CPU: Intel(R) Xeon(R) CPU E5-2650L v3 @ 1.80GHz\n  Features2=0xfffa3223<SSE3,PCLMULQDQ,VMX,SSSE3');
  const checks = byId(await doctor().checks(['xen', 'virtualbox']));
  for (const id of ['xen-login-conf', 'persist-kld-list', 'persist-bridge', 'persist-tap-up-on-open', 'xen-max-wired', 'bhyve-console', 'vbox-vboxnet', 'bhyve-cpu']) {
    assert.equal(checks[id]?.status, 'unknown', `${id}: ${checks[id]?.summary}`);
    assert.equal(checks[id]?.fix, undefined, id);
  }
  assert.equal(checks['bhyve-cpu']?.verdict, 'unknown');
  assert.equal(checks['xen-console']?.status, 'ok', 'ttys is still read');
});

test('on this Linux machine: the checks say what it really has', { timeout: 60_000 }, async () => {
  const runner = new HostRunner(new CommandLog());
  const setup = new HostSetup({ kind: 'linux', root: '/', runner, live: true, settings: bhyveSettings({ HIVEDESK_PRIVILEGE: 'sudo' }), guestLoaders: async () => [] });
  const checks = byId(await setup.checks());
  assert.deepEqual(Object.keys(checks).sort(), ['linux-cu', 'linux-kvm', 'linux-kvm-group', 'linux-qemu']);
  // The QEMU backend's own choice: KVM here only if it is really usable; this machine has no vmx/svm, so TCG.
  const accel = await chooseAccelerator(runner);
  assert.equal(accel.accel, 'tcg', `this machine was expected to have no usable KVM: ${accel.reason}`);
  assert.equal(checks['linux-kvm']?.status, 'missing');
  assert.match(checks['linux-kvm']?.summary ?? '', /guests run under the slower TCG/);
  assert.ok(checks['linux-kvm']?.evidence.includes(`accelerator: ${accel.reason}`));
  assert.equal(checks['linux-qemu']?.status, 'ok', checks['linux-qemu']?.summary);
  assert.equal(checks['linux-cu']?.status, 'ok', checks['linux-cu']?.summary);
  assert.equal(checks['linux-kvm-group']?.status, process.getuid?.() === 0 ? 'ok' : checks['linux-kvm-group']?.status);
});
