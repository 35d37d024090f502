import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyVmChanges, EMPTY_VM_LIST, VmFeed, type VmListCopy } from '../../shared/api/vm-feed.js';
import type { VmChanges, VmState, VmSummary } from '../../shared/api/vms.js';
import { VmMonitor } from './vm-monitor.js';

function guest(name: string, state: VmState = 'stopped'): VmSummary {
  return { name, backend: 'qemu', state, cpus: 1, memory: '256M', profile: 'linux', disks: [], consoles: ['com1'], display: false };
}

/** A monitor over a list the test edits, recording what it sends. */
function watched(initial: VmSummary[]) {
  const host = { vms: initial, failure: undefined as Error | undefined };
  const sent: VmChanges[] = [];
  const monitor = new VmMonitor(
    async () => {
      if (host.failure) throw host.failure;
      return host.vms.map((vm) => ({ ...vm }));
    },
    (changes) => sent.push(changes),
  );
  const setState = (name: string, state: VmState) => (host.vms = host.vms.map((vm) => (vm.name === name ? { ...vm, state } : vm)));
  return { host, sent, monitor, setState };
}

const summary = (changes: VmChanges | undefined) => changes && { seq: changes.seq, reset: changes.reset, changed: changes.changed.map((vm) => `${vm.name}:${vm.state}`), removed: changes.removed };

test('the monitor sends only the guests that changed, numbered, and nothing when nothing did', { timeout: 5_000 }, async () => {
  const { host, sent, monitor, setState } = watched(['a', 'b', 'c'].map((name) => guest(name)));
  await monitor.refresh();
  assert.deepEqual(summary(sent[0]), { seq: 1, reset: false, changed: ['a:stopped', 'b:stopped', 'c:stopped'], removed: [] });

  await monitor.refresh();
  assert.equal(sent.length, 1, 'a poll that finds no change sends nothing');

  setState('b', 'running');
  await monitor.refresh();
  assert.deepEqual(summary(sent[1]), { seq: 2, reset: false, changed: ['b:running'], removed: [] });

  host.vms = [...host.vms.filter((vm) => vm.name !== 'a'), guest('d')];
  await monitor.refresh();
  assert.deepEqual(summary(sent[2]), { seq: 3, reset: false, changed: ['d:stopped'], removed: ['a'] });
  assert.ok(sent.every((changes) => changes.epoch === monitor.epoch));
});

test('a snapshot is the whole list at the seq of the last change sent, after a first poll if needed', { timeout: 5_000 }, async () => {
  const { sent, monitor, setState } = watched([guest('a'), guest('b')]);
  assert.equal(monitor.current(), undefined, 'nothing to give before the first poll');
  assert.deepEqual(summary(await monitor.snapshot()), { seq: 1, reset: true, changed: ['a:stopped', 'b:stopped'], removed: [] });
  assert.equal(sent.length, 1);

  setState('a', 'running');
  await monitor.refresh();
  assert.deepEqual(summary(await monitor.snapshot()), { seq: 2, reset: true, changed: ['a:running', 'b:stopped'], removed: [] });
});

test('a snapshot before any poll succeeded fails with why the guests could not be listed', { timeout: 5_000 }, async () => {
  const { host, monitor } = watched([guest('a')]);
  host.failure = new Error('permission denied: /vm');
  await assert.rejects(monitor.snapshot(), /permission denied: \/vm/);
  host.failure = undefined;
  assert.equal((await monitor.snapshot()).changed.length, 1);
});

/**
 * A window's copy, fed as the renderer feeds it: a snapshot it asks for from `source`, and the
 * monitor's changes as the test delivers them. When `gated`, the snapshot is taken when asked but
 * its answer arrives only when the test calls `answerSnapshot`.
 */
function windowCopy(source: () => VmMonitor, gated = true) {
  let copy: VmListCopy = EMPTY_VM_LIST;
  let answer: (() => void) | undefined;
  const feed = new VmFeed(
    async () => {
      const snapshot = await source().snapshot();
      if (gated) await new Promise<void>((resolve) => (answer = resolve));
      return snapshot;
    },
    (changes) => (copy = applyVmChanges(copy, changes)),
  );
  const answerSnapshot = async () => {
    while (!answer) await new Promise((r) => setImmediate(r));
    answer();
    answer = undefined;
    await new Promise((r) => setImmediate(r));
  };
  return { feed, copy: () => copy, answerSnapshot };
}

const states = (copy: VmListCopy) => copy.names.map((name) => `${name}:${copy.byName[name]?.state}`);
const truth = (monitor: VmMonitor) => monitor.vms().map((vm) => `${vm.name}:${vm.state}`);
const tick = () => new Promise((r) => setImmediate(r));

test('changes sent while a window waits for its snapshot are applied after it, once', { timeout: 5_000 }, async () => {
  const { sent, monitor, setState } = watched([guest('a'), guest('b')]);
  await monitor.refresh();
  const win = windowCopy(() => monitor);
  const loading = win.feed.resync();
  // The snapshot (seq 1) is taken; then a guest starts and its change overtakes the answer.
  await tick();
  setState('a', 'running');
  await monitor.refresh();
  win.feed.receive(sent[0] as VmChanges);
  win.feed.receive(sent[1] as VmChanges);
  await win.answerSnapshot();
  await loading;
  assert.deepEqual(states(win.copy()), ['a:running', 'b:stopped']);
  assert.deepEqual(states(win.copy()), truth(monitor));
});

test('a window that missed a change (its event stream connected late) catches up at the next one', { timeout: 5_000 }, async () => {
  const { sent, monitor, setState } = watched([guest('a'), guest('b'), guest('c')]);
  await monitor.refresh();
  const win = windowCopy(() => monitor, false);
  await win.feed.resync();
  setState('a', 'running');
  await monitor.refresh(); // seq 2: never delivered
  setState('b', 'running');
  await monitor.refresh(); // seq 3: shows the gap
  win.feed.receive(sent[2] as VmChanges);
  await tick(); // the snapshot it fetches by itself (no I/O here: one turn is enough)
  assert.deepEqual(states(win.copy()), ['a:running', 'b:running', 'c:stopped']);
  assert.deepEqual(states(win.copy()), truth(monitor));
});

test('a greeting (the whole list, first on a new event stream) outranks an older snapshot', { timeout: 5_000 }, async () => {
  const { monitor, setState } = watched([guest('a')]);
  await monitor.refresh();
  const win = windowCopy(() => monitor);
  const loading = win.feed.resync();
  await tick();
  setState('a', 'running');
  await monitor.refresh();
  win.feed.receive(monitor.current() as VmChanges);
  await win.answerSnapshot();
  await loading;
  assert.deepEqual(states(win.copy()), ['a:running']);
});

test('changes from a restarted Hivedesk (a new epoch) make the window fetch the list again', { timeout: 5_000 }, async () => {
  const first = watched([guest('a'), guest('b')]);
  await first.monitor.refresh();
  let source = first.monitor;
  const win = windowCopy(() => source, false);
  await win.feed.resync();
  // The restarted host numbers from 1 again: without the epoch its first change would pass for an old one.
  const second = watched([guest('a', 'running')]);
  await second.monitor.refresh();
  source = second.monitor;
  win.feed.receive(second.sent[0] as VmChanges);
  await tick();
  assert.deepEqual(states(win.copy()), ['a:running']);
});
