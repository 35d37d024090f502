import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { SIMULATOR_BIN } from '../../testing/simulated-bhyve.js';
import { isBridge, isPhysical, physicalMembers, readIfconfig } from './ifconfig.js';

/** Real `ifconfig` output; each file's header says where it came from and what it shows. */
const dir = join(import.meta.dirname, '../fixtures/ifconfig');

test('bridges, their members, and which interfaces are physical NICs', { timeout: 10_000 }, () => {
  for (const name of readdirSync(dir)) {
    const text = readFileSync(join(dir, name), 'utf8');
    const expect = Object.fromEntries((/expect: (.*)$/m.exec(text)?.[1] ?? '').split(' ').map((kv) => kv.split('=') as [string, string]));
    const read = readIfconfig(text);
    assert.ok(read.ok, name);
    const bridge = read.interfaces.find(isBridge);
    assert.equal(bridge?.name, expect.bridge, name);
    const uplinks = bridge ? physicalMembers(bridge, read.interfaces) : [];
    assert.deepEqual(uplinks, expect.physical === 'none' ? [] : [expect.physical], name);
    if (expect.nics) assert.deepEqual(read.interfaces.filter(isPhysical).map((i) => i.name), expect.nics.split(','), name);
  }
});

test('taps, loopback and epairs are never uplinks; the header line is the evidence', { timeout: 10_000 }, () => {
  const read = readIfconfig(readFileSync(join(dir, 'bhyve-host-bridge-with-uplink.txt'), 'utf8'));
  assert.ok(read.ok);
  assert.deepEqual(read.interfaces.map((i) => [i.name, isPhysical(i), isBridge(i)]), [['igb0', true, false], ['tap0', false, false], ['bridge0', false, true]]);
  assert.equal(read.interfaces[0]?.header, 'igb0: flags=8943<UP,BROADCAST,RUNNING,PROMISC,SIMPLEX,MULTICAST> metric 0 mtu 1500');
  assert.equal(read.interfaces[0]?.status, 'active');
});

test('the FreeBSD host simulator\'s ifconfig reads the same way', { timeout: 20_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'freebsd-sim-ifconfig-'));
  try {
    const env = { ...process.env, FREEBSD_SIM_ROOT: root };
    const ifconfig = (...args: string[]) => execFileSync(join(SIMULATOR_BIN, 'ifconfig'), args, { env, encoding: 'utf8' });
    ifconfig('bridge0', 'create');
    ifconfig('tap0', 'create');
    ifconfig('bridge0', 'addm', 'igb0', 'addm', 'tap0', 'up');
    const read = readIfconfig(ifconfig());
    assert.ok(read.ok);
    const bridge = read.interfaces.find(isBridge);
    assert.ok(bridge);
    assert.deepEqual(physicalMembers(bridge, read.interfaces), ['igb0']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('empty or junk output is a problem, never a crash', { timeout: 20_000 }, () => {
  assert.equal(readIfconfig('').ok, false);
  assert.equal(readIfconfig('ifconfig: not found\n').ok, false);
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => void readIfconfig(s)), { numRuns: 2000 });
});
