import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplayBuffer } from './replay-buffer.js';

test('keeps everything up to its capacity, in order', () => {
  const replay = new ReplayBuffer(10);
  replay.push('abc');
  replay.push('def');
  assert.equal(replay.contents(), 'abcdef');
});

test('keeps only the newest output once full, cutting inside a chunk if it must', () => {
  const replay = new ReplayBuffer(8);
  replay.push('login: ');
  replay.push('root\r\n');
  replay.push('# ');
  assert.equal(replay.contents(), 'root\r\n# ');
});

test('never starts with half a surrogate pair', () => {
  const replay = new ReplayBuffer(4);
  replay.push('😀abc');
  // 5 UTF-16 units; dropping one would leave a lone low surrogate, so both halves go.
  assert.equal(replay.contents(), 'abc');
});

test('the default holds at least 64 KiB, so a late tab still sees the boot', () => {
  const replay = new ReplayBuffer();
  const line = `${'x'.repeat(79)}\n`;
  for (let i = 0; i < 2000; i++) replay.push(line);
  assert.ok(replay.contents().length >= 64 * 1024);
  assert.ok(replay.contents().endsWith(line));
});
