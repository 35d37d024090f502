import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConf } from './conf.js';
import { Datastore } from './datastore.js';
import { draftIdentity, identityFile, macOwners, storeIdentity } from './first-start.js';
import { toGuestConfig } from './guest-config.js';

const CONF = '# web1, by hand\nloader="uefi"\ncpu=1\nmemory=1G\nnetwork0_type="virtio-net"\nnetwork0_mac="58:9c:fc:0a:00:01"\nnetwork1_type="e1000"\nnetwork2_type="virtio-net"\nnetwork2_mac=""';

test('a first start draws a uuid and a MAC for each NIC without one, unlike every MAC of the datastore', { timeout: 5000 }, () => {
  const guest = toGuestConfig('web1', parseConf(CONF), 'bhyve');
  const owners = new Map([['58:9c:fc:0a:00:01', [{ guest: 'web1', nic: 0 }]]]);
  const { guest: drafted, values } = draftIdentity(guest, owners);
  assert.deepEqual(values.map(([key]) => key), ['uuid', 'network1_mac', 'network2_mac']);
  assert.match(drafted.uuid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(drafted.networks.map((nic) => nic.mac), ['58:9c:fc:0a:00:01', values[1]?.[1], values[2]?.[1]]);
  assert.notEqual(values[1]?.[1], values[2]?.[1]);
  for (const [, mac] of values.slice(1)) assert.match(mac, /^58:9c:fc:0[0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/);
  const complete = toGuestConfig('web1', parseConf(`${CONF.replace('network2_mac=""', '')}uuid="u"\nnetwork1_mac="58:9c:fc:0a:00:02"\nnetwork2_mac="58:9c:fc:0a:00:03"\n`), 'bhyve');
  assert.deepEqual(draftIdentity(complete, owners).values, []);
  assert.deepEqual(identityFile('/vm/web1/web1.conf', [['uuid', 'u'], ['network1_mac', 'm']]).map((f) => [f.path, f.content, f.append]), [['/vm/web1/web1.conf', 'uuid="u"\nnetwork1_mac="m"\n', true]]);
});

test('the drawn keys are stored as sysrc stores them: appended as key="value", the rest of the file byte for byte', { timeout: 5000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'hivedesk-first-start-'));
  try {
    const store = new Datastore(root);
    await store.create('web1', parseConf(CONF));
    await store.create('db', parseConf('loader="uefi"\nnetwork0_type="virtio-net"\nnetwork0_mac="58:9C:FC:0A:00:01"\n'));
    const owners = await macOwners(store);
    assert.deepEqual(owners.get('58:9c:fc:0a:00:01'), [{ guest: 'db', nic: 0 }, { guest: 'web1', nic: 0 }]);
    await writeFile(store.confPath('web1'), `${CONF}\nuuid="kept"`);
    await storeIdentity(store, 'web1', [['uuid', 'drawn'], ['network1_mac', '58:9c:fc:0a:00:09']]);
    assert.equal(await readFile(store.confPath('web1'), 'utf8'), `${CONF}\nuuid="kept"\nnetwork1_mac="58:9c:fc:0a:00:09"\n`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
