import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BhyveBackend } from '../backends/bhyve/bhyve-backend.js';
import { runtimeFiles } from '../backends/bhyve/runtime.js';
import { bhyveSettings } from '../backends/bhyve/settings.js';
import { serializeConf } from '../datastore/conf.js';
import { Datastore } from '../datastore/datastore.js';
import { newGuestDoc } from '../datastore/guest-config.js';
import { CommandLog } from '../host/command-log.js';
import { ProcessTitles } from '../host/process.js';
import { HostRunner } from '../host/run.js';
import { VmService } from './vm-service.js';

/**
 * The VM list is polled every second for every guest: what guests share on the host (the
 * process table, /dev/vmm) must be read once per list, not once per guest.
 */
const GUESTS = 12;
let root: string;
let store: Datastore;
let vmmDir: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-list-'));
  store = new Datastore(join(root, 'datastore'));
  await store.init();
  vmmDir = join(root, 'dev', 'vmm');
  await mkdir(vmmDir, { recursive: true });
  for (let i = 0; i < GUESTS; i++) {
    const name = `vm${String(i).padStart(2, '0')}`;
    await mkdir(store.guestDir(name));
    await writeFile(store.confPath(name), serializeConf(newGuestDoc({ name, profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '1G' }, 'bhyve')));
  }
});

after(() => rm(root, { recursive: true, force: true }));

/** A bhyve backend on the temp dirs whose process-table reads are counted; `titles` is the process table it sees. */
function service(titles: string[]): { vms: VmService; log: CommandLog; reads: () => number } {
  let reads = 0;
  const settings = bhyveSettings({ HIVEDESK_BHYVE_DEV_DIR: join(root, 'dev'), HIVEDESK_PRIVILEGE: 'none', HIVEDESK_HOSTNAME: 'list-test-host' });
  const log = new CommandLog();
  const readTitles = async () => {
    reads++;
    return new ProcessTitles(titles);
  };
  const backend = new BhyveBackend(new HostRunner(log), store, settings, readTitles);
  return { vms: new VmService(store, { bhyve: backend }, 'bhyve'), log, reads: () => reads };
}

test('listing stopped bhyve guests reads the process table once per list, not once per guest', { timeout: 10_000 }, async () => {
  const { vms, reads } = service(['bhyve: vm03', 'sshd: /usr/sbin/sshd']);
  const list = await vms.listVms();
  assert.equal(list.length, GUESTS);
  assert.equal(reads(), 1);
  // Read once, still used for every guest: the one with a bhyve process shows as running.
  assert.deepEqual(list.filter((vm) => vm.state === 'running').map((vm) => vm.name), ['vm03']);
  await vms.listVms();
  assert.equal(reads(), 2, 'each list reads the process table anew');
});

test('a guest with a VM instance in /dev/vmm is running without asking the process table', { timeout: 10_000 }, async () => {
  const names = (await store.listNames()).slice(0, 2);
  const { vms, reads } = service([]);
  try {
    await Promise.all(names.map((name) => writeFile(join(vmmDir, name), '')));
    const list = await vms.listVms();
    assert.deepEqual(list.filter((vm) => vm.state === 'running').map((vm) => vm.name), names);
    assert.equal(reads(), 1, 'the stopped guests still ask, once');
    const [one] = names;
    assert.ok(one);
    assert.equal(await vms.state(one), 'running');
    assert.equal(reads(), 1, 'a guest with an instance does not ask');
  } finally {
    await Promise.all(names.map((name) => rm(join(vmmDir, name), { force: true })));
  }
});

test("a supervisor's commands reach the command log once each, complete lines only", { timeout: 10_000 }, async () => {
  const { vms, log } = service([]);
  const { commands } = runtimeFiles(store.guestDir('vm05'));
  const record = (id: number, argv: string[]) => JSON.stringify({ id, argv, startedAt: '2026-11-29T00:00:00.000Z', durationMs: 3, exitCode: 0, signal: null, running: false });
  const argvs = () => log.list().map((r) => r.argv.join(' '));
  try {
    await writeFile(commands, `${record(1, ['bhyveload', 'vm05'])}\n${record(2, ['bhyve', 'vm05'])}`);
    await vms.listVms();
    assert.deepEqual(argvs(), ['bhyveload vm05'], 'a line still being written waits');
    await vms.listVms();
    assert.deepEqual(argvs(), ['bhyveload vm05'], 'nothing new, nothing read again');
    await appendFile(commands, `\n${record(3, ['bhyvectl', '--destroy', '--vm=vm05'])}\n`);
    await vms.listVms();
    assert.deepEqual(argvs(), ['bhyveload vm05', 'bhyve vm05', 'bhyvectl --destroy --vm=vm05']);
  } finally {
    await rm(commands, { force: true });
  }
});
