import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { tempPath } from '../host/atomic-write.js';
import { Datastore } from './datastore.js';

test("opening a datastore removes temp files killed writers left in guest directories, not a live writer's", { timeout: 10_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'hivedesk-store-'));
  const live = spawn('sleep', ['30']);
  const dead = spawn('true');
  await once(dead, 'exit');
  try {
    await mkdir(join(root, 'web1'));
    const conf = join(root, 'web1', 'web1.conf');
    const [stale, writing] = [tempPath(conf, dead.pid), tempPath(join(root, 'web1', 'console'), live.pid)];
    for (const path of [conf, stale, writing]) await writeFile(path, 'cpu=1\n');
    await new Datastore(root).init();
    assert.deepEqual((await readdir(join(root, 'web1'))).sort(), [basename(writing), 'web1.conf'].sort());
  } finally {
    live.kill();
    await rm(root, { recursive: true, force: true });
  }
});
