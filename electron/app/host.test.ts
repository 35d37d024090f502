import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EventName } from '../../shared/api/contract.js';
import type { VmChanges } from '../../shared/api/vms.js';
import { Datastore } from '../datastore/datastore.js';
import type { HostInfo } from '../../shared/api/host.js';
import { callChannel } from '../testing/channels.js';
import { dispatch } from './dispatcher.js';
import { createHost } from './host.js';

test('an event stream that connects after the first poll starts with the whole list, at the snapshot’s seq', { timeout: 15_000 }, async () => {
  const store = new Datastore(await mkdtemp(join(tmpdir(), 'hivedesk-host-')));
  for (const name of ['web1', 'db1']) {
    await mkdir(store.guestDir(name), { recursive: true });
    await writeFile(store.confPath(name), 'cpu=1\nmemory=256M\nhivedesk_backend="qemu"\n');
  }
  const host = await createHost({ datastore: store.root, backend: 'qemu' });
  const received: { name: EventName; payload: unknown }[] = [];
  const listen = () => host.events.subscribe((name, payload) => received.push({ name, payload }));
  try {
    listen()();
    assert.equal(received.length, 0, 'nothing to greet with before the first poll');

    const snapshot = await dispatch(host.handlers(() => ''), 'snapshotVms', {});
    assert.ok(snapshot.ok);
    const unsubscribe = listen();
    unsubscribe();
    const greeting = received[0]?.payload as VmChanges;
    assert.equal(received[0]?.name, 'onDidChangeVms');
    assert.deepEqual({ reset: greeting.reset, seq: greeting.seq, names: greeting.changed.map((vm) => vm.name) }, { reset: true, seq: (snapshot.value as VmChanges).seq, names: ['db1', 'web1'] });
  } finally {
    host.dispose();
    await rm(store.root, { recursive: true, force: true });
  }
});

test('host info says whether the desktop runs a screen reader, as the window that asks knows it; browser mode says no', { timeout: 15_000 }, async () => {
  const store = new Datastore(await mkdtemp(join(tmpdir(), 'hivedesk-host-')));
  let detected = true;
  const electron = await createHost({ datastore: store.root, backend: 'qemu', assistiveTechnology: () => detected });
  const browser = await createHost({ datastore: store.root, backend: 'qemu' });
  const asks = async (host: typeof electron) => (await callChannel<HostInfo>(host.handlers(() => ''), 'getHostInfo', {})).assistiveTechnology;
  try {
    assert.equal(await asks(electron), true);
    detected = false;
    assert.equal(await asks(electron), false, 'asked afresh each time, not remembered from the start');
    assert.equal(await asks(browser), false);
  } finally {
    electron.dispose();
    browser.dispose();
    await rm(store.root, { recursive: true, force: true });
  }
});
