import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { VmSummary } from '../../../shared/api/vms.js';
import { createCore } from '../../app/core.js';
import { dispatch } from '../../app/dispatcher.js';
import { SimulatedBhyveHost } from '../../testing/simulated-bhyve-host.js';
import { waitFor } from '../../testing/support.js';

/**
 * The files vm-bhyve 1.7 still reads, kept as it keeps them, and the pre-flight checks of a start, on the FreeBSD
 * HOST SIMULATOR (not FreeBSD: fake ifconfig, bhyve, grub-bhyve… in a sandbox). The exact command lines are
 * golden-tested in commands.test.ts, network.test.ts and plan.test.ts.
 */
let rig: SimulatedBhyveHost;
let sim: string;
let datastore: string;

before(async () => {
  rig = await SimulatedBhyveHost.start();
  ({ sim, datastore } = rig);
  await mkdir(join(datastore, '.config'), { recursive: true });
});

after(() => rig.close());
afterEach(() => rig.powerOffAll());

const call = <T = VmSummary>(channel: string, input: unknown) => rig.call<T>(channel, input);
const vm = (name: string) => rig.vm(name);
const hostCommands = () => rig.hostCommands();


/** The simulated host's interfaces, as `ifconfig` keeps them. */
async function interfaces(): Promise<Record<string, { description?: string; groups?: string[]; members?: string[] }>> {
  return JSON.parse(await readFile(join(sim, 'state', 'interfaces.json'), 'utf8')) as Record<string, { description?: string; groups?: string[]; members?: string[] }>;
}

async function editConf(name: string, edit: (text: string) => string): Promise<string> {
  const path = join(datastore, name, `${name}.conf`);
  const text = edit(await readFile(path, 'utf8'));
  await writeFile(path, text);
  return text;
}

async function lastCommand(program: string): Promise<string[]> {
  return (await hostCommands()).filter((argv) => argv[0] === program).at(-1) ?? [];
}

test('a standard switch of .config/system.conf gets the vm-<switch> bridge vm-bhyve makes, found again by its group', { timeout: 120_000 }, async () => {
  await writeFile(join(datastore, '.config', 'system.conf'), 'switch_list="lan"\ntype_lan="standard"\nports_lan="em0"\n');
  await call('createVm', { name: 'swlan', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '64M' });
  await editConf('swlan', (text) => text.replace('network0_switch="public"', 'network0_switch="lan"'));
  await call('startVm', { name: 'swlan' });
  const bridge = (await interfaces())['vm-lan'];
  assert.deepEqual(bridge?.groups, ['vm-switch', 'viid-73f50@']);
  const tap = (await lastCommand('bhyve')).find((arg) => arg.includes(',virtio-net,'))?.split(',')[2] ?? '';
  assert.deepEqual(bridge?.members, ['em0', tap]);
  assert.equal((await interfaces())[tap]?.description, 'vmnet/swlan/0/lan');
  await call('powerOffVm', { name: 'swlan' });
  await call('startVm', { name: 'swlan' });
  const creates = (await hostCommands()).filter((argv) => argv.join(' ') === 'ifconfig bridge create name vm-lan group vm-switch up');
  assert.equal(creates.length, 1, 'the second start finds the bridge by its viid group');
  await call('powerOffVm', { name: 'swlan' });
});

test('a NIC without a MAC and a guest without a uuid get them stored at the first start, and bhyve gets them', { timeout: 120_000 }, async () => {
  await call('createVm', { name: 'macless', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '64M' });
  const before = await editConf('macless', (text) => `${text.replace(/^uuid=.*\n/m, '')}network1_type="virtio-net"\nnetwork1_switch="public"`);
  const plan = await (await createCore({ datastore, backend: 'bhyve' })).vms.planStartVm('macless');
  assert.equal(plan.files?.[0]?.path, join(datastore, 'macless', 'macless.conf'));
  assert.match(plan.files?.[0]?.content ?? '', /^uuid="[0-9a-f-]{36}"\nnetwork1_mac="58:9c:fc:0[0-9a-f](:[0-9a-f]{2}){2}"\n$/);
  await call('startVm', { name: 'macless' });
  const after = await readFile(join(datastore, 'macless', 'macless.conf'), 'utf8');
  assert.ok(after.startsWith(`${before}\n`), 'what the file held stays as it was');
  const [, uuid, mac] = /^uuid="(.+)"\nnetwork1_mac="(.+)"\n$/.exec(after.slice(before.length + 1)) ?? [];
  assert.match(mac ?? '', /^58:9c:fc:0[0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/);
  const bhyve = await lastCommand('bhyve');
  assert.equal(bhyve[bhyve.indexOf('-U') + 1], uuid);
  assert.ok(bhyve.some((arg) => /^0:5:1,virtio-net,tap\d+,mac=/.test(arg) && arg.endsWith(`,mac=${mac}`)), bhyve.join(' '));
  assert.ok((await lastCommand('bhyveload')).includes(`smbios.system.uuid=${uuid}`));
  await call('powerOffVm', { name: 'macless' });
});

test('a grub guest with grub_run lines boots them from the grub.cfg vm-bhyve writes: grub-bhyve -r host -d <guest dir>', { timeout: 120_000 }, async () => {
  await call('createVm', { name: 'grubrun', profile: 'linux', cpus: 1, memory: '512M', diskSize: '64M' });
  // grub-bhyve boots without UEFI, so without the screen Create gave the Linux guest.
  await editConf('grubrun', (text) => `${text.replace('loader="uefi"', 'loader="grub"').replace('graphics="yes"', 'graphics="no"')}grub_run0="linux /vmlinuz root=/dev/vda1"\ngrub_run1="initrd /initrd.img"\ngrub_run2="boot"\n`);
  await call('startVm', { name: 'grubrun' });
  await waitFor(async () => (await vm('grubrun')).state === 'running', 'grubrun to run without a question on its console');
  const dir = join(datastore, 'grubrun');
  assert.deepEqual((await lastCommand('grub-bhyve')).slice(-5), ['-r', 'host', '-d', dir, 'grubrun']);
  assert.equal(await readFile(join(dir, 'grub.cfg'), 'utf8'), "timeout=3\nmenuentry 'grubrun (bhyve run)' {\n    root=hd0,1\n    linux /vmlinuz root=/dev/vda1\n    initrd /initrd.img\n}\n");
  assert.equal(await readFile(join(dir, 'device.map'), 'utf8'), `(hd0) ${join(dir, 'disk0.img')}\n`);
  await call('powerOffVm', { name: 'grubrun' });
});

test('keys bhyve does not apply stay in the .conf through a start, and the plan names them', { timeout: 120_000 }, async () => {
  await call('createVm', { name: 'keeps', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '64M' });
  const before = await editConf('keeps', (text) => `${text}# started by hand before\nprestart="prestart.sh"\npriority="r5"\nlimit_pcpu="50"\n`);
  const plan = await (await createCore({ datastore, backend: 'bhyve' })).vms.planStartVm('keeps');
  assert.ok(plan.notes.includes('Not applied on bhyve, kept in the .conf: prestart, priority, limit_pcpu (vm-bhyve runs it as root at every boot; Hivedesk runs no scripts or resource limits for a guest yet).'), plan.notes.join('\n'));
  await call('startVm', { name: 'keeps' });
  await call('powerOffVm', { name: 'keeps' });
  assert.equal(await readFile(join(datastore, 'keeps', 'keeps.conf'), 'utf8'), before);
});

/** A start refused by the pre-flight: the message names the fix, and nothing ran on the host. */
async function assertPreflightRefusal(name: string, message: string): Promise<void> {
  const before = (await hostCommands()).length;
  const refused = await dispatch(rig.handlers, 'startVm', { name });
  assert.equal(refused.ok, false);
  assert.ok((refused.ok ? '' : refused.error.message).includes(message), refused.ok ? '' : refused.error.message);
  assert.deepEqual((await hostCommands()).slice(before), []);
  assert.equal((await vm(name)).state, 'stopped');
}

test('pre-flight on the simulated host: missing media, disk or manual bridge, a duplicate MAC, taken VNC ports', { timeout: 180_000 }, async () => {
  await call('createVm', { name: 'pre', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '64M' });
  const original = await readFile(join(datastore, 'pre', 'pre.conf'), 'utf8');
  const gone = join(sim, 'gone.iso');
  await editConf('pre', (text) => `${text}hivedesk_install_media="${gone}"\n`);
  await assertPreflightRefusal('pre', `Install media: There is no file at ${gone}.`);
  // A device typed into the .conf by hand (FreeBSD's disks are character devices, as /dev/zero is): never booted.
  await editConf('pre', () => `${original}hivedesk_install_media="/dev/zero"\n`);
  await assertPreflightRefusal('pre', 'Install media: /dev/zero is a character device, not an ISO file or a CD/DVD drive.');

  await editConf('pre', () => original.replace('disk0_name="disk0.img"', 'disk0_name="lost.img"'));
  await assertPreflightRefusal('pre', `disk0 ${join(datastore, 'pre', 'lost.img')} does not exist: create it, or point disk0_name at the disk in Settings → Disks.`);

  await writeFile(join(datastore, '.config', 'system.conf'), 'switch_list="lan uplink"\nports_lan="em0"\ntype_uplink="manual"\nbridge_uplink="bridge9"\n');
  await editConf('pre', () => original.replace('network0_switch="public"', 'network0_switch="uplink"'));
  await assertPreflightRefusal('pre', 'Switch "uplink" is a manual switch whose bridge bridge9 does not exist: create bridge9 (cloned_interfaces in /etc/rc.conf), or choose another switch in Settings → Network.');

  await call('createVm', { name: 'macowner', profile: 'freebsd', cpus: 1, memory: '256M', diskSize: '64M' });
  const taken = /^network0_mac="(.+)"$/m.exec(await readFile(join(datastore, 'macowner', 'macowner.conf'), 'utf8'))?.[1] ?? '';
  await editConf('pre', () => original.replace(/^network0_mac=.*$/m, `network0_mac="${taken}"`));
  await assertPreflightRefusal('pre', `network0_mac ${taken} is also the MAC of macowner's network0: pick another MAC in Settings → Network.`);

  // VNC: a port another program listens on, and one a running guest of the datastore holds (in its console file).
  await writeFile(join(sim, 'firmware', 'BHYVE_UEFI.fd'), 'firmware');
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  try {
    const busy = (listener.address() as AddressInfo).port;
    await call('createVm', { name: 'vnc2', profile: 'windows', cpus: 1, memory: '256M', diskSize: '64M' });
    await editConf('vnc2', (text) => `${text}graphics="yes"\ngraphics_port="${busy}"\n`);
    await assertPreflightRefusal('vnc2', `VNC port ${busy} (graphics_port) is already used by another program on this host: pick another port in Settings → Display`);
  } finally {
    listener.close();
  }
  await call('createVm', { name: 'vnc1', profile: 'windows', cpus: 1, memory: '256M', diskSize: '64M' });
  await editConf('vnc1', (text) => `${text}graphics="yes"\ngraphics_port="5987"\n`);
  await call('startVm', { name: 'vnc1' });
  assert.match(await readFile(join(datastore, 'vnc1', 'console'), 'utf8'), /^vnc=127\.0\.0\.1:5987$/m);
  await editConf('vnc2', (text) => text.replace(/graphics_port=.*/, 'graphics_port="5987"'));
  await assertPreflightRefusal('vnc2', 'VNC port 5987 (graphics_port) is already used by vnc1, which is running: pick another port in Settings → Display');
  await call('powerOffVm', { name: 'vnc1' });
});
