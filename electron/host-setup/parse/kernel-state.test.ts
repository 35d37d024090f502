import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SIMULATOR_BIN } from '../../testing/simulated-bhyve.js';
import { moduleState, sysctlValue } from './kernel-state.js';

test('kldstat -q -m: exit 0 loaded, exit 1 absent, anything else unknown', { timeout: 10_000 }, () => {
  assert.equal(moduleState('vmm', { exitCode: 0, stdout: '', stderr: '' }).state, 'loaded');
  assert.deepEqual(moduleState('nmdm', { exitCode: 1, stdout: '', stderr: '' }), { state: 'absent', evidence: 'kldstat -q -m nmdm: exit 1 (not in the kernel)' });
  assert.equal(moduleState('vmm', { exitCode: null, stdout: '', stderr: 'spawn kldstat ENOENT' }).state, 'unknown');
  assert.equal(moduleState('vmm', { exitCode: 64, stdout: '', stderr: 'usage: kldstat' }).state, 'unknown');
  // Without -q kldstat prints the table: this is not the answer to -q.
  assert.equal(moduleState('vmm', { exitCode: 1, stdout: 'Id Refs Address', stderr: '' }).state, 'unknown');
});

test('sysctl -n: a value, an absent oid, or an unknown', { timeout: 10_000 }, () => {
  assert.equal(sysctlValue('net.link.tap.up_on_open', { exitCode: 0, stdout: '1\n', stderr: '' }).value, '1');
  assert.equal(sysctlValue('net.link.tap.up_on_open', { exitCode: 1, stdout: '', stderr: "sysctl: unknown oid 'net.link.tap.up_on_open'\n" }).absent, true);
  const odd = sysctlValue('x', { exitCode: 0, stdout: 'a\nb\n', stderr: '' });
  assert.equal(odd.value, undefined);
  assert.equal(odd.absent, undefined);
});

test('the FreeBSD host simulator answers as kldstat does', { timeout: 20_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'freebsd-sim-kld-'));
  try {
    const env = { ...process.env, FREEBSD_SIM_ROOT: root };
    const kldstat = (module: string) => {
      const run = spawnSync(join(SIMULATOR_BIN, 'kldstat'), ['-q', '-m', module], { env, encoding: 'utf8' });
      return { exitCode: run.status, stdout: run.stdout, stderr: run.stderr };
    };
    assert.equal(moduleState('vmm', kldstat('vmm')).state, 'absent');
    execFileSync(join(SIMULATOR_BIN, 'kldload'), ['vmm'], { env });
    assert.equal(moduleState('vmm', kldstat('vmm')).state, 'loaded');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
