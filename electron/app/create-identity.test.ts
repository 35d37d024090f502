import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CreatePlan } from '../../shared/api/vms.js';
import { dispatch, type Handlers } from './dispatcher.js';
import { createHost, type Host } from './host.js';
import { callChannel } from '../testing/channels.js';

/** The uuid and MAC a person approved in the create plan are the ones Create writes; bad or taken ones change nothing. */
let datastore: string;
let host: Host;
let handlers: Handlers;

before(async () => {
  datastore = await mkdtemp(join(tmpdir(), 'hivedesk-create-identity-'));
  host = await createHost({ datastore, backend: 'qemu' });
  handlers = host.handlers(() => '');
});

after(async () => {
  host.dispose();
  await rm(datastore, { recursive: true, force: true });
});

const input = (name: string) => ({ name, profile: 'other', cpus: 1, memory: '64M', diskSize: '16M' });

const call = <T>(channel: string, input: unknown) => callChannel<T>(handlers, channel, input);

test('Create writes the uuid and network0 MAC its plan showed', { timeout: 30_000 }, async () => {
  const plan = await call<CreatePlan>('planCreateVm', input('ident1'));
  assert.match(plan.identity.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.match(plan.identity.mac, /^58:9c:fc:0[0-9a-f](:[0-9a-f]{2}){2}$/);
  const shown = plan.files[0]?.content ?? '';
  assert.ok(shown.includes(`uuid="${plan.identity.uuid}"`) && shown.includes(`network0_mac="${plan.identity.mac}"`), shown);

  await call('createVm', { ...input('ident1'), ...plan.identity });
  const conf = await readFile(join(datastore, 'ident1', 'ident1.conf'), 'utf8');
  assert.equal(conf, shown, 'the .conf is the one the plan showed, byte for byte');
});

test('a bad or taken MAC or a bad uuid is refused with a clear error, and nothing is made', { timeout: 30_000 }, async () => {
  const taken = /network0_mac="([^"]+)"/.exec(await readFile(join(datastore, 'ident1', 'ident1.conf'), 'utf8'))?.[1];
  assert.ok(taken);
  const refusals: [Record<string, string>, RegExp, string][] = [
    [{ mac: taken.toUpperCase() }, new RegExp(`${taken} is already network0's MAC of ident1`), 'conflict'],
    [{ mac: '58:9c:fc:0g:00:01' }, /A MAC address looks like 58:9c:fc:0c:55:42/, 'invalid_input'],
    [{ mac: '01:9c:fc:00:00:01' }, /multicast/, 'invalid_input'],
    [{ uuid: 'not-a-uuid' }, /A uuid looks like/, 'invalid_input'],
  ];
  for (const [identity, message, code] of refusals) {
    for (const channel of ['planCreateVm', 'createVm']) {
      const result = await dispatch(handlers, channel, { ...input('ident2'), ...identity });
      assert.equal(result.ok, false, `${channel} ${JSON.stringify(identity)} is refused`);
      if (result.ok) continue;
      assert.equal(result.error.code, code, JSON.stringify(result.error));
      assert.match(result.error.message + JSON.stringify(result.error.fields ?? {}), message);
    }
  }
  assert.deepEqual((await readdir(datastore)).filter((entry) => !entry.startsWith('.')), ['ident1'], 'nothing was made');
});
