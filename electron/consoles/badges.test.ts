import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadgeReader } from './badges.js';

const feed = (reader: BadgeReader, ...chunks: string[]) => chunks.map((c) => reader.feed(Buffer.from(c, 'latin1')));

test('a login prompt shows while it waits, and goes once the user types', { timeout: 5000 }, () => {
  const reader = new BadgeReader();
  assert.deepEqual(feed(reader, 'FreeBSD/amd64 (web1) (ttyu0)\r\n\r\nlog', 'in: '), [undefined, 'login']);
  assert.deepEqual(feed(reader, 'root\r\nPassword:'), [null]);
  assert.deepEqual(feed(reader, '\r\nroot@web1:~ # ', 'exit\r\n\r\nFreeBSD/amd64 (web1) (ttyu0)\r\n\r\nlogin: '), [undefined, 'login']);
});

test('colour codes and a prompt split across reads do not hide it', { timeout: 5000 }, () => {
  const reader = new BadgeReader();
  assert.deepEqual(feed(reader, '\x1b[1mmountroot\x1b[0m', '> '), [undefined, 'mountroot']);
});

test("FreeBSD's loader, GRUB and the UEFI shell wait at their prompts", { timeout: 5000 }, () => {
  for (const prompt of ['Type \'?\' for a list of commands.\r\nOK ', 'grub> ', 'Shell> ']) assert.deepEqual(feed(new BadgeReader(), prompt), ['loader'], prompt);
  assert.deepEqual(feed(new BadgeReader(), 'LOOK '), [undefined], 'not a prompt of its own');
});

test('installers waiting for their first answer are noticed', { timeout: 5000 }, () => {
  assert.deepEqual(feed(new BadgeReader(), 'Welcome to FreeBSD! Would you like to begin an installation or use the live CD?\r\n  <Install> <Shell> <Live CD>'), ['installer']);
});

test('a panic stays, whatever follows, until the console ends', { timeout: 5000 }, () => {
  const reader = new BadgeReader();
  assert.deepEqual(feed(reader, 'login: ', 'panic: page fault while in kernel mode\r\ncpuid = 0\r\n', 'db> '), ['login', 'panic', undefined]);
  assert.deepEqual(feed(new BadgeReader(), '[    1.2] Kernel panic - not syncing: VFS: Unable to mount root fs\r\n'), ['panic']);
});

test('the word login elsewhere is no prompt', { timeout: 5000 }, () => {
  assert.deepEqual(feed(new BadgeReader(), 'Last login: Sun Nov 29 on ttyu0\r\nroot@web1:~ # '), [undefined]);
});

test("the login banner's 'Welcome to FreeBSD!' is no installer", { timeout: 5000 }, () => {
  assert.deepEqual(feed(new BadgeReader(), 'FreeBSD 14.2-RELEASE (GENERIC)\r\n\r\nWelcome to FreeBSD!\r\n\r\nroot@left1:~ # '), [undefined]);
});
