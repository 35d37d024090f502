import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Job } from '../../shared/api/jobs.js';
import type { LifecyclePlan } from '../../shared/api/lifecycle.js';
import type { VmSummary } from '../../shared/api/vms.js';
import { exists } from '../datastore/datastore.js';
import { isRunning } from '../host/process.js';
import { JobStore } from '../jobs/job-store.js';
import { waitFor } from '../testing/support.js';
import type { Handlers } from './dispatcher.js';
import { createHost, type Host } from './host.js';
import { callChannel, refusal } from '../testing/channels.js';

/**
 * Clones on a plain directory, as jobs in processes of their own (QEMU guests; nothing boots
 * here, see clone.integration.test.ts): what a clone holds and leaves out, and a job found again
 * by a new Host, cancelled, or killed and cleared.
 */
const GiB = 1024 ** 3;
let datastore: string;
const hosts: Host[] = [];

before(async () => {
  datastore = await mkdtemp(join(tmpdir(), 'hivedesk-clone-'));
});

after(async () => {
  for (const host of hosts) host.dispose();
  for (const job of await new JobStore(datastore).list()) if (job.pid && isRunning(job.pid)) process.kill(job.pid, 'SIGKILL');
  await rm(datastore, { recursive: true, force: true });
});

async function newHost(): Promise<Handlers> {
  const host = await createHost({ datastore, backend: 'qemu' });
  hosts.push(host);
  return host.handlers(() => 'ws://unused');
}

const call = <T>(handlers: Handlers, channel: string, input: unknown) => callChannel<T>(handlers, channel, input);
const refused = refusal;

async function jobOf(handlers: Handlers, id: string): Promise<Job> {
  const job = (await call<Job[]>(handlers, 'listJobs', {})).find((j) => j.id === id);
  assert.ok(job, `job ${id} is listed`);
  return job;
}

async function writeAt(path: string, at: number, bytes: Buffer): Promise<void> {
  const file = await open(path, 'r+');
  await file.write(bytes, 0, bytes.length, at);
  await file.close();
}

async function readAt(path: string, at: number, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  const buffer = Buffer.alloc(length);
  await file.read(buffer, 0, length, at);
  await file.close();
  return buffer;
}

const confValue = (conf: string, key: string) => new RegExp(`^${key}="([^"]*)"$`, 'm').exec(conf)?.[1];
const identityFree = (conf: string) => conf.split('\n').filter((line) => !/^(uuid|network\d+_mac)=/.test(line));

test('a clone is the guest under a new name: new uuid and MACs, run-time files left out, holes kept', { timeout: 180_000 }, async () => {
  const handlers = await newHost();
  await call(handlers, 'createVm', { name: 'src', profile: 'linux', cpus: 1, memory: '256M', diskSize: '16G' });
  const dir = join(datastore, 'src');
  const written = randomBytes(8192);
  await writeAt(join(dir, 'disk0.img'), GiB, written);
  await appendFile(join(dir, 'src.conf'), '# a second NIC, added by hand\nnetwork1_type="e1000"\nnetwork1_switch="lan"\n');
  const vars = randomBytes(128 * 1024);
  await writeFile(join(dir, 'uefi-vars.fd'), vars);
  await mkdir(join(dir, '.cloud-init'));
  await writeFile(join(dir, '.cloud-init', 'meta-data'), 'instance-id: src\n');
  // What a run leaves: none of it belongs to the clone.
  for (const runtime of ['console', 'qemu.pid', 'qemu.log', 'vm-bhyve.log', 'run.lock', 'hivedesk-last-exit.json']) await writeFile(join(dir, runtime), 'from the last run\n');
  // Nor does the source's settings history and the text it last booted with.
  await mkdir(join(dir, '.hivedesk', 'history'), { recursive: true });
  await writeFile(join(dir, '.hivedesk', 'booted.conf'), 'cpu=1\n');

  const plan = await call<LifecyclePlan>(handlers, 'planLifecycle', { action: 'clone', input: { name: 'src', newName: 'copy' } });
  assert.deepEqual(plan.commands, []);
  assert.match(plan.steps[0] ?? '', /^copy \S+\/src to \S+\/copy, keeping holes as holes: .*disk0\.img \(16G\).*uefi-vars\.fd/);

  const job = await call<Job>(handlers, 'cloneVm', { name: 'src', newName: 'copy' });
  assert.equal(job.title, 'Clone src as copy');
  await waitFor(async () => (await jobOf(handlers, job.id)).status !== 'running', 'the clone to end', 150_000);
  assert.equal((await jobOf(handlers, job.id)).status, 'succeeded', JSON.stringify(await jobOf(handlers, job.id)));

  const vms = await call<VmSummary[]>(handlers, 'listVms', {});
  assert.deepEqual(vms.map((vm) => [vm.name, vm.state, vm.job]), [['copy', 'stopped', undefined], ['src', 'stopped', undefined]]);
  const copyDir = join(datastore, 'copy');
  assert.deepEqual((await readdir(copyDir)).sort(), ['.cloud-init', 'copy.conf', 'disk0.img', 'uefi-vars.fd']);
  assert.deepEqual(await readFile(join(copyDir, 'uefi-vars.fd')), vars, 'the guest needs its UEFI variables to boot');
  const [before, clone] = await Promise.all([readFile(join(dir, 'src.conf'), 'utf8'), readFile(join(copyDir, 'copy.conf'), 'utf8')]);
  assert.deepEqual(identityFree(clone), identityFree(before), 'every other line, comments included, as it was');
  assert.notEqual(confValue(clone, 'uuid'), confValue(before, 'uuid'));
  assert.match(confValue(clone, 'uuid') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  for (const nic of ['network0_mac', 'network1_mac']) {
    assert.match(confValue(clone, nic) ?? '', /^58:9c:fc:0[0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/, nic);
    assert.notEqual(confValue(clone, nic), confValue(before, 'network0_mac'));
  }
  const disk = await stat(join(copyDir, 'disk0.img'));
  assert.equal(disk.size, 16 * GiB);
  assert.ok(disk.blocks * 512 < 1024 * 1024, `the copy's disk takes ${disk.blocks * 512} bytes, not 16 GiB`);
  assert.deepEqual(await readAt(join(copyDir, 'disk0.img'), GiB, written.length), written);
});

test('a clone under way holds both names, outlives a restart of the Host, and a cancel removes its half-made copy', { timeout: 180_000 }, async () => {
  const first = await newHost();
  await call(first, 'createVm', { name: 'big', profile: 'linux', cpus: 1, memory: '256M', diskSize: '64G' });
  const job = await call<Job>(first, 'cloneVm', { name: 'big', newName: 'big2' });
  const listed = await call<VmSummary[]>(first, 'listVms', {});
  const placeholder = listed.find((vm) => vm.name === 'big2');
  assert.deepEqual([placeholder?.state, placeholder?.job?.id, placeholder?.memory], ['cloning', job.id, '256M']);
  assert.equal(listed.find((vm) => vm.name === 'big')?.job?.id, job.id);
  assert.match(await refused(first, 'startVm', { name: 'big' }), /held by the job “Clone big as big2”/);
  assert.match(await refused(first, 'startVm', { name: 'big2' }), /held by the job/);
  assert.match(await refused(first, 'deleteVm', { name: 'big', deleteDisks: false }), /held by the job/);
  assert.match(await refused(first, 'cloneVm', { name: 'big2', newName: 'big3' }), /held by the job/);
  assert.match(await refused(first, 'cloneVm', { name: 'src', newName: 'BIG2' }), /taken by the job “Clone big as big2”/);
  assert.match(await refused(first, 'createVm', { name: 'Big2', profile: 'linux', cpus: 1, memory: '256M', diskSize: '1G' }), /already has a directory big2/);

  // The GUI quits; a new one finds the job running, from its file.
  hosts.shift()?.dispose();
  const second = await newHost();
  await waitFor(async () => (await jobOf(second, job.id)).done > 0, 'the copy to make progress', 60_000);
  const seen = await jobOf(second, job.id);
  assert.deepEqual([seen.status, seen.step, seen.total > 64 * GiB], ['running', 'copying disk0.img', true]);

  const cancelled = await call<Job>(second, 'cancelJob', { id: job.id });
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(await exists(join(datastore, 'big2')), false, 'the half-made copy is gone');
  const left = (await call<VmSummary[]>(second, 'listVms', {})).filter((vm) => vm.name.startsWith('big'));
  assert.deepEqual(left.map((vm) => [vm.name, vm.job]), [['big', undefined]]);
  const pid = (await new JobStore(datastore).readRaw(job.id))?.pid;
  await waitFor(() => !isRunning(pid), 'the job process to exit', 10_000);
  assert.deepEqual(await call(second, 'clearJob', { id: job.id }), { removed: [] });
  assert.equal((await call<Job[]>(second, 'listJobs', {})).some((j) => j.id === job.id), false);
});

test('a job whose process was killed is interrupted; clearing it removes what it made and frees the name', { timeout: 180_000 }, async () => {
  const handlers = await newHost();
  const job = await call<Job>(handlers, 'cloneVm', { name: 'big', newName: 'big3' });
  await waitFor(async () => (await jobOf(handlers, job.id)).done > 0, 'the copy to make progress', 60_000);
  const pid = (await new JobStore(datastore).readRaw(job.id))?.pid;
  assert.ok(pid);
  process.kill(pid, 'SIGKILL');
  await waitFor(async () => (await jobOf(handlers, job.id)).status === 'interrupted', 'the job to show as interrupted', 10_000);
  assert.match((await jobOf(handlers, job.id)).error ?? '', /ended before the job did/);
  // Its half-made copy still takes the name until the job is cleared.
  assert.equal((await call<VmSummary[]>(handlers, 'listVms', {})).find((vm) => vm.name === 'big3')?.state, 'cloning');
  assert.match(await refused(handlers, 'cloneVm', { name: 'big', newName: 'big3' }), /taken by the job/);
  assert.equal((await call<VmSummary[]>(handlers, 'listVms', {})).find((vm) => vm.name === 'big')?.job, undefined, 'the source is free again');

  const cleared = await call<{ removed: string[] }>(handlers, 'clearJob', { id: job.id });
  assert.deepEqual(cleared.removed, [join(datastore, 'big3')]);
  assert.equal(await exists(join(datastore, 'big3')), false);
  assert.equal((await call<VmSummary[]>(handlers, 'listVms', {})).some((vm) => vm.name === 'big3'), false);
});
