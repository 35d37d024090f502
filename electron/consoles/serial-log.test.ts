import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serialLogPath, startSerialLogs } from '../datastore/serial-logs.js';
import { SerialLog } from './serial-log.js';

async function guestDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'hivedesk-serial-log-'));
}

test('a start keeps the last run as .1 and begins an empty log; an empty log is not kept', { timeout: 10_000 }, async () => {
  const dir = await guestDir();
  const path = serialLogPath(dir, 'com1');
  await startSerialLogs(dir, ['com1']);
  await writeFile(path, 'first boot\n');
  await startSerialLogs(dir, ['com1']);
  assert.equal(await readFile(`${path}.1`, 'utf8'), 'first boot\n');
  await assert.rejects(readFile(path), { code: 'ENOENT' });
  await writeFile(path, '');
  await startSerialLogs(dir, ['com1']);
  assert.equal(await readFile(`${path}.1`, 'utf8'), 'first boot\n', 'a run that said nothing does not push out the one before');
});

test('history is the log\'s newest bytes from a line start, nothing for a log not written yet', { timeout: 10_000 }, async () => {
  const dir = await guestDir();
  const path = serialLogPath(dir, 'com1');
  const log = new SerialLog(path, 'console');
  assert.equal(log.history(1024).length, 0);
  await startSerialLogs(dir, ['com1']);
  await writeFile(path, 'BIOS\r\nLoading kernel\r\npanic: no init\r\n');
  assert.equal(log.history(1024).toString(), 'BIOS\r\nLoading kernel\r\npanic: no init\r\n');
  assert.equal(log.history(20).toString(), 'panic: no init\r\n', 'a cut line is left out, not shown half');
});

test('what a console writes goes to its log, and past the cap the older part moves to .1', { timeout: 10_000 }, async () => {
  const dir = await guestDir();
  const path = serialLogPath(dir, 'com1');
  const log = new SerialLog(path, 'console', 10);
  log.history(1024);
  log.record(Buffer.from('12345678\n'));
  log.record(Buffer.from('abc\n'));
  log.record(Buffer.from('def\n'));
  await log.flushed();
  assert.equal(await readFile(`${path}.1`, 'utf8'), '12345678\n');
  assert.equal(await readFile(path, 'utf8'), 'abc\ndef\n');
});

test('a log the hypervisor writes is emptied into .1 once over its cap, the hypervisor appending from the start again', { timeout: 10_000 }, async () => {
  const dir = await guestDir();
  const path = serialLogPath(dir, 'com1');
  await startSerialLogs(dir, ['com1']);
  const big = 'x'.repeat(300 * 1024);
  await writeFile(path, big);
  const log = new SerialLog(path, 'hypervisor', 100 * 1024);
  log.record(Buffer.from('a little'));
  await log.flushed();
  assert.equal((await readFile(path)).length, big.length, 'measured only after a quarter MiB of output');
  log.record(Buffer.alloc(256 * 1024));
  await log.flushed();
  assert.equal((await readFile(path)).length, 0);
  assert.equal((await readFile(`${path}.1`)).length, big.length);
});

test('a log that cannot be written is given up on without an error reaching the console', { timeout: 10_000 }, async () => {
  const dir = await guestDir();
  // A file where the directory should be: refused to root as well.
  await writeFile(join(dir, '.hivedesk'), 'not a directory');
  const log = new SerialLog(serialLogPath(dir, 'com1'), 'console');
  log.record(Buffer.from('boot\n'));
  log.record(Buffer.from('more\n'));
  await log.flushed();
  assert.equal(await readFile(join(dir, '.hivedesk'), 'utf8'), 'not a directory');
});
