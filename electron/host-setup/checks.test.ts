import assert from 'node:assert/strict';
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

/** user null: HIVEDESK_USER not set. */
function doctor(user: string | null = 'alice', at = root): HostSetup {
  return new HostSetup({ kind: 'freebsd', root: at, runner: new HostRunner(new CommandLog()), live: false, settings: bhyveSettings({ HIVEDESK_PRIVILEGE: 'doas' }), ...(user === null ? {} : { user }), guestLoaders: async () => ['grub'] });
}

/** A root of its own, for a test that changes files: the laptop host, plus bob (in no group) and a devfs rule for nmdm. */
async function withOwnRoot(run: (at: string) => Promise<void>): Promise<void> {
  const at = await mkdtemp(join(tmpdir(), 'hivedesk-root-'));
  try {
    await writeHostRoot(at);
    await writeFile(join(at, 'etc/passwd'), 'root:*:0:0::/root:/bin/sh\nalice:*:1001:1001::/home/alice:/bin/sh\nbob:*:1002:1002::/home/bob:/bin/sh\n');
    await writeFile(join(at, 'etc/group'), 'wheel:*:0:root\noperator:*:5:root\ndialer:*:68:alice\nvboxusers:*:920:alice\n');
    await writeFile(join(at, 'etc/devfs.rules'), "[system=10]\nadd path 'nmdm*' mode 0660 group dialer\n");
    await run(at);
  } finally {
    await rm(at, { recursive: true, force: true });
  }
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

test('under --root, package installs and group changes act on DIR, and a service restart is only a note', { timeout: 30_000 }, async () => {
  await withOwnRoot(async (at) => {
    const checks = byId(await doctor('bob', at).checks(['xen', 'virtualbox']));
    assert.deepEqual(checks['bhyve-uefi-firmware']?.fix?.commands, [['doas', 'pkg', '-r', at, 'install', '-y', 'edk2-bhyve']]);
    assert.deepEqual(checks['bhyve-grub2']?.fix?.commands, [['doas', 'pkg', '-r', at, 'install', '-y', 'grub2-bhyve']]);
    assert.deepEqual(checks['xen-packages']?.fix?.commands, [['doas', 'pkg', '-r', at, 'install', '-y', 'xen-kernel', 'xen-tools']]);
    assert.deepEqual(checks['vbox-package']?.fix?.commands, [['doas', 'pkg', '-r', at, 'install', '-y', 'virtualbox-ose']]);
    assert.deepEqual(checks['vbox-group']?.fix?.commands, [['doas', 'pw', '-R', at, 'groupmod', 'vboxusers', '-m', 'bob']]);
    assert.deepEqual(checks['bhyve-console']?.fix?.commands, [['doas', 'pw', '-R', at, 'groupmod', 'dialer', '-m', 'bob']]);
    const note = `On the host itself, after it boots from ${at}: service devfs restart`;
    const usb = checks['vbox-usb']?.fix;
    assert.deepEqual(usb?.commands.map((c) => c.slice(0, 3)), [['doas', 'install', '-S'], ['doas', 'pw', '-R']]);
    assert.equal(usb?.commands[0]?.at(-1), join(at, 'etc/devfs.rules'));
    assert.ok(usb?.warnings.includes(note), JSON.stringify(usb?.warnings));
    for (const id of ['vbox-devfs-conf', 'vbox-dvd']) {
      const fix = checks[id]?.fix;
      assert.deepEqual(fix?.commands.map((c) => c.slice(0, 3)), [['doas', 'install', '-S']], id);
      assert.deepEqual(fix?.warnings, [note], id);
    }
    const all = Object.values(checks).flatMap((c) => c.fix?.commands ?? []);
    assert.deepEqual(all.filter((argv) => argv.includes('service')), [], 'no live service restart under --root');
  });
});

test('under --root the user checks read DIR\'s accounts for HIVEDESK_USER, never judge the CLI\'s own', { timeout: 30_000 }, async () => {
  await withOwnRoot(async (at) => {
    const unnamed = byId(await doctor(null, at).checks(['virtualbox']));
    for (const id of ['bhyve-console', 'vbox-group', 'vbox-usb']) {
      assert.equal(unnamed[id]?.status, 'unknown', `${id}: ${unnamed[id]?.summary}`);
      assert.match(unnamed[id]?.summary ?? '', /No account to check/, id);
      assert.match(unnamed[id]?.manual ?? '', /HIVEDESK_USER=<user> hivedesk doctor --root/, id);
      assert.equal(unnamed[id]?.fix, undefined, id);
    }
    const stranger = byId(await doctor('carol', at).checks(['virtualbox']));
    assert.equal(stranger['vbox-group']?.status, 'unknown');
    assert.match(stranger['vbox-group']?.summary ?? '', new RegExp(`no user carol in ${at}/etc/passwd`));
    const alice = byId(await doctor('alice', at).checks(['virtualbox']));
    assert.equal(alice['bhyve-console']?.status, 'ok', alice['bhyve-console']?.summary);
    assert.ok(alice['bhyve-console']?.evidence.includes('/etc/group: dialer:*:68:alice'));
    assert.ok(alice['bhyve-console']?.evidence.includes("/etc/devfs.rules [system]: add path 'nmdm*' mode 0660 group dialer"));
    assert.equal(alice['vbox-group']?.status, 'ok');
    const bob = byId(await doctor('bob', at).checks(['virtualbox']));
    assert.equal(bob['bhyve-console']?.status, 'missing');
    assert.equal(bob['bhyve-console']?.summary, 'bob is not in dialer.');
    assert.equal(bob['vbox-group']?.status, 'missing');
  });
});

test('a staged install keeps the file\'s owner and mode; a new file is root:wheel 0644', { timeout: 30_000 }, async () => {
  await withOwnRoot(async (at) => {
    await chmod(join(at, 'etc/login.conf'), 0o600);
    await rm(join(at, 'etc/sysctl.conf'));
    const checks = byId(await doctor('alice', at).checks(['xen']));
    const login = checks['xen-login-conf']?.fix?.commands[0];
    assert.deepEqual(login?.slice(0, 9), ['doas', 'install', '-S', '-o', String(process.getuid?.()), '-g', String(process.getgid?.()), '-m', '0600']);
    assert.equal(login?.at(-1), join(at, 'etc/login.conf'));
    const sysctl = checks['persist-tap-up-on-open']?.fix?.commands[0];
    assert.deepEqual(sysctl?.slice(0, 9), ['doas', 'install', '-S', '-o', '0', '-g', '0', '-m', '0644']);
    assert.equal(sysctl?.at(-1), join(at, 'etc/sysctl.conf'));
  });
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
