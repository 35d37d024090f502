import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActivitySample } from '../../shared/api/activity.js';
import type { ProcessUsage } from '../host/process-usage.js';
import { ActivitySampler } from './activity.js';

/** A host the test drives: which guests run, their pids, their processes' readings, and the clock. */
function fakeHost(intervalMs = 60_000) {
  const host = {
    running: ['web1', 'db1'],
    pids: new Map([
      ['web1', 101],
      ['db1', 202],
    ]),
    processes: new Map<number, ProcessUsage>([
      [101, { cpuSeconds: 10, rssBytes: 300 << 20 }],
      [202, { cpuSeconds: 50, rssBytes: 1 << 30 }],
    ]),
    clock: 1_000_000,
    lookups: [] as string[],
    reads: 0,
  };
  const sent: ActivitySample[] = [];
  const sampler = new ActivitySampler(
    {
      running: () => host.running,
      pidOf: async (name) => {
        host.lookups.push(name);
        return host.pids.get(name);
      },
    },
    async (pids) => {
      host.reads++;
      return new Map(pids.flatMap((pid) => (host.processes.has(pid) ? [[pid, host.processes.get(pid)!] as const] : [])));
    },
    (sample) => sent.push(sample),
    { intervalMs, leaseMs: 15_000 },
    () => host.clock,
  );
  const use = (pid: number, cpuSeconds: number) => host.processes.set(pid, { ...host.processes.get(pid)!, cpuSeconds });
  return { host, sent, sampler, use };
}

const settle = () => new Promise((r) => setImmediate(r));

test('the first reading is the baseline; then each guest’s CPU % over the interval and its memory', { timeout: 5_000 }, async () => {
  const { host, sent, sampler, use } = fakeHost();
  sampler.watch();
  await settle();
  assert.deepEqual(sent, [], 'one reading is no rate yet');
  host.clock += 2_000;
  use(101, 11);
  use(202, 53);
  await sampler.sample();
  assert.deepEqual(sent, [
    {
      at: host.clock,
      guests: [
        { name: 'web1', cpuPercent: 50, memoryBytes: 300 << 20 },
        { name: 'db1', cpuPercent: 150, memoryBytes: 1 << 30 },
      ],
    },
  ]);
  assert.deepEqual(host.lookups, ['web1', 'db1'], 'each process is looked up once, not at every sample');
  sampler.stop();
});

test('a guest that stops leaves the samples; one restarted under a new pid is found again and starts over', { timeout: 5_000 }, async () => {
  const { host, sent, sampler, use } = fakeHost();
  sampler.watch();
  await settle();
  host.running = ['web1'];
  host.clock += 2_000;
  await sampler.sample();
  assert.deepEqual(sent.at(-1)?.guests.map((g) => g.name), ['web1']);

  // web1 restarts: its old process is gone, a new one has another pid.
  host.processes.delete(101);
  host.pids.set('web1', 103);
  host.processes.set(103, { cpuSeconds: 0.5, rssBytes: 100 << 20 });
  host.clock += 2_000;
  await sampler.sample();
  assert.equal(sent.length, 1, 'nothing to say while the process is gone');
  host.clock += 2_000;
  await sampler.sample();
  host.clock += 2_000;
  use(103, 1.5);
  await sampler.sample();
  assert.deepEqual(sent.at(-1)?.guests, [{ name: 'web1', cpuPercent: 50, memoryBytes: 100 << 20 }]);
  assert.deepEqual(host.lookups, ['web1', 'db1', 'web1']);
  sampler.stop();
});

test('sampling runs only while a lease is held: nothing is read once nobody has asked for a while', { timeout: 5_000 }, async () => {
  const { host, sampler } = fakeHost(10);
  const ticks = () => new Promise((r) => setTimeout(r, 60));
  await ticks();
  assert.equal(host.reads, 0, 'nobody looking, nothing read');
  assert.deepEqual(sampler.watch(), { intervalMs: 10, leaseMs: 15_000 });
  await ticks();
  assert.ok(sampler.active && host.reads > 1, 'sampling every interval');
  host.clock += 10_000;
  sampler.watch();
  host.clock += 10_000;
  const renewed = host.reads;
  await ticks();
  assert.ok(host.reads > renewed, 'a renewed lease keeps it going past the first one');
  host.clock += 6_000;
  await ticks();
  assert.equal(sampler.active, false, 'the lease ran out: the timer stopped');
  const stopped = host.reads;
  await ticks();
  assert.equal(host.reads, stopped);
  sampler.stop();
  sampler.watch();
  assert.equal(sampler.active, false, 'a stopped sampler (its datastore closed) never starts again');
});
