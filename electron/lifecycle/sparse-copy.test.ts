import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { copySparse, copyTree, listTree } from './sparse-copy.js';

const GiB = 1024 ** 3;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hivedesk-sparse-'));
});

after(() => rm(dir, { recursive: true, force: true }));

/** What a guest leaves in a 16 GiB disk it has barely used: a few written places, holes elsewhere. */
const WRITTEN: [number, Buffer][] = [
  [0, Buffer.from('boot sector of a barely used disk')],
  [5 * GiB + 4000, randomBytes(300)], // across a 4 KiB block boundary
  [8 * GiB, randomBytes(1024 * 1024)],
  [16 * GiB - 4096, Buffer.alloc(4096, 'z')],
];

async function sparseDisk(path: string): Promise<void> {
  const disk = await open(path, 'wx', 0o600);
  try {
    await disk.truncate(16 * GiB);
    for (const [at, bytes] of WRITTEN) await disk.write(bytes, 0, bytes.length, at);
  } finally {
    await disk.close();
  }
}

async function readAt(path: string, at: number, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, at);
    return buffer;
  } finally {
    await file.close();
  }
}

const never = () => new AbortController().signal;

test('a 16 GiB sparse disk copies to a file as small as its source, with every written byte in place', { timeout: 300_000 }, async () => {
  const [from, to] = [join(dir, 'disk0.img'), join(dir, 'copy.img')];
  await sparseDisk(from);
  let read = 0;
  await copySparse(from, to, { signal: never(), onBytes: (bytes) => (read += bytes) });
  const [source, copy] = await Promise.all([stat(from), stat(to)]);
  assert.equal(copy.size, 16 * GiB);
  assert.equal(read, 16 * GiB, 'progress counts every byte of the source');
  assert.equal(copy.mode & 0o777, 0o600, 'a private disk stays private');
  // Blocks are 512 bytes in stat; the holes must stay holes: a few MiB at most, never 16 GiB.
  assert.ok(copy.blocks * 512 <= source.blocks * 512 + 64 * 1024, `copy takes ${copy.blocks * 512} bytes, source ${source.blocks * 512}`);
  assert.ok(copy.blocks * 512 < 4 * 1024 * 1024, `copy takes ${copy.blocks * 512} bytes`);
  for (const [at, bytes] of WRITTEN) assert.deepEqual(await readAt(to, at, bytes.length), bytes, `the bytes at ${at}`);
  assert.deepEqual(await readAt(to, 12 * GiB, 4096), Buffer.alloc(4096), 'a hole reads as zeros');
});

test('small files keep every byte, and a cancelled copy stops where it is', { timeout: 120_000 }, async () => {
  const [conf, copied] = [join(dir, 'web1.conf'), join(dir, 'web1-copy.conf')];
  await writeFile(conf, 'loader="uefi"\ncpu="2"\n');
  await copySparse(conf, copied, { signal: never(), onBytes: () => undefined });
  assert.equal(await readFile(copied, 'utf8'), 'loader="uefi"\ncpu="2"\n');

  const [from, to] = [join(dir, 'big.img'), join(dir, 'big-copy.img')];
  await sparseDisk(from);
  const cancel = new AbortController();
  let read = 0;
  const copying = copySparse(from, to, {
    signal: cancel.signal,
    onBytes: (bytes) => {
      read += bytes;
      if (read >= 64 * 1024 * 1024) cancel.abort();
    },
  });
  await assert.rejects(copying, { name: 'AbortError' });
  assert.ok(read < GiB, `stopped after ${read} bytes`);
});

test('a tree copy leaves out what it is told to and keeps links and subdirectories', { timeout: 30_000 }, async () => {
  const from = join(dir, 'guest');
  await mkdir(join(from, '.cloud-init'), { recursive: true });
  await writeFile(join(from, 'guest.conf'), 'cpu="1"\n');
  await writeFile(join(from, 'uefi-vars.fd'), randomBytes(8192));
  await writeFile(join(from, 'console'), 'com1=/dev/nmdm-guest.1B\n');
  await writeFile(join(from, '.cloud-init', 'user-data'), '#cloud-config\n');
  await symlink('uefi-vars.fd', join(from, 'vars-link'));
  const entries = await listTree(from, (name) => name === 'console');
  assert.deepEqual(
    entries.map((e) => `${e.kind} ${e.path}`),
    ['dir .cloud-init', 'file .cloud-init/user-data', 'file guest.conf', 'file uefi-vars.fd', 'link vars-link'],
  );
  const to = join(dir, 'clone');
  await mkdir(to);
  const files: string[] = [];
  await copyTree(from, to, entries, { signal: never(), onBytes: (_, path) => files.push(path) });
  assert.deepEqual([...new Set(files)], ['.cloud-init/user-data', 'guest.conf', 'uefi-vars.fd']);
  assert.deepEqual(await readFile(join(to, 'uefi-vars.fd')), await readFile(join(from, 'uefi-vars.fd')));
  assert.equal(await readlink(join(to, 'vars-link')), 'uefi-vars.fd');
  await assert.rejects(stat(join(to, 'console')), { code: 'ENOENT' });
});
