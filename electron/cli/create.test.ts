import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { SIMULATOR_BIN } from '../testing/simulated-bhyve.js';

/** `hivedesk create` and `hivedesk plan create`, and what `plan --json` prints. */
const repo = join(import.meta.dirname, '../..');
const run = promisify(execFile);
let dir: string;
let datastore: string;
let iso: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hivedesk-cli-create-'));
  datastore = join(dir, 'vm');
  await mkdir(datastore);
  iso = join(dir, 'FreeBSD-14.2-RELEASE-amd64-disc1.iso');
  await writeFile(iso, 'an ISO as far as the checks go');
});

after(() => rm(dir, { recursive: true, force: true }));

function hivedesk(env: NodeJS.ProcessEnv, ...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', join(repo, 'electron/cli/hivedesk.ts'), ...args, '--datastore', datastore], { cwd: repo, env: { ...process.env, HIVEDESK_PRIVILEGE: 'doas', ...env } });
}

/** A laptop reviewing a plan for a Dom0: no xl, no ifconfig, nothing of FreeBSD on the PATH. */
const laptop = { PATH: '/nonexistent' };

test("plan create --json prints the commands and every file, Xen's config with its CD, and runs nothing", { timeout: 60_000 }, async () => {
  const { stdout } = await hivedesk(laptop, 'plan', 'create', 'web1', '--backend', 'xen', '--profile', 'freebsd', '--memory', '1G', '--disk-size', '8G', '--install-media', iso, '--json');
  const plan = JSON.parse(stdout) as { commands: { argv: string[] }[]; files: { path: string; content: string }[]; warnings: string[]; notes: string[] };
  assert.deepEqual(Object.keys(plan), ['commands', 'files', 'warnings', 'notes']);
  const guestDir = join(datastore, 'web1');
  assert.deepEqual(plan.commands.map((c) => c.argv.join(' ')), [`truncate -s 8G ${guestDir}/disk0.img`, `chmod 600 ${guestDir}/disk0.img`, `doas xl create ${guestDir}/xl.cfg`]);
  assert.deepEqual(plan.files.map((f) => f.path), [join(guestDir, 'web1.conf'), join(guestDir, 'xl.cfg')]);
  assert.match(plan.files[0]?.content ?? '', /^memory="1G"$/m);
  assert.match(plan.files[0]?.content ?? '', /^hivedesk_backend="xen"$/m);
  assert.ok(plan.files[1]?.content.includes(`'${iso},raw,hdc:cdrom,r'`));
  assert.match(plan.warnings.join('\n'), /The bridge bridge0 is not on this host/);
  assert.deepEqual(await readdir(datastore), [], 'a plan makes nothing');
});

test("plan start --json shows grub's device.map before anything runs", { timeout: 60_000 }, async () => {
  await mkdir(join(datastore, 'deb'));
  await writeFile(join(datastore, 'deb', 'deb.conf'), 'loader="grub"\ncpu=1\nmemory=512M\ndisk0_type="virtio-blk"\ndisk0_name="disk0.img"\nuuid="0b4e9d8e-5d1b-11ef-8000-589cfc0c5542"\n');
  try {
    const { stdout } = await hivedesk(laptop, 'plan', 'start', 'deb', '--backend', 'bhyve', '--json');
    const plan = JSON.parse(stdout) as { files: { path: string; content: string }[] };
    const map = plan.files.find((f) => f.path === join(datastore, 'deb', 'device.map'));
    assert.equal(map?.content, `(hd0) ${join(datastore, 'deb', 'disk0.img')}\n`);
  } finally {
    await rm(join(datastore, 'deb'), { recursive: true, force: true });
  }
});

test('create makes a guest as the wizard does, with the profile’s defaults, and refuses a bad size by its option', { timeout: 60_000 }, async () => {
  const { stdout } = await hivedesk({}, 'create', 'web2', '--backend', 'qemu', '--profile', 'other', '--disk-size', '1G');
  assert.equal(stdout.trim(), 'web2: stopped');
  const conf = await readFile(join(datastore, 'web2', 'web2.conf'), 'utf8');
  assert.match(conf, /^cpu="1"$/m, "the profile's CPUs");
  assert.match(conf, /^memory="512M"$/m, "the profile's memory");
  assert.deepEqual((await readdir(join(datastore, 'web2'))).sort(), ['disk0.img', 'web2.conf']);
  await assert.rejects(hivedesk({}, 'create', 'web3', '--backend', 'qemu', '--memory', 'lots'), (err: { code: number; stderr: string }) => {
    assert.equal(err.code, 2);
    assert.match(err.stderr, /^hivedesk: --memory: Memory must be a number with an optional unit/);
    return true;
  });
  await rm(join(datastore, 'web2'), { recursive: true, force: true });
});

test('create --backend virtualbox registers the machine with VBoxManage (on the FreeBSD host simulator) and lists it from there', { timeout: 60_000 }, async () => {
  const sim = await mkdtemp(join(tmpdir(), 'freebsd-sim-'));
  const env = { FREEBSD_SIM_ROOT: sim, PATH: `${SIMULATOR_BIN}:${process.env.PATH}` };
  try {
    const { stdout } = await hivedesk(env, 'create', 'vbcli', '--backend', 'virtualbox', '--profile', 'freebsd', '--json');
    const made = JSON.parse(stdout) as { name: string; backend: string; state: string };
    assert.deepEqual([made.name, made.backend, made.state], ['vbcli', 'virtualbox', 'stopped']);
    const listed = JSON.parse((await hivedesk(env, 'list', '--json', '--backend', 'virtualbox')).stdout) as { name: string; backend: string; memory: string }[];
    assert.deepEqual(listed.map((vm) => [vm.name, vm.backend, vm.memory]), [['vbcli', 'virtualbox', '2048M']]);
    const ran = (await readFile(join(sim, 'commands.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { argv: string[] }).argv.slice(0, 2).join(' '));
    assert.ok(ran.includes('VBoxManage createvm') && ran.includes('VBoxManage storageattach'));
  } finally {
    await rm(sim, { recursive: true, force: true });
    await rm(join(datastore, 'vbcli'), { recursive: true, force: true });
  }
});

test('plan create --backend virtualbox runs on a machine without VBoxManage: the name is left unchecked, with a warning', { timeout: 60_000 }, async () => {
  const { stdout } = await hivedesk(laptop, 'plan', 'create', 'vbplan', '--backend', 'virtualbox', '--json');
  const plan = JSON.parse(stdout) as { commands: { argv: string[] }[]; warnings: string[] };
  assert.deepEqual(plan.commands.map((c) => c.argv.slice(0, 2).join(' ')), ['VBoxManage createvm', 'VBoxManage modifyvm', 'VBoxManage createmedium', 'VBoxManage storagectl', 'VBoxManage storageattach', 'VBoxManage startvm']);
  assert.match(plan.warnings.join('\n'), /The name vbplan could not be checked against VirtualBox's machines/);
  await assert.rejects(hivedesk(laptop, 'create', 'vbplan', '--backend', 'virtualbox'), (err: { code: number; stderr: string }) => {
    assert.match(err.stderr, /VBoxManage list vms failed/, 'create checks the name, and stops where it cannot');
    return true;
  });
  assert.deepEqual(await readdir(datastore), [], 'neither made anything');
});
