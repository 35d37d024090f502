import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Datastore } from '../../datastore/datastore.js';
import { newGuestDoc, toGuestConfig } from '../../datastore/guest-config.js';
import { CommandLog } from '../../host/command-log.js';
import { ProcessTitles } from '../../host/process.js';
import { HostRunner } from '../../host/run.js';
import { waitFor } from '../../testing/support.js';
import { BhyveBackend } from './bhyve-backend.js';
import { bhyveSettings } from './settings.js';

/** A process titled as bhyve titles itself, for a guest name no other test (or engineer) uses. */
const NAME = `hdact${process.pid}`;
let root: string;
let bhyve: ChildProcess;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-bhyve-pid-'));
  bhyve = spawn('sleep', ['60'], { argv0: `bhyve: ${NAME}`, stdio: 'ignore' });
  await waitFor(() => bhyve.pid !== undefined, 'the stand-in to start', 5_000);
});

after(async () => {
  bhyve.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

function backend(withProcfs: boolean): { backend: BhyveBackend; log: CommandLog } {
  const log = new CommandLog();
  const settings = bhyveSettings({ HIVEDESK_BHYVE_DEV_DIR: join(root, 'dev'), HIVEDESK_PRIVILEGE: 'none' });
  const noTitles = async () => new ProcessTitles([]);
  const table = withProcfs ? undefined : async () => [];
  return { backend: new BhyveBackend(new HostRunner(log), new Datastore(root), settings, noTitles, table), log };
}

const guest = (name: string) => toGuestConfig(name, newGuestDoc({ name, profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '1G' }, 'bhyve'), 'bhyve');

test('bhyve’s process is found by its title in /proc, with no command run', { timeout: 10_000 }, async () => {
  const { backend: b, log } = backend(true);
  assert.equal(await b.hypervisorPid(guest(NAME)), bhyve.pid);
  assert.equal(await b.hypervisorPid(guest(NAME.slice(0, -1))), undefined, 'a name that only starts the title is another guest');
  assert.deepEqual(log.list(), []);
});

test('without procfs one ps finds it, read once for guests asking together, one record in the command log', { timeout: 10_000 }, async () => {
  const { backend: b, log } = backend(false);
  const [found, other] = await Promise.all([b.hypervisorPid(guest(NAME)), b.hypervisorPid(guest('nosuchguest1'))]);
  assert.equal(found, bhyve.pid);
  assert.equal(other, undefined);
  assert.deepEqual(log.list().map((r) => [r.argv.join(' '), r.repeats]), [['ps -A -ww -o pid=,ppid=,args=', 1]]);
});
