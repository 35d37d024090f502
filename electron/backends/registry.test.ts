import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandLog } from '../host/command-log.js';
import { availability, BACKENDS, describeBackends, describeExit } from './registry.js';

test("bhyve's exit statuses are named by the bhyve backend, behind a privilege prefix too; other programs' are not", { timeout: 5000 }, () => {
  assert.deepEqual(describeExit(['doas', 'bhyve', '-c', '1', 'web1'], 1), { meaning: 'powered off', fault: false });
  assert.deepEqual(describeExit(['sudo', '-n', 'bhyve', 'web1'], 3), { meaning: 'triple fault', fault: true });
  assert.equal(describeExit(['bhyvectl', '--destroy', '--vm=web1'], 1), undefined);
  assert.equal(describeExit(['truncate', '-s', '1G', 'disk0.img'], 1), undefined);
});

test('the command log keeps what an exit means with the record, once the command ended', { timeout: 5000 }, () => {
  const log = new CommandLog(10, describeExit);
  const finish = log.begin(['bhyve', 'web1']);
  assert.equal(log.list()[0]?.outcome, undefined, 'a running bhyve has no outcome yet');
  finish({ exitCode: 1, signal: null });
  assert.deepEqual(log.list()[0]?.outcome, { meaning: 'powered off', fault: false });
  log.import({ id: 7, argv: ['bhyve', 'web2'], startedAt: new Date().toISOString(), durationMs: 3, exitCode: 4, signal: null, running: false }, 'supervisor');
  assert.deepEqual(log.list()[1]?.outcome, { meaning: 'error', fault: true }, "a supervisor's record is described as it is imported");
});

test('the registry says per backend what this host lacks, and what each profile needs', { timeout: 5000 }, async () => {
  const host = { platform: 'linux' as const, hasProgram: async (name: string) => name === 'qemu-system-x86_64' };
  const here = await availability(host);
  const listed = describeBackends(here, 'qemu');
  assert.deepEqual(
    listed.map((b) => b.id),
    BACKENDS.map((e) => e.id),
  );
  const byId = new Map(listed.map((b) => [b.id, b]));
  assert.equal(byId.get('qemu')?.available, true);
  assert.equal(byId.get('qemu')?.default, true);
  assert.equal(byId.get('bhyve')?.available, false);
  assert.match(byId.get('bhyve')?.reason ?? '', /FreeBSD/);
  // A FreeBSD guest is loaded with bhyveload (no UEFI firmware needed); a Linux one boots UEFI.
  assert.ok(!byId.get('bhyve')?.hostChecks.freebsd.includes('bhyve-uefi-firmware'));
  assert.ok(byId.get('bhyve')?.hostChecks.linux.includes('bhyve-uefi-firmware'));
  assert.deepEqual(byId.get('qemu')?.hostChecks.linux, ['linux-qemu', 'linux-kvm', 'linux-cu']);
});

test("each backend's hints speak of its own tools: Xen's switch is a Dom0 bridge, not vm-bhyve's", { timeout: 5000 }, async () => {
  const byId = new Map(describeBackends(await availability({ platform: 'freebsd', hasProgram: async () => true }), 'bhyve').map((b) => [b.id, b]));
  const xen = byId.get('xen')?.hints;
  assert.match(xen?.network ?? '', /bridge of this Dom0/);
  assert.doesNotMatch(Object.values(xen ?? {}).join(' '), /vm-bhyve|QEMU|SeaBIOS|nmdm/);
  assert.doesNotMatch(Object.values(byId.get('virtualbox')?.hints ?? {}).join(' '), /vm-bhyve|QEMU|bhyve|xl /);
  assert.deepEqual([...byId.values()].filter((b) => b.hints.process).map((b) => b.id), ['bhyve', 'qemu'], 'Activity measures only the backends with a hypervisor process');
});
