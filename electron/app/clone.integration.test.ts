import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Job } from '../../shared/api/jobs.js';
import type { VmSummary } from '../../shared/api/vms.js';
import { isRunning, readPid } from '../host/process.js';
import { Screen, waitFor } from '../testing/support.js';
import type { Handlers } from './dispatcher.js';
import { createHost, type Host } from './host.js';
import { callChannel } from '../testing/channels.js';

/** A clone boots: the tiny test guest under real QEMU (TCG here), cloned, and the clone started and used over cu. */
const repo = join(import.meta.dirname, '../..');
let datastore: string;
let host: Host;
let handlers: Handlers;

before(async () => {
  const iso = process.env.HIVEDESK_TEST_ISO || execFileSync('bash', [join(repo, 'e2e/guest/build-guest.sh')], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  datastore = await mkdtemp(join(tmpdir(), 'hivedesk-clone-boot-'));
  host = await createHost({ datastore, backend: 'qemu' });
  handlers = host.handlers(() => 'ws://unused');
  await call('createVm', { name: 'tiny', profile: 'linux', cpus: 1, memory: '256M', diskSize: '1G', installMedia: iso });
});

after(async () => {
  host.dispose();
  for (const name of ['tiny', 'tiny-clone']) {
    const pid = await readPid(join(datastore, name, 'qemu.pid'));
    if (isRunning(pid)) process.kill(pid!, 'SIGKILL');
  }
  await rm(datastore, { recursive: true, force: true });
});

const call = <T = VmSummary>(channel: string, input: unknown) => callChannel<T>(handlers, channel, input);

test('a clone of a stopped guest boots, with its own MAC, and reaches its shell', { timeout: 240_000 }, async () => {
  const job = await call<Job>('cloneVm', { name: 'tiny', newName: 'tiny-clone' });
  await waitFor(async () => (await call<Job[]>('listJobs', {})).find((j) => j.id === job.id)?.status === 'succeeded', 'the clone to finish', 60_000);
  const mac = /^network0_mac="([^"]+)"$/m.exec(await readFile(join(datastore, 'tiny-clone', 'tiny-clone.conf'), 'utf8'))?.[1];
  const sourceMac = /^network0_mac="([^"]+)"$/m.exec(await readFile(join(datastore, 'tiny', 'tiny.conf'), 'utf8'))?.[1];
  assert.ok(mac && mac !== sourceMac, `${mac} is the clone's own`);

  const started = await call('startVm', { name: 'tiny-clone' });
  assert.equal(started.state, 'running');
  const pid = await readPid(join(datastore, 'tiny-clone', 'qemu.pid'));
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
  assert.equal(argv[argv.indexOf('-name') + 1], 'tiny-clone');
  assert.ok(argv.some((arg) => arg.includes(`mac=${mac}`)), argv.join(' '));
  assert.ok(argv.some((arg) => arg.includes(join(datastore, 'tiny-clone', 'disk0.img'))), 'the clone boots from its own disk');

  const session = await host.consoles.session('tiny-clone', 'com1');
  const screen = new Screen();
  session.attach(screen);
  await waitFor(() => screen.text.includes('guest# '), 'the clone’s shell prompt', 120_000, () => screen.text.slice(-1500));
  session.write('echo clone-$((6*7))\r');
  await screen.expect('clone-42');
  assert.equal((await call('powerOffVm', { name: 'tiny-clone' })).state, 'stopped');
});
