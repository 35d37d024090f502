import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

/**
 * The CLI on a machine that is not the FreeBSD host (no bhyve, no ifconfig -l): `plan` must
 * still print the commands a fresh host would run, exactly, and run none of them.
 */
const repo = join(import.meta.dirname, '../..');
const run = promisify(execFile);
let datastore: string;
const iso = '/srv/iso/FreeBSD-14.0-RELEASE-amd64-bootonly.iso';

before(async () => {
  datastore = await mkdtemp(join(tmpdir(), 'hivedesk-cli-'));
  // The handbook's 24.6.2 guest, as vm-bhyve would store it; switch "public" bridges the host's igb0.
  await mkdir(join(datastore, 'guestname'));
  await writeFile(
    join(datastore, 'guestname', 'guestname.conf'),
    'loader="bhyveload"\ncpu=1\nmemory=1024M\nnetwork0_type="virtio-net"\nnetwork0_switch="public"\ndisk0_type="virtio-blk"\ndisk0_name="guest.img"\nutctime="no"\n',
  );
  await mkdir(join(datastore, '.config'));
  await writeFile(join(datastore, '.config', 'system.conf'), 'switch_list="public"\ntype_public="standard"\nports_public="igb0"\n');
});

after(() => rm(datastore, { recursive: true, force: true }));

function hivedesk(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', join(repo, 'electron/cli/hivedesk.ts'), ...args, '--datastore', datastore, '--backend', 'bhyve'], {
    cwd: repo,
    // No FreeBSD tools here: every probe fails, so the plan is the one for a freshly booted host.
    env: { ...process.env, PATH: '/nonexistent', HIVEDESK_PRIVILEGE: 'doas' },
  });
}

test('plan install prints the handbook install, one shell-quoted command per line, and warns on stderr', async () => {
  const { stdout, stderr } = await hivedesk('plan', 'install', 'guestname', iso);
  const lines = stdout.trimEnd().split('\n');
  assert.deepEqual(lines, [
    'doas kldload vmm',
    'doas kldload nmdm',
    'doas sysctl net.link.tap.up_on_open=1',
    'doas ifconfig tap0 create',
    'doas ifconfig bridge0 create',
    'doas ifconfig bridge0 addm igb0 addm tap0 up',
    `doas bhyveload -c /dev/nmdm-guestname.1A -m 1024M -e autoboot_delay=3 -e bhyve_vm_name=guestname -d ${iso} guestname`,
    `doas bhyve -s 0,hostbridge -s 31,lpc -s 0:4:0,virtio-blk,${datastore}/guestname/guest.img -s 0:5:0,virtio-net,tap0 -c 1 -m 1024M -AHPw -s 3:0,ahci-cd,${iso},ro,bootindex=1 -l com1,/dev/nmdm-guestname.1A guestname`,
    'doas bhyvectl --destroy --vm=guestname',
    'doas ifconfig tap0 destroy',
  ]);
  const [missingIso, missingDisk, supervisor] = stderr.trimEnd().split('\n');
  assert.equal(missingIso, `hivedesk: warning: the install media ${iso} does not exist: choose another ISO.`);
  assert.equal(missingDisk, `hivedesk: warning: disk0 ${datastore}/guestname/guest.img does not exist`);
  assert.match(supervisor ?? '', /^hivedesk: started detached, runs what follows: \S+ --import \S+tsx\S+ \S+supervisor-main\.ts \S+ guestname$/);
});

test('plan start boots from the disk; start refuses what the plan warned about and runs nothing', async () => {
  const { stdout } = await hivedesk('plan', 'start', 'guestname');
  assert.match(stdout, new RegExp(`^doas bhyveload .* -d ${datastore}/guestname/guest.img guestname$`, 'm'));
  assert.doesNotMatch(stdout, /ahci-cd/);
  await assert.rejects(hivedesk('start', 'guestname'), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 1);
    assert.equal(err.stderr, `hivedesk: disk0 ${datastore}/guestname/guest.img does not exist\n`);
    return true;
  });
  assert.deepEqual((await readdir(join(datastore, 'guestname'))).sort(), ['guestname.conf']);
});

test('list --json is the API summary; bad names are refused with the rule', async () => {
  const { stdout } = await hivedesk('list', '--json');
  const [guest] = JSON.parse(stdout) as { name: string; state: string; backend: string; cpus: number; memory: string }[];
  assert.deepEqual({ name: guest?.name, state: guest?.state, backend: guest?.backend, cpus: guest?.cpus, memory: guest?.memory }, {
    name: 'guestname', state: 'stopped', backend: 'bhyve', cpus: 1, memory: '1024M',
  });
  await assert.rejects(hivedesk('plan', 'start', 'a/b'), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr, /^hivedesk: VM name "a\/b": A name cannot contain "\/"\./);
    return true;
  });
  await assert.rejects(hivedesk('plan', 'start', '-x'), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr, /^hivedesk: Unknown option '-x'/);
    return true;
  });
});
