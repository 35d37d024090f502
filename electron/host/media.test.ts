import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { installMediaProblem } from './media.js';

const isRoot = process.getuid?.() === 0;
const repo = join(import.meta.dirname, '../..');
let dir: string;
let iso: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hivedesk-media-'));
  await chmod(dir, 0o755);
  iso = join(dir, 'install.iso');
  await writeFile(iso, 'CD001');
});

after(() => rm(dir, { recursive: true, force: true }));

/** A block device of this machine that is a disk, not a CD drive (virtio, SCSI, NVMe or loop). */
function hostDisk(): string {
  const name = readdirSync('/sys/block').find((n) => !n.startsWith('sr') && existsSync(`/dev/${n}`) && statSync(`/dev/${n}`).isBlockDevice());
  assert.ok(name, 'this machine has a block disk in /sys/block');
  return `/dev/${name}`;
}

test('a readable ISO file is accepted, directly or through a link', { timeout: 5000 }, async () => {
  assert.equal(await installMediaProblem(iso), undefined);
  await symlink(iso, join(dir, 'latest.iso'));
  assert.equal(await installMediaProblem(join(dir, 'latest.iso')), undefined);
});

test('files the kernel serves are refused, whatever they point at', { timeout: 5000 }, async () => {
  assert.match((await installMediaProblem('/proc/self/environ')) ?? '', /^\/proc\/self\/environ \(a link to \/proc\/\d+\/environ\) is under \/proc, where the kernel keeps its own files/);
  const disk = hostDisk().slice('/dev/'.length);
  assert.match((await installMediaProblem(`/sys/block/${disk}/size`)) ?? '', /is under \/sys, where the kernel keeps its own files, not an install image\.$/);
  await symlink('/proc/self/environ', join(dir, 'proc-link'));
  assert.match((await installMediaProblem(join(dir, 'proc-link'))) ?? '', /is under \/proc/);
});

test('a hard disk is refused, also behind a link', { timeout: 5000 }, async () => {
  const disk = hostDisk();
  assert.equal(await installMediaProblem(disk), `${disk} is a disk device, not a CD/DVD drive: a guest may boot an ISO file or the host’s CD/DVD drive only.`);
  await symlink(disk, join(dir, 'disk.iso'));
  assert.equal(await installMediaProblem(join(dir, 'disk.iso')), `${join(dir, 'disk.iso')} (a link to ${disk}) is a disk device, not a CD/DVD drive: a guest may boot an ISO file or the host’s CD/DVD drive only.`);
});

test('folders, character devices, pipes and missing files are refused with the reason', { timeout: 5000 }, async () => {
  assert.equal(await installMediaProblem(dir), `${dir} is a folder; choose an ISO file in it.`);
  assert.equal(await installMediaProblem('/dev/null'), '/dev/null is a character device, not an ISO file or a CD/DVD drive.');
  execFileSync('mkfifo', [join(dir, 'pipe.iso')]);
  assert.equal(await installMediaProblem(join(dir, 'pipe.iso')), `${join(dir, 'pipe.iso')} is a pipe (FIFO), not an ISO file.`);
  assert.equal(await installMediaProblem('/nonexistent/installer.iso'), 'There is no file at /nonexistent/installer.iso.');
  await symlink('/nonexistent/installer.iso', join(dir, 'dangling.iso'));
  assert.equal(await installMediaProblem(join(dir, 'dangling.iso')), `There is no file at ${join(dir, 'dangling.iso')}.`);
});

test('a file Hivedesk cannot read is refused', { timeout: 20_000 }, async () => {
  const secret = join(dir, 'secret.iso');
  await writeFile(secret, 'CD001');
  await chmod(secret, 0o000);
  const expected = `${secret} cannot be read: check its permissions.`;
  if (!isRoot) return assert.equal(await installMediaProblem(secret), expected);
  // root reads every file: ask as nobody, as the GUI runs unprivileged.
  const script = `import(${JSON.stringify(new URL('./media.ts', import.meta.url).href)}).then(async (m) => console.log(await m.installMediaProblem(${JSON.stringify(secret)})))`;
  const answer = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: repo });
  assert.equal(answer.trim(), expected);
});

test('a CD/DVD drive is accepted, also through a link like /dev/cdrom', { timeout: 5000, skip: isRoot ? false : 'making a device node needs root' }, async () => {
  execFileSync('mknod', [join(dir, 'sr0'), 'b', '11', '0']);
  await symlink(join(dir, 'sr0'), join(dir, 'cdrom'));
  assert.equal(await installMediaProblem(join(dir, 'sr0')), undefined);
  assert.equal(await installMediaProblem(join(dir, 'cdrom')), undefined);
  execFileSync('mknod', [join(dir, 'sda'), 'b', '8', '0']);
  assert.match((await installMediaProblem(join(dir, 'sda'))) ?? '', /is a disk device, not a CD\/DVD drive/);
});
