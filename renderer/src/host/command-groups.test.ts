import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandRecord } from '../../../shared/api/host.js';
import { groupRepeats } from './command-groups.js';

let id = 0;
function run(argv: string[], exitCode: number | null = 0, running = false): CommandRecord {
  return { id: ++id, argv, startedAt: new Date(id * 1000).toISOString(), durationMs: 3, exitCode, signal: null, running };
}

test('the same command ending the same way, in a row, is one line with a count and the newest run', { timeout: 5000 }, () => {
  const ps = ['ps', '-A', '-ww', '-o', 'pid=,ppid=,args='];
  const log = [run(['truncate', '-s', '1G', '/vm/a/disk0.img']), run(ps), run(ps), run(ps), run(ps, 1), run(ps), run(['bhyve', 'a'], null, true)];
  const groups = groupRepeats(log);
  assert.deepEqual(
    groups.map((g) => [g.command.argv[0], g.count, g.command.exitCode]),
    [['truncate', 1, 0], ['ps', 3, 0], ['ps', 1, 1], ['ps', 1, 0], ['bhyve', 1, null]],
  );
  assert.equal(groups[1]?.command.id, log[3]?.id, 'the newest of the three');
});

test('a running command is never folded into another', { timeout: 5000 }, () => {
  const cu = ['cu', '-l', '/dev/pts/3'];
  assert.equal(groupRepeats([run(cu, null, true), run(cu, null, true)]).length, 2);
});
