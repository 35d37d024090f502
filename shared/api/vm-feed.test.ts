import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyVmChanges, EMPTY_VM_LIST, VmFeed } from './vm-feed.js';
import type { VmChanges, VmState, VmSummary } from './vms.js';

function guest(name: string, state: VmState = 'stopped'): VmSummary {
  return { name, backend: 'qemu', state, cpus: 1, memory: '256M', profile: 'linux', disks: [], consoles: ['com1'], display: false };
}

const changes = (seq: number, changed: VmSummary[], removed: string[] = [], reset = false): VmChanges => ({ epoch: 'e1', seq, reset, changed, removed });

test('a change keeps the names array and the other guests as they were, so their views need not redraw', { timeout: 5_000 }, () => {
  const start = applyVmChanges(EMPTY_VM_LIST, changes(1, [guest('b'), guest('a'), guest('c')], [], true));
  assert.deepEqual(start.names, ['a', 'b', 'c']);
  const next = applyVmChanges(start, changes(2, [guest('b', 'running')]));
  assert.equal(next.names, start.names);
  assert.equal(next.byName.a, start.byName.a);
  assert.equal(next.byName.b?.state, 'running');
  assert.equal(start.byName.b?.state, 'stopped', 'the old copy is not changed in place');
});

test('guests that come and go change the names, kept sorted', { timeout: 5_000 }, () => {
  const start = applyVmChanges(EMPTY_VM_LIST, changes(1, [guest('b'), guest('d')], [], true));
  const next = applyVmChanges(start, changes(2, [guest('c'), guest('a')], ['d']));
  assert.deepEqual(next.names, ['a', 'b', 'c']);
  assert.equal(next.byName.d, undefined);
});

test('a failed snapshot drops the changes held for it instead of asking again and again', { timeout: 5_000 }, async () => {
  let asked = 0;
  const applied: number[] = [];
  const feed = new VmFeed(
    async () => {
      asked += 1;
      return asked === 1 ? undefined : changes(3, [guest('a')], [], true);
    },
    (c) => applied.push(c.seq),
  );
  feed.receive(changes(2, [guest('a', 'running')]));
  await feed.resync();
  assert.equal(asked, 1);
  assert.deepEqual(applied, []);
  // The next change tries again.
  feed.receive(changes(4, [guest('a', 'running')]));
  await feed.resync();
  assert.equal(asked, 2);
  assert.deepEqual(applied, [3, 4]);
});
