import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CommandLog } from '../host/command-log.js';
import { HostRunner } from '../host/run.js';
import { createDatasetArgv, destroyGuestArgv } from '../lifecycle/zfs.js';
import { GuestDatasets } from './guest-dataset.js';

let root: string;
const runner = new HostRunner(new CommandLog());

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-guest-dataset-'));
});
after(() => rm(root, { recursive: true, force: true }));

test('vm create’s and vm destroy’s zfs command lines', { timeout: 5_000 }, () => {
  assert.deepEqual(createDatasetArgv('zroot/vm/web1', []), ['zfs', 'create', 'zroot/vm/web1']);
  assert.deepEqual(createDatasetArgv('zroot/vm/web1', ['compression=lz4', 'recordsize=64K']), ['zfs', 'create', '-o', 'compression=lz4', '-o', 'recordsize=64K', 'zroot/vm/web1']);
  assert.throws(() => createDatasetArgv('zroot/vm/web1', ['-V', '1G']), /zfs_dataset_opts has "-V", not a property=value pair/);
  assert.deepEqual(destroyGuestArgv('zroot/vm/web1'), ['zfs', 'destroy', '-rf', 'zroot/vm/web1']);
});

test('a new guest’s dataset takes the default template’s zfs_dataset_opts and is given back to the user', { timeout: 5_000 }, async () => {
  await mkdir(join(root, '.templates'), { recursive: true });
  await writeFile(join(root, '.templates', 'default.conf'), 'loader="bhyveload"\nzfs_dataset_opts="compression=lz4 atime=off"\n');
  const dir = await new GuestDatasets(runner, 'zroot/vm', ['doas'], root).newGuestDir('web1');
  const { gid } = await stat(root);
  assert.deepEqual(
    dir.commands.map((c) => c.argv),
    [
      ['doas', 'zfs', 'create', '-o', 'compression=lz4', '-o', 'atime=off', 'zroot/vm/web1'],
      ['doas', 'chown', `${process.getuid?.()}:${gid}`, join(root, 'web1')],
    ],
  );
  const asRoot = await new GuestDatasets(runner, 'zroot/vm', [], root).newGuestDir('web1');
  assert.deepEqual(asRoot.commands.map((c) => c.argv), [['zfs', 'create', '-o', 'compression=lz4', '-o', 'atime=off', 'zroot/vm/web1']], 'root owns it already');

  await writeFile(join(root, '.templates', 'default.conf'), 'zfs_dataset_opts="-o mountpoint=/etc"\n');
  await assert.rejects(new GuestDatasets(runner, 'zroot/vm', [], root).newGuestDir('web1'), { code: 'invalid_input', message: /not a property=value pair/ });
});
