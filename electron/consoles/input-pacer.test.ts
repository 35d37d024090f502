import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputPacer } from './input-pacer.js';

test('a keystroke or a short command goes out at once', { timeout: 5000 }, () => {
  const written: string[] = [];
  const pacer = new InputPacer({ bytesPerSecond: 1000, burst: 64, write: (b) => written.push(b.toString()) });
  let done = false;
  pacer.push(Buffer.from('ls -l\r'), () => (done = true));
  assert.deepEqual(written, ['ls -l\r']);
  assert.equal(done, true);
});

test('a paste is written whole and in order, no faster than the line rate', { timeout: 10_000 }, async () => {
  const chunks: Buffer[] = [];
  const stamps: number[] = [];
  const pacer = new InputPacer({
    bytesPerSecond: 20_000,
    burst: 500,
    write: (b) => {
      chunks.push(Buffer.from(b));
      stamps.push(performance.now());
    },
  });
  const paste = Buffer.from(Array.from({ length: 5000 }, (_, i) => String.fromCharCode(33 + (i % 90))).join(''));
  const started = performance.now();
  await new Promise<void>((resolve) => {
    pacer.push(paste.subarray(0, 2500));
    pacer.push(paste.subarray(2500), resolve);
  });
  const elapsed = performance.now() - started;
  assert.deepEqual(Buffer.concat(chunks), paste);
  // 5000 bytes with 500 allowed at once at 20000 B/s cannot take less than 4500/20000 s.
  assert.ok(elapsed >= 225 - 5, `took ${elapsed} ms`);
  assert.ok(chunks.every((c) => c.length <= 500));
});

test('held input waits, and cleared input is never written', { timeout: 5000 }, async () => {
  const written: string[] = [];
  const pacer = new InputPacer({ bytesPerSecond: 1_000_000, burst: 100, write: (b) => written.push(b.toString()) });
  pacer.hold(true);
  pacer.push(Buffer.from('a'));
  assert.deepEqual(written, []);
  pacer.hold(false);
  assert.deepEqual(written, ['a']);
  pacer.push(Buffer.alloc(1000, 'x'));
  const before = written.join('').length;
  assert.ok(before <= 101, 'only a burst went out at once');
  pacer.clear();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(written.join('').length, before);
  assert.equal(pacer.queuedBytes, 0);
});
