import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireFileLock } from './file-lock.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid ?? 0;
}

test('a lock of a dead owner, or an old one naming none, is taken over; a live one is not', { timeout: 20_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hivedesk-lock-'));
  await writeFile(join(dir, 'dead.lock'), `${await deadPid()}\n`);
  await (await acquireFileLock(join(dir, 'dead.lock'), 5_000, 'the test'))();
  // An older Hivedesk made the file, then wrote its pid: one that died in between left it empty.
  await writeFile(join(dir, 'empty.lock'), '');
  const old = new Date(Date.now() - 60_000);
  await utimes(join(dir, 'empty.lock'), old, old);
  await (await acquireFileLock(join(dir, 'empty.lock'), 5_000, 'the test'))();
  await writeFile(join(dir, 'live.lock'), `${process.pid}\n`);
  await assert.rejects(acquireFileLock(join(dir, 'live.lock'), 500, 'the test'), /busy with the test for 0.5 s/);
});

test('many processes after one dead owner: exactly one holds the lock at any time', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hivedesk-lock-'));
  const lock = join(dir, 'x.lock');
  await writeFile(lock, `${await deadPid()}\n`);
  const script = `
    import { acquireFileLock } from ${JSON.stringify(new URL('./file-lock.ts', import.meta.url).href)};
    import { appendFileSync } from 'node:fs';
    const release = await acquireFileLock(${JSON.stringify(lock)}, 30000, 'the test');
    appendFileSync(${JSON.stringify(join(dir, 'log'))}, 'in ' + process.pid + '\\n');
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(${JSON.stringify(join(dir, 'log'))}, 'out ' + process.pid + '\\n');
    await release();`;
  const children = Array.from({ length: 8 }, () => spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'inherit' }));
  await Promise.all(children.map((c) => new Promise((resolve) => c.on('exit', resolve))));
  const log = (await readFile(join(dir, 'log'), 'utf8')).trim().split('\n');
  assert.equal(log.length, 16);
  for (let i = 0; i < log.length; i += 2) {
    assert.match(log[i] ?? '', /^in /);
    assert.equal(log[i + 1], (log[i] ?? '').replace('in', 'out'), `overlap at ${i}: ${log.join(', ')}`);
  }
  assert.deepEqual((await readdir(dir)).sort(), ['log']);
});
