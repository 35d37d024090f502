import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SettingsPreview, SettingsView } from '../../../shared/api/settings.js';
import type { VmSummary } from '../../../shared/api/vms.js';
import type { Handlers } from '../../app/dispatcher.js';
import { createHost, type Host } from '../../app/host.js';
import { SIMULATOR_BIN } from '../../testing/simulated-bhyve.js';
import { SimulatedBhyveHost } from '../../testing/simulated-bhyve-host.js';
import { waitFor } from '../../testing/support.js';
import { callChannel } from '../../testing/channels.js';

/**
 * A DomU on a ZFS datastore (vm_dir="zfs:zroot/vm"), its disks zvols as handbook 24.7.3 makes them
 * (`zfs create -V<size> -o volmode=dev`), against the FreeBSD HOST SIMULATOR's fake zfs and xl (not FreeBSD, not Xen).
 */
let rig: SimulatedBhyveHost;
let zfsHost: Host;
let handlers: Handlers;
let datastore: string;

const simZfs = (...args: string[]) => execFileSync(join(SIMULATOR_BIN, 'zfs'), args, { env: process.env, encoding: 'utf8' });

before(async () => {
  rig = await SimulatedBhyveHost.start('xen');
  execFileSync(join(SIMULATOR_BIN, 'ifconfig'), ['bridge0', 'create', 'up'], { env: process.env });
  datastore = join(rig.sim, 'vm');
  simZfs('create', '-o', `mountpoint=${datastore}`, 'zroot/vm');
  zfsHost = await createHost({ datastore, backend: 'xen', zfsDataset: 'zroot/vm' });
  handlers = zfsHost.handlers(() => 'ws://unused');
});

after(async () => {
  zfsHost.dispose();
  await rig.close();
});

const call = <T>(channel: string, input: unknown) => callChannel<T>(handlers, channel, input);

test('a DomU on ZFS boots its zvol; a new disk is `zfs create -V <size> -o volmode=dev`, shown before it runs', { timeout: 120_000 }, async () => {
  // As vm-bhyve makes a guest on a ZFS datastore: its own dataset, a zvol disk below it.
  simZfs('create', 'zroot/vm/xz');
  const conf = ['cpu=1', 'memory=512M', 'network0_type="virtio-net"', 'network0_switch="bridge0"', 'disk0_type="virtio-blk"', 'disk0_name="disk0"', 'disk0_dev="zvol"', 'hivedesk_backend="xen"', ''];
  await writeFile(join(datastore, 'xz', 'xz.conf'), conf.join('\n'));
  simZfs('create', '-V', '1G', '-o', 'volmode=dev', 'zroot/vm/xz/disk0');
  const zvol = (name: string) => join(rig.sim, 'dev', 'zvol', 'zroot', 'vm', 'xz', name);

  const view = await call<SettingsView>('getSettings', { name: 'xz' });
  const settings = { ...view.settings, disks: [...view.settings.disks, { type: 'virtio-blk', dev: 'zvol', name: 'disk1', opts: '', size: '2G' }] };
  const preview = await call<SettingsPreview>('previewSettings', { name: 'xz', settings });
  assert.deepEqual(preview.saveCommands.map((c) => c.argv), [['doas', 'zfs', 'create', '-V', '2G', '-o', 'volmode=dev', 'zroot/vm/xz/disk1']]);
  const cfg = preview.start.files?.find((f) => f.path === join(datastore, 'xz', 'xl.cfg'))?.content ?? '';
  assert.match(cfg, new RegExp(`^disk = \\[\\n'${zvol('disk0')},raw,hda,rw',\\n'${zvol('disk1')},raw,hdb,rw'\\n  \\]$`, 'm'), 'the zvols are the DomU’s disks, as in the handbook’s xl.cfg');
  await assert.rejects(stat(zvol('disk1')), 'a preview runs nothing');
  await call('saveSettings', { name: 'xz', revision: view.revision, settings });
  assert.equal(simZfs('get', '-H', '-o', 'value', 'volmode', 'zroot/vm/xz/disk1').trim(), 'dev');
  await stat(zvol('disk1'));

  await call('startVm', { name: 'xz' });
  await waitFor(async () => (await call<VmSummary[]>('listVms', {})).find((v) => v.name === 'xz')?.state === 'running', 'xz to run');
  assert.ok((await rig.hostCommands()).some((argv) => argv.join(' ') === `xl create ${join(datastore, 'xz', 'xl.cfg')}`), 'xl create booted the zvols');
  await call('powerOffVm', { name: 'xz' });
});
