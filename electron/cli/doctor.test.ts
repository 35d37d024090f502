import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { HostCheck } from '../../shared/api/host-setup.js';
import { writeHostRoot } from '../testing/host-root.js';
import { SIMULATOR_BIN } from '../testing/simulated-bhyve.js';

/** `hivedesk doctor`: the Host setup checks on the command line, read-only, as text or JSON. */
const repo = join(import.meta.dirname, '../..');
const run = promisify(execFile);
let root: string;
let datastore: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-doctor-root-'));
  datastore = await mkdtemp(join(tmpdir(), 'hivedesk-doctor-ds-'));
  await writeHostRoot(root);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(datastore, { recursive: true, force: true });
});

type Outcome = { code: number; stdout: string; stderr: string };

async function doctor(args: string[], env: NodeJS.ProcessEnv = { ...process.env, HIVEDESK_PRIVILEGE: 'doas' }): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(repo, 'electron/cli/hivedesk.ts'), 'doctor', '--datastore', datastore, ...args], { cwd: repo, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const checksOf = (out: Outcome) => Object.fromEntries((JSON.parse(out.stdout) as { checks: HostCheck[] }).checks.map((c) => [c.id, c]));

test('doctor --json --root DIR: {"checks": [...]} with ids, statuses, evidence, the CPU verdict and fixes as argv', { timeout: 60_000 }, async () => {
  const out = await doctor(['--json', '--root', root, '--xen', '--virtualbox']);
  assert.equal(out.code, 1, 'something is missing');
  const checks = checksOf(out);
  assert.equal(checks['bhyve-cpu']?.verdict, 'disabled-in-bios');
  assert.ok(checks['bhyve-cpu']?.evidence.includes('VT-x: (disabled in BIOS) PAT,HLT,PAUSE,EPT,UG'));
  assert.equal(checks['bhyve-vmm']?.status, 'unknown');
  assert.deepEqual(checks['persist-kld-list']?.fix?.commands, [['doas', 'sysrc', '-f', join(root, 'etc/rc.conf'), 'kld_list+=vmm nmdm']]);
  assert.ok(checks['xen-login-conf']?.fix?.diffs[0]?.diff.includes('+\t:memorylocked=unlimited:\\'));
  assert.ok(checks['vbox-group'], 'VirtualBox checks when asked for');
});

test('doctor --root judges DIR\'s accounts for HIVEDESK_USER, and installs packages into DIR', { timeout: 60_000 }, async () => {
  const env = { ...process.env };
  delete env.HIVEDESK_USER;
  const unnamed = checksOf(await doctor(['--json', '--root', root, '--virtualbox'], { ...env, HIVEDESK_PRIVILEGE: 'doas' }));
  assert.equal(unnamed['vbox-group']?.status, 'unknown', 'this process\'s own account says nothing about DIR');
  const alice = checksOf(await doctor(['--json', '--root', root, '--virtualbox'], { ...env, HIVEDESK_PRIVILEGE: 'doas', HIVEDESK_USER: 'alice' }));
  assert.equal(alice['vbox-group']?.status, 'ok');
  assert.deepEqual(alice['vbox-package']?.fix?.commands, [['doas', 'pkg', '-r', root, 'install', '-y', 'virtualbox-ose']]);
});

test('doctor as text: status, id, the evidence, the diff and the commands to run', { timeout: 60_000 }, async () => {
  const out = await doctor(['--root', root]);
  assert.equal(out.code, 1);
  assert.match(out.stdout, /^missing {2}bhyve-cpu: CPU virtualisation\. The kernel says VT-x is disabled in the BIOS/m);
  assert.match(out.stdout, /^ {9}\| VT-x: \(disabled in BIOS\) PAT,HLT,PAUSE,EPT,UG$/m);
  assert.match(out.stdout, /^unknown {2}bhyve-vmm: vmm kernel module\. Needs the running host/m);
  assert.match(out.stdout, new RegExp(`^ {9}\\$ doas sysrc -f ${root}/etc/rc.conf 'kld_list\\+=vmm nmdm'$`, 'm'));
  assert.doesNotMatch(out.stdout, /^(ok|missing|unknown) +xen-/m, 'no Xen unless its tools are there or --xen');
});

test('doctor on this Linux machine: KVM unusable, so TCG', { timeout: 60_000 }, async () => {
  const checks = checksOf(await doctor(['--json', '--backend', 'qemu']));
  assert.equal(checks['linux-kvm']?.status, 'missing');
  assert.match(checks['linux-kvm']?.summary ?? '', /TCG/);
});

test('doctor on the FreeBSD host simulator runs only read-only commands', { timeout: 60_000 }, async () => {
  const sim = await mkdtemp(join(tmpdir(), 'freebsd-sim-doctor-'));
  try {
    const env = { ...process.env, FREEBSD_SIM_ROOT: sim, PATH: `${SIMULATOR_BIN}:${process.env.PATH}`, HIVEDESK_HOST_ROOT: join(sim, 'hostfs'), HIVEDESK_USER: 'hiveuser', HIVEDESK_PRIVILEGE: 'doas' };
    execFileSync(join(SIMULATOR_BIN, 'kldstat'), { env });
    const checks = checksOf(await doctor(['--json', '--backend', 'bhyve'], env));
    assert.equal(checks['bhyve-vmm']?.status, 'missing');
    assert.deepEqual(checks['bhyve-vmm']?.fix?.commands, [['doas', 'kldload', 'vmm']]);
    const ran = (await readFile(join(sim, 'commands.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { argv: string[] }).argv.join(' '));
    assert.deepEqual([...new Set(ran)].sort(), ['ifconfig', 'kldstat', 'kldstat -q -m if_bridge', 'kldstat -q -m if_tuntap', 'kldstat -q -m nmdm', 'kldstat -q -m vmm', 'sysctl -n net.link.tap.up_on_open']);
  } finally {
    execFileSync(join(SIMULATOR_BIN, 'freebsd-sim-teardown'), [sim]);
    await rm(sim, { recursive: true, force: true });
  }
});

test('doctor refuses a --root that is not a directory and a NIC that is not a name', { timeout: 60_000 }, async () => {
  const missingRoot = await doctor(['--root', join(root, 'nope')]);
  assert.equal(missingRoot.code, 2);
  assert.match(missingRoot.stderr, /^hivedesk: --root .* is not a directory/);
  const badNic = await doctor(['--root', root, '--nic', 'igb0;reboot']);
  assert.equal(badNic.code, 2);
  assert.match(badNic.stderr, /^hivedesk: NIC "igb0;reboot": an interface name such as igb0/);
});
