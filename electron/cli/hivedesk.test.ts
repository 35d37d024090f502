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

test('plan install prints the handbook install the vm-bhyve way, one shell-quoted command per line, and warns on stderr', { timeout: 60_000 }, async () => {
  const { stdout, stderr } = await hivedesk('plan', 'install', 'guestname', iso);
  const errors = stderr.trimEnd().split('\n');
  // The guest has no uuid and no MAC yet: the plan shows the ones a start would add to its .conf first.
  assert.equal(errors[2], `hivedesk: adds to ${datastore}/guestname/guestname.conf (a uuid and NIC MACs, added before anything runs as vm-bhyve adds them at a first start (each plan draws new ones until a start stores them)):`);
  const uuid = /^ {4}uuid="(.+)"$/.exec(errors[3] ?? '')?.[1] ?? '';
  const mac = /^ {4}network0_mac="(58:9c:fc:0[0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2})"$/.exec(errors[4] ?? '')?.[1] ?? '';
  assert.match(uuid, /^[0-9a-f-]{36}$/);
  const disk = `${datastore}/guestname/guest.img`;
  const bhyve = `doas bhyve -s 0,hostbridge -s 31,lpc -s 0:4:0,virtio-blk,${disk} -s 0:5:0,virtio-net,tap0,mac=${mac} -c 1 -m 1024M -AHPw -U ${uuid} -s 3:0,ahci-cd,${iso},ro,bootindex=1 -l com1,/dev/nmdm-guestname.1A guestname`;
  const bhyveload = (from: string) => `doas bhyveload -c /dev/nmdm-guestname.1A -m 1024M -e smbios.system.uuid=${uuid} -e autoboot_delay=3 -e bhyve_vm_name=guestname -d ${from} guestname`;
  assert.deepEqual(stdout.trimEnd().split('\n'), [
    'doas kldload vmm',
    'doas kldload nmdm',
    'doas sysctl net.link.tap.up_on_open=1',
    // vm init's bridge for the standard switch "public" of .config/system.conf, found later by its group viid-4c918@
    'doas ifconfig bridge create name vm-public group vm-switch up',
    'doas ifconfig vm-public group viid-4c918@',
    'doas ifconfig vm-public link random',
    'doas ifconfig vm-public addm igb0',
    'doas ifconfig tap0 create descr vmnet/guestname/0/public group vm-port',
    'doas ifconfig vm-public addm tap0',
    'doas ifconfig tap0 up',
    bhyveload(iso),
    bhyve,
    'doas bhyvectl --destroy --vm=guestname',
    // After the installer reboots: the installed system from disk0, the ISO still attached.
    bhyveload(disk),
    bhyve,
    'doas bhyvectl --destroy --vm=guestname',
    'doas ifconfig tap0 destroy',
  ]);
  assert.equal(errors[0], `hivedesk: warning: Install media: There is no file at ${iso}.`);
  assert.equal(errors[1], `hivedesk: warning: disk0 ${disk} does not exist: create it, or point disk0_name at the disk in Settings → Disks.`);
  assert.match(errors.at(-1) ?? '', /^hivedesk: started detached, runs what follows: \S+ --import \S+tsx\S+ \S+supervisor-main\.ts \S+ guestname$/);
});

test('plan start boots from the disk; start refuses what the plan warned about and runs nothing', { timeout: 60_000 }, async () => {
  const { stdout } = await hivedesk('plan', 'start', 'guestname');
  assert.match(stdout, new RegExp(`^doas bhyveload .* -d ${datastore}/guestname/guest.img guestname$`, 'm'));
  assert.doesNotMatch(stdout, /ahci-cd/);
  await assert.rejects(hivedesk('start', 'guestname'), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 1);
    assert.equal(err.stderr, `hivedesk: disk0 ${datastore}/guestname/guest.img does not exist: create it, or point disk0_name at the disk in Settings → Disks.\n`);
    return true;
  });
  assert.deepEqual((await readdir(join(datastore, 'guestname'))).sort(), ['guestname.conf']);
});

test('list --json is the API summary; bad names are refused with the rule', { timeout: 60_000 }, async () => {
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
