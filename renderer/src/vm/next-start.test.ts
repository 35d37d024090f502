import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VmSummary } from '../../../shared/api/vms.js';
import { bootedToNext } from './next-start.js';

const vm: VmSummary = { name: 'web1', backend: 'qemu', state: 'running', cpus: 2, memory: '512M', profile: 'linux', disks: [], consoles: ['com1'], display: false };

test('a running guest with a saved memory change shows what it booted with, then what its next start takes', { timeout: 5_000 }, () => {
  const pending = { ...vm, pendingRestart: ['memory'], booted: { cpus: 2, memory: '256M' } };
  assert.equal(bootedToNext(pending, 'memory'), '256M → 512M');
  // CPUs were not changed: the one value.
  assert.equal(bootedToNext(pending, 'cpus'), '2');
});

test('with nothing waiting for the next start, the saved value alone', { timeout: 5_000 }, () => {
  assert.equal(bootedToNext(vm, 'memory'), '512M');
  assert.equal(bootedToNext({ ...vm, pendingRestart: ['cpus'], booted: { cpus: 1, memory: '512M' } }, 'cpus'), '1 → 2');
});
