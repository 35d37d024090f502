import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { HostCheck } from '../../shared/api/host-setup.js';
import { bhyveSettings } from '../backends/bhyve/settings.js';
import { CommandLog } from '../host/command-log.js';
import { HostRunner } from '../host/run.js';
import { SIMULATOR_BIN } from '../testing/simulated-bhyve.js';
import { HostSetup } from './service.js';

/**
 * A bare FreeBSD host taken to ready by Host setup's own fixes, on the FreeBSD HOST SIMULATOR (fake kldload,
 * ifconfig, sysctl, sysrc, pkg, install, pw, service in a sandbox; its files under $ROOT/hostfs). This is not
 * FreeBSD: what it shows is that each fix runs exactly the commands it showed, and that the checks then pass.
 */
let sim: string;
let staging: string;
let setup: HostSetup;

before(async () => {
  sim = await mkdtemp(join(tmpdir(), 'freebsd-sim-setup-'));
  staging = await mkdtemp(join(tmpdir(), 'hivedesk-staging-'));
  Object.assign(process.env, { FREEBSD_SIM_ROOT: sim, PATH: `${SIMULATOR_BIN}:${process.env.PATH}` });
  execFileSync(join(SIMULATOR_BIN, 'kldstat'), { env: process.env }); // makes the sandbox and its hostfs
  const settings = bhyveSettings({ HIVEDESK_PRIVILEGE: 'doas', HIVEDESK_BHYVE_DEV_DIR: join(sim, 'dev'), HIVEDESK_BHYVE_FIRMWARE_DIR: join(sim, 'hostfs/usr/local/share/uefi-firmware') });
  setup = new HostSetup({ kind: 'freebsd', root: join(sim, 'hostfs'), runner: new HostRunner(new CommandLog()), live: true, settings, user: 'hiveuser', guestLoaders: async () => [], stagingDir: join(staging, 'stage') });
});

after(async () => {
  execFileSync(join(SIMULATOR_BIN, 'freebsd-sim-teardown'), [sim]);
  await rm(sim, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
});

const byId = (checks: HostCheck[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

/** What the simulated host ran as root (through doas), prefix removed, since `from`. */
async function rootCommands(from: number): Promise<string[][]> {
  const lines = (await readFile(join(sim, 'commands.jsonl'), 'utf8')).trim().split('\n').slice(from);
  const argvs = lines.map((l) => (JSON.parse(l) as { argv: string[] }).argv);
  return argvs.flatMap((argv, i) => (argv[0] === 'doas' ? [argvs[i + 1] ?? []] : []));
}

async function logLength(): Promise<number> {
  return (await readFile(join(sim, 'commands.jsonl'), 'utf8')).trim().split('\n').length;
}

test('a bare host: the CPU is fine, everything else is missing, each with a fix', { timeout: 60_000 }, async () => {
  const checks = byId(await setup.checks());
  assert.equal(checks['bhyve-cpu']?.status, 'ok');
  assert.equal(checks['bhyve-cpu']?.verdict, 'ok');
  assert.ok(checks['bhyve-cpu']?.evidence.includes('VT-x: PAT,HLT,MTF,PAUSE,EPT,UG,VPID'));
  for (const id of ['bhyve-vmm', 'bhyve-nmdm', 'bhyve-if-bridge', 'bhyve-if-tuntap', 'bhyve-tap-up-on-open', 'bhyve-bridge', 'bhyve-uefi-firmware', 'bhyve-console', 'persist-kld-list', 'persist-bridge', 'persist-tap-up-on-open']) {
    assert.equal(checks[id]?.status, 'missing', `${id}: ${checks[id]?.summary}`);
    assert.ok(checks[id]?.fix, `${id} has a fix`);
  }
  assert.equal(checks['bhyve-grub2']?.status, 'ok', 'no guest uses grub');
  assert.deepEqual(checks['bhyve-vmm']?.fix?.commands, [['doas', 'kldload', 'vmm']]);
  assert.deepEqual(checks['bhyve-bridge']?.fix?.commands, [['doas', 'ifconfig', 'bridge0', 'create'], ['doas', 'ifconfig', 'bridge0', 'addm', 'igb0', 'up']]);
  assert.match(checks['bhyve-bridge']?.fix?.warnings[0] ?? '', /igb0 may drop for a few seconds/);
  assert.deepEqual(checks['bhyve-uefi-firmware']?.fix?.commands, [['doas', 'pkg', 'install', '-y', 'edk2-bhyve']]);
  assert.deepEqual(checks['persist-kld-list']?.fix?.commands, [['doas', 'sysrc', 'kld_list+=vmm nmdm']]);
  assert.match(checks['persist-kld-list']?.fix?.diffs[0]?.diff ?? '', /^\+kld_list="vmm nmdm"$/m);
  const console = checks['bhyve-console']?.fix;
  assert.deepEqual(console?.commands.map((c) => c.slice(0, 3)), [['doas', 'install', '-S'], ['doas', 'sysrc', 'devfs_system_ruleset=localrules'], ['doas', 'service', 'devfs'], ['doas', 'pw', 'groupmod']]);
  assert.match(console?.diffs.find((d) => d.path === '/etc/devfs.rules')?.diff ?? '', /^\+add path 'nmdm\*' mode 0660 group dialer$/m);
});

test('each fix runs exactly the commands it showed, then its check passes; at the end every check does', { timeout: 120_000 }, async () => {
  const order = ['bhyve-vmm', 'bhyve-nmdm', 'bhyve-if-bridge', 'bhyve-if-tuntap', 'bhyve-tap-up-on-open', 'bhyve-bridge', 'bhyve-uefi-firmware', 'bhyve-console', 'persist-kld-list', 'persist-bridge', 'persist-tap-up-on-open'];
  for (const id of order) {
    const plan = await setup.plan(id);
    const from = await logLength();
    const result = await setup.run(id, {}, plan.digest);
    assert.ok(result.ok, `${id}: ${JSON.stringify(result.steps)}`);
    assert.deepEqual(result.steps.map((s) => s.argv), plan.commands, id);
    assert.deepEqual(await rootCommands(from), plan.commands.map((argv) => argv.slice(1)), `${id} ran what it showed, as root`);
    assert.equal(byId(result.checks)[id]?.status, 'ok', `${id} after its fix: ${byId(result.checks)[id]?.summary}`);
  }
  const after = await setup.checks();
  assert.deepEqual(after.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.summary}`), []);
  const rc = await readFile(join(sim, 'hostfs/etc/rc.conf'), 'utf8');
  assert.match(rc, /^hostname="freebsd-sim"$/m, 'the lines that were there stay');
  assert.match(rc, /^kld_list="vmm nmdm"$/m);
  assert.match(rc, /^cloned_interfaces="bridge0"$/m);
  assert.match(rc, /^ifconfig_bridge0="addm igb0 up"$/m);
  assert.match(rc, /^devfs_system_ruleset="localrules"$/m);
  assert.match(await readFile(join(sim, 'hostfs/etc/sysctl.conf'), 'utf8'), /^#security.bsd.see_other_uids=0\nnet.link.tap.up_on_open=1\n$/m);
  assert.equal(await readFile(join(sim, 'hostfs/etc/devfs.rules'), 'utf8'), "[localrules=10]\nadd path 'nmdm*' mode 0660 group dialer\n");
  assert.match(await readFile(join(sim, 'hostfs/etc/group'), 'utf8'), /^dialer:\*:68:hiveuser$/m);
});

test('a plan the host moved away from is refused, and a refused command stops the fix with its stderr', { timeout: 60_000 }, async () => {
  const loader = join(sim, 'hostfs/boot/loader.conf');
  await writeFile(join(sim, 'hostfs/etc/sysctl.conf'), '# emptied by the test\n');
  const plan = await setup.plan('persist-tap-up-on-open');
  await writeFile(join(sim, 'hostfs/etc/sysctl.conf'), '# changed again after the plan was shown\n');
  await assert.rejects(setup.run('persist-tap-up-on-open', {}, plan.digest), /changed since these commands were shown/);
  assert.equal(await readFile(join(sim, 'hostfs/etc/sysctl.conf'), 'utf8'), '# changed again after the plan was shown\n', 'nothing was installed');

  const fresh = await setup.plan('persist-tap-up-on-open');
  await writeFile(join(sim, 'control/doas.deny'), '');
  try {
    const result = await setup.run('persist-tap-up-on-open', {}, fresh.digest);
    assert.equal(result.ok, false);
    assert.equal(result.steps.length, 1);
    assert.equal(result.steps[0]?.exitCode, 1);
    assert.equal(result.steps[0]?.stderr, 'doas: Operation not permitted');
    assert.equal(result.checks.find((c) => c.id === 'persist-tap-up-on-open')?.status, 'missing');
  } finally {
    await rm(join(sim, 'control/doas.deny'));
  }
  await assert.rejects(setup.plan('bhyve-vmm'), /nothing to fix/);
  await assert.rejects(setup.plan('no-such-check'), /no host check/);
  assert.ok((await readFile(loader, 'utf8')).includes('zfs_load="YES"'));
});
