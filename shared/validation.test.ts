import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateVmInput } from './api/vms.js';
import { CpuCount, DiskSize, formatSizeMiB, HostPath, MemorySize, parseSizeMiB, VmName } from './validation.js';

const firstMessage = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues[0]?.message;

test('VM names: accepted spellings', { timeout: 10_000 }, () => {
  for (const name of ['ab', 'web1', 'Web-1', 'freebsd14.2', 'a_b', 'x'.repeat(31)]) {
    assert.equal(VmName.safeParse(name).success, true, name);
  }
});

test('VM names: each refusal says why', { timeout: 10_000 }, () => {
  const cases: [string, string][] = [
    ['', 'Enter a name.'],
    ['a', 'A name needs at least 2 characters.'],
    ['x'.repeat(32), 'A name can have at most 31 characters.'],
    ['my vm', 'A name cannot contain spaces.'],
    ['a/b', 'A name cannot contain "/".'],
    ['..', 'A name cannot contain "..".'],
    ['a..b', 'A name cannot contain "..".'],
    ['-rf', 'A name cannot start with "-".'],
    ['web1-', 'Use letters, digits, ".", "_" and "-", starting and ending with a letter or digit.'],
    ['wéb', 'Use letters, digits, ".", "_" and "-", starting and ending with a letter or digit.'],
    ['a,b', 'Use letters, digits, ".", "_" and "-", starting and ending with a letter or digit.'],
  ];
  for (const [name, message] of cases) assert.equal(firstMessage(VmName.safeParse(name)), message, JSON.stringify(name));
});

test('sizes: vm-bhyve spellings, bare numbers are MiB', { timeout: 10_000 }, () => {
  assert.equal(parseSizeMiB('512M'), 512);
  assert.equal(parseSizeMiB('2g'), 2048);
  assert.equal(parseSizeMiB('1T'), 1024 * 1024);
  assert.equal(parseSizeMiB('300'), 300);
  assert.equal(parseSizeMiB('2.5G'), undefined);
  assert.equal(parseSizeMiB('lots'), undefined);
  assert.equal(formatSizeMiB(2048), '2G');
  assert.equal(formatSizeMiB(1536), '1536M');
  assert.equal(MemorySize.parse(' 2048 '), '2G');
});

test('sizes: out of range and non-numeric are refused with the range', { timeout: 10_000 }, () => {
  assert.equal(firstMessage(MemorySize.safeParse('16M')), 'Memory must be between 32M and 1T.');
  assert.equal(firstMessage(MemorySize.safeParse('2Q')), 'Memory must be a number with an optional unit M, G or T, for example 512M or 2G.');
  assert.equal(firstMessage(DiskSize.safeParse('65T')), 'Disk size must be between 16M and 64T.');
  assert.equal(firstMessage(DiskSize.safeParse('')), 'Enter the disk size, for example 2G.');
});

test('CPUs: whole numbers from 1 to 64, never coerced from junk', { timeout: 10_000 }, () => {
  assert.equal(CpuCount.parse('4'), 4);
  assert.equal(CpuCount.parse(2), 2);
  assert.equal(firstMessage(CpuCount.safeParse('0')), 'CPUs must be between 1 and 64.');
  assert.equal(firstMessage(CpuCount.safeParse('65')), 'CPUs must be between 1 and 64.');
  assert.equal(firstMessage(CpuCount.safeParse('two')), 'CPUs must be a whole number.');
  assert.equal(firstMessage(CpuCount.safeParse('1.5')), 'CPUs must be a whole number.');
  assert.equal(firstMessage(CpuCount.safeParse(-1)), 'CPUs must be a whole number.');
});

test('host paths: absolute, and nothing a .conf line or QEMU cannot hold', { timeout: 10_000 }, () => {
  assert.equal(HostPath.safeParse('/srv/iso/debian.iso').success, true);
  assert.equal(firstMessage(HostPath.safeParse('debian.iso')), 'Use an absolute path (starting with "/").');
  assert.match(firstMessage(HostPath.safeParse('/tmp/a"b.iso')) ?? '', /cannot be stored/);
  assert.match(firstMessage(HostPath.safeParse('/tmp/a\nb.iso')) ?? '', /cannot be stored/);
});

test('create request: an empty install media field means none', { timeout: 10_000 }, () => {
  const parsed = CreateVmInput.parse({ name: 'web1', profile: 'linux', cpus: '2', memory: '1G', diskSize: '8G', installMedia: '' });
  assert.deepEqual(parsed, { name: 'web1', profile: 'linux', cpus: 2, memory: '1G', diskSize: '8G', installMedia: undefined });
  assert.equal(CreateVmInput.safeParse({ name: 'web1', profile: 'beos', cpus: 1, memory: '1G', diskSize: '8G' }).success, false);
});
