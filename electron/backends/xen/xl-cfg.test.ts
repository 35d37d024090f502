import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConf } from '../../datastore/conf.js';
import { toGuestConfig } from '../../datastore/guest-config.js';
import { withoutCdrom, xlConfig } from './xl-cfg.js';

/** The handbook's freebsd.cfg (24.7.3), as freebsd-doc's virtualization/_index.adoc prints it, callouts left out. */
const HANDBOOK_FREEBSD_CFG = `builder = "hvm"
name = "freebsd"
memory = 1024
vcpus = 2
vif = [ 'mac=00:16:3E:74:34:32,bridge=bridge0' ]
disk = [
'/dev/zvol/tank/xendisk0,raw,hda,rw',
'/root/freebsd.iso,raw,hdc:cdrom,r'
  ]
vnc = 1
vnclisten = "0.0.0.0"
serial = "pty"
usbdevice = "tablet"`;

/** The handbook's VM as a .conf: 1 GB of RAM, two vCPUs, the NIC on bridge0, listening where its vnclisten says. */
const handbookGuest = () =>
  toGuestConfig(
    'freebsd',
    parseConf(
      ['cpu=2', 'memory=1G', 'network0_type=virtio-net', 'network0_switch=bridge0', 'network0_mac=00:16:3E:74:34:32', 'disk0_name=xendisk0', 'disk0_dev=zvol', 'graphics_listen=0.0.0.0', 'uuid=9f6bd5a0-3c2e-11ef-8000-589cfc0c5542', ''].join('\n'),
    ),
    'xen',
  );

test("the handbook's freebsd.cfg comes out line for line, with type for the deprecated builder, then Hivedesk's additions", { timeout: 5000 }, () => {
  const text = xlConfig({ guest: handbookGuest(), disks: ['/dev/zvol/tank/xendisk0'], installMedia: '/root/freebsd.iso', vnc: { listen: '0.0.0.0', display: 0 } });
  const [header, ...lines] = text.trimEnd().split('\n');
  assert.match(header ?? '', /^# freebsd: written by Hivedesk from freebsd\.conf/);
  const handbook = HANDBOOK_FREEBSD_CFG.split('\n').map((line) => (line === 'builder = "hvm"' ? 'type = "hvm"' : line));
  assert.deepEqual(lines.slice(0, handbook.length), handbook);
  assert.deepEqual(lines.slice(handbook.length), [
    'uuid = "9f6bd5a0-3c2e-11ef-8000-589cfc0c5542"',
    'vncdisplay = 0',
    'vncunused = 0',
    'on_poweroff = "destroy"',
    'on_reboot = "restart"',
    'on_crash = "destroy"',
  ]);
});

test('after the install the cdrom line goes, as the handbook edits freebsd.cfg', { timeout: 5000 }, () => {
  const text = xlConfig({ guest: handbookGuest(), disks: ['/dev/zvol/tank/xendisk0'], installMedia: '/root/freebsd.iso', vnc: { listen: '127.0.0.1', display: 0 } });
  const after = withoutCdrom(text);
  assert.equal(after, xlConfig({ guest: handbookGuest(), disks: ['/dev/zvol/tank/xendisk0'], vnc: { listen: '127.0.0.1', display: 0 } }));
  assert.ok(!after.includes('cdrom'));
  assert.equal(withoutCdrom(after), after, 'a file without a CD stays as it is');
});

test('what xl.cfg cannot hold is refused with what to change, not written', { timeout: 5000 }, () => {
  const guest = handbookGuest();
  const vnc = { listen: '127.0.0.1', display: 0 };
  assert.throws(() => xlConfig({ guest, disks: ['/vm/a,b.img'], vnc }), /comma or a quote/);
  assert.throws(() => xlConfig({ guest, disks: ['/a', '/b', '/c', '/d'], vnc }), /takes 3 \(hda, hdb, hdd/);
  assert.throws(() => xlConfig({ guest: { ...guest, networks: [{ type: 'virtio-net', switch: 'my switch' }] }, disks: [], vnc }), /not a bridge name/);
  assert.throws(() => xlConfig({ guest, disks: [], vnc: { listen: '127.0.0.1"; x="', display: 0 } }), /double quote/);
});
