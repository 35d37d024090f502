import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../host/atomic-write.js';
import { inotifyWatches } from '../testing/inotify.js';
import { waitFor } from '../testing/support.js';
import { DatastoreWatcher } from './watch.js';

/** A watcher on a fresh datastore, recording what it says. */
async function watched(guests: string[] = []) {
  const root = await mkdtemp(join(tmpdir(), 'hivedesk-watch-'));
  for (const name of guests) await addGuest(root, name);
  const heard = { changed: 0, confs: [] as string[] };
  const watcher = new DatastoreWatcher(root, { changed: () => heard.changed++, confChanged: (name) => heard.confs.push(name) });
  await watcher.ready();
  return {
    root,
    heard,
    watcher,
    [Symbol.asyncDispose]: async () => {
      watcher.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function addGuest(root: string, name: string): Promise<void> {
  await mkdir(join(root, name));
  await writeFile(join(root, name, `${name}.conf`), 'cpu=1\nmemory=256M\n');
}

const conf = (root: string, name: string) => join(root, name, `${name}.conf`);

test('a guest made by hand, in two steps as a person does it, is heard within a second', { timeout: 10_000 }, async () => {
  await using w = await watched();
  await mkdir(join(w.root, 'byhand'));
  // The .conf comes a moment later, maybe before the new directory's watcher exists: it must not be missed.
  await writeFile(conf(w.root, 'byhand'), 'cpu=2\n');
  await waitFor(() => w.heard.confs.includes('byhand'), 'the new guest’s .conf', 1_500, () => JSON.stringify(w.heard));
  assert.ok(w.heard.changed > 0);
  assert.equal(w.watcher.stats().watching, 2, 'the datastore and the new guest’s directory');
});

test('a .conf edited in place, replaced atomically, or removed is heard; other files in the guest directory are not', { timeout: 15_000 }, async () => {
  await using w = await watched(['web1', 'db1']);
  const settle = () => new Promise((r) => setTimeout(r, 300));

  await writeFile(join(w.root, 'web1', 'disk0.img'), 'a guest writing its disk');
  await writeFile(join(w.root, 'web1', 'vm-bhyve.log'), 'started\n');
  await settle();
  assert.deepEqual(w.heard, { changed: 0, confs: [] }, 'a disk or a log is not the list’s business');

  await writeFile(conf(w.root, 'web1'), 'cpu=4\nmemory=1G\n');
  await waitFor(() => w.heard.confs.length === 1, 'the edit in place', 1_500);
  await writeFileAtomic(conf(w.root, 'db1'), 'cpu=2\n');
  await waitFor(() => w.heard.confs.length === 2, 'the atomic replacement', 1_500);
  await rm(conf(w.root, 'web1'));
  await waitFor(() => w.heard.confs.length === 3, 'the removal', 1_500);
  assert.deepEqual(w.heard.confs, ['web1', 'db1', 'web1']);
});

test('a guest directory removed or renamed is heard, and its watcher goes with it', { timeout: 10_000 }, async () => {
  await using w = await watched(['old1', 'keep1']);
  assert.equal(w.watcher.stats().watching, 3);
  await rm(join(w.root, 'old1'), { recursive: true });
  await waitFor(() => w.heard.confs.includes('old1') && w.watcher.stats().watching === 2, 'the removal', 1_500, () => JSON.stringify(w.watcher.stats()));
  await rename(join(w.root, 'keep1'), join(w.root, 'new1'));
  await rename(conf(w.root, 'new1').replace('new1.conf', 'keep1.conf'), conf(w.root, 'new1'));
  await waitFor(() => w.heard.confs.includes('new1') && w.heard.confs.includes('keep1'), 'the rename', 1_500, () => JSON.stringify(w.heard));
});

test('a datastore folder missing at the start, or removed and made again, is watched once it is there', { timeout: 30_000 }, async () => {
  await using w = await watched();
  await rm(w.root, { recursive: true });
  await mkdir(w.root);
  await waitFor(() => w.watcher.stats().rootWatched, 'the folder made again to be watched', 10_000);
  await addGuest(w.root, 'again1');
  await waitFor(() => w.heard.confs.includes('again1'), 'a guest in the folder made again', 10_000, () => JSON.stringify(w.heard));

  const missing = join(w.root, 'not-yet');
  const heard: string[] = [];
  const late = new DatastoreWatcher(missing, { changed: () => undefined, confChanged: (name) => heard.push(name) });
  try {
    await late.ready();
    assert.equal(late.stats().rootWatched, false);
    await mkdir(missing);
    await waitFor(() => late.stats().rootWatched, 'the folder that appeared to be watched (the retry)', 10_000);
    await addGuest(missing, 'late1');
    await waitFor(() => heard.includes('late1'), 'a guest in it', 5_000);
  } finally {
    late.close();
  }
});

test('closing a watcher releases every inotify watch it held', { timeout: 10_000 }, async () => {
  const before = await inotifyWatches();
  await using w = await watched(['a1', 'b1', 'c1']);
  assert.equal(await inotifyWatches(), before + 4);
  w.watcher.close();
  assert.equal(await inotifyWatches(), before);
  assert.deepEqual(w.watcher.stats(), { watching: 0, unwatched: [], rootWatched: false });
});
