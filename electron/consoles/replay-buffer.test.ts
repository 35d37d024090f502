import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplayBuffer } from './replay-buffer.js';

const text = (b: Buffer | undefined) => b?.toString('utf8');

test('keeps everything up to its capacity, in order', { timeout: 5000 }, () => {
  const replay = new ReplayBuffer(10, 10);
  replay.push(Buffer.from('abc'));
  replay.push(Buffer.from('def'));
  assert.equal(text(replay.contents()), 'abcdef');
  assert.deepEqual([replay.start, replay.end], [0, 6]);
});

test('keeps only the newest output once full, cutting inside a chunk if it must', { timeout: 5000 }, () => {
  const replay = new ReplayBuffer(8, 8);
  replay.push(Buffer.from('login: '));
  replay.push(Buffer.from('root\r\n'));
  replay.push(Buffer.from('# '));
  assert.equal(text(replay.contents()), 'root\r\n# ');
  assert.deepEqual([replay.start, replay.end], [7, 15]);
});

test('never starts with half a UTF-8 character', { timeout: 5000 }, () => {
  const replay = new ReplayBuffer(5, 5);
  replay.push(Buffer.from('😀abc'));
  // 7 bytes; keeping 5 would start inside the emoji, so its remaining bytes go too.
  assert.equal(text(replay.contents()), 'abc');
});

test('a viewer that fell behind gets exactly the bytes after its offset, or nothing once they are gone', { timeout: 5000 }, () => {
  const replay = new ReplayBuffer(6, 6);
  replay.push(Buffer.from('abc'));
  replay.push(Buffer.from('def'));
  assert.equal(text(replay.from(2)), 'cdef');
  assert.equal(text(replay.from(6)), '');
  replay.push(Buffer.from('gh'));
  assert.equal(replay.from(1), undefined, 'dropped');
  assert.equal(text(replay.from(2)), 'cdefgh');
  assert.equal(replay.from(9), undefined, 'not produced yet');
});

test('the default holds at least 64 KiB, so a late tab still sees the boot', { timeout: 5000 }, () => {
  const replay = new ReplayBuffer();
  const line = `${'x'.repeat(79)}\n`;
  for (let i = 0; i < 2000; i++) replay.push(Buffer.from(line));
  assert.ok(replay.contents().length >= 64 * 1024);
  assert.ok(text(replay.contents())?.endsWith(line));
});

test('a new tab is shown only the newest part; a tab catching up may reach further back', { timeout: 5000 }, () => {
  const replay = new ReplayBuffer(10, 4);
  replay.push(Buffer.from('0123456789'));
  assert.equal(text(replay.contents()), '6789');
  assert.equal(text(replay.from(2)), '23456789');
});
