import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandRecord } from '../../shared/api/host.js';
import { CommandLog } from './command-log.js';

test('a command shows as running when it starts and the same record is updated when it ends', { timeout: 10_000 }, () => {
  const log = new CommandLog();
  const seen: CommandRecord[] = [];
  log.onDidRecord((r) => seen.push(r));
  const finish = log.begin(['cu', '-l', '/dev/pts/3', '-s', '115200']);
  assert.deepEqual(log.list().map((r) => [r.id, r.running, r.exitCode]), [[1, true, null]]);
  finish({ exitCode: 0, signal: null });
  assert.deepEqual(log.list().map((r) => [r.id, r.running, r.exitCode]), [[1, false, 0]]);
  assert.deepEqual(seen.map((r) => r.running), [true, false]);
});

test("another process's command (a supervisor's) stays one record from start to end", { timeout: 10_000 }, () => {
  const log = new CommandLog();
  log.begin(['truncate', '-s', '1G', '/vm/a/disk0.img'])({ exitCode: 0, signal: null });
  const start: CommandRecord = { id: 7, argv: ['bhyve', 'web1'], startedAt: '2026-11-26T00:00:00.000Z', durationMs: 0, exitCode: null, signal: null, running: true };
  log.import(start, '/vm/web1/hivedesk-commands.jsonl');
  log.import({ ...start, running: false, exitCode: 1, durationMs: 5000 }, '/vm/web1/hivedesk-commands.jsonl');
  log.import({ ...start, argv: ['bhyve', 'web2'] }, '/vm/web2/hivedesk-commands.jsonl');
  assert.deepEqual(log.list().map((r) => [r.id, r.argv.join(' '), r.running, r.exitCode]), [
    [1, 'truncate -s 1G /vm/a/disk0.img', false, 0],
    [2, 'bhyve web1', false, 1],
    [3, 'bhyve web2', true, null],
  ]);
});

test('runs of a repeating command are one record that counts them, the other commands keep their places', { timeout: 5_000 }, () => {
  const log = new CommandLog(3);
  const sample = (pids: string) => log.begin(['ps', '-o', 'pid=,time=,rss=', '-p', pids], 'sampling')({ exitCode: 0, signal: null });
  sample('11');
  log.begin(['zfs', 'list'])({ exitCode: 0, signal: null });
  sample('11,12');
  sample('12');
  assert.deepEqual(log.list().map((r) => [r.id, r.argv.join(' '), r.repeats]), [
    [1, 'ps -o pid=,time=,rss= -p 12', 3],
    [2, 'zfs list', undefined],
  ]);
  // Once newer commands push it out, the next run starts a record of its own again.
  for (const name of ['a', 'b', 'c']) log.begin(['true', name])({ exitCode: 0, signal: null });
  sample('13');
  assert.deepEqual(log.list().map((r) => [r.argv.join(' '), r.repeats]), [
    ['true b', undefined],
    ['true c', undefined],
    ['ps -o pid=,time=,rss= -p 13', 1],
  ]);
});

test("another process's repeating command stays one record here too", { timeout: 5000 }, () => {
  const supervisor = new CommandLog();
  const gui = new CommandLog();
  for (let i = 0; i < 3; i++) {
    const finish = supervisor.begin(['ps', '-A'], 'poll');
    gui.import(supervisor.list().at(-1) as CommandRecord, 'web1');
    finish({ exitCode: 0, signal: null });
    gui.import(supervisor.list().at(-1) as CommandRecord, 'web1');
  }
  assert.equal(gui.list().length, 1);
  assert.equal(gui.list()[0]?.repeats, 3);
});
