import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConf } from '../../datastore/conf.js';
import { toGuestConfig } from '../../datastore/guest-config.js';
import { FREEBSD_PATHS } from './guest-paths.js';
import { type BootPlan, type HostFacts, planBoot, planCommands, planFiles } from './plan.js';
import type { BhyveSettings } from './settings.js';

/** The pre-flight checks and boot steps of a start, on a described host (no commands run). */
const settings: BhyveSettings = { paths: FREEBSD_PATHS, vmmDir: '/dev/vmm', privilege: [], hostname: 'host' };
const FIRMWARE = '/usr/local/share/uefi-firmware/BHYVE_UEFI.fd';
const BASE = 'cpu=1\nmemory=1G\ndisk0_type="virtio-blk"\ndisk0_name="disk0.img"\nnetwork0_type="virtio-net"\nnetwork0_switch="public"\nnetwork0_mac="58:9c:fc:01:02:03"\n';
const DISK = '/vm/web1/disk0.img';

function facts(extra: Partial<HostFacts> = {}): HostFacts {
  return {
    interfaces: ['igb0', 'lo0', 'vm-public'],
    tapUpOnOpen: true,
    systemConf: parseConf('switch_list="public"\nports_public="igb0"\n'),
    switchBridges: new Map([['public', 'vm-public']]),
    bridgeMtus: new Map(),
    modules: { vmm: true, nmdm: true },
    existing: new Set([FIRMWARE, DISK]),
    mediaWarnings: [],
    listeningPorts: new Set(),
    guestVncPorts: new Map(),
    macs: new Map([['58:9c:fc:01:02:03', [{ guest: 'web1', nic: 0 }]]]),
    ...extra,
  };
}

function plan(conf: string, hostFacts: HostFacts = facts(), installMedia?: string): BootPlan {
  const guest = toGuestConfig('web1', parseConf(conf), 'bhyve');
  return planBoot({ guest: installMedia ? { ...guest, installMedia } : guest, guestDir: '/vm/web1', datastoreDir: '/vm', settings, facts: hostFacts });
}

test('a guest the host can run has no warnings', { timeout: 10_000 }, () => {
  assert.deepEqual(plan(`loader="uefi"\n${BASE}`).warnings, []);
  assert.deepEqual(plan(`loader="bhyveload"\n${BASE}`).warnings, []);
});

test('pre-flight: each problem is refused with the fix, not left to bhyve', { timeout: 10_000 }, () => {
  const cases: Array<[string, string, HostFacts, string | undefined, string]> = [
    ['graphics with a loader', `loader="bhyveload"\ngraphics="yes"\n${BASE}`, facts(), undefined,
      'graphics (VNC) needs a UEFI loader: web1 uses loader "bhyveload"; switch it to "uefi" in Settings → Boot & firmware or turn graphics off in Settings → Display.'],
    ['no firmware', `loader="uefi"\n${BASE}`, facts({ existing: new Set([DISK]) }), undefined,
      `the UEFI firmware ${FIRMWARE} does not exist: install the edk2-bhyve package or pick another loader.`],
    ['no vars template', `loader="uefi"\nuefi_vars="yes"\n${BASE}`, facts(), undefined,
      'the UEFI variables template /usr/local/share/uefi-firmware/BHYVE_UEFI_VARS.fd does not exist: install the edk2-bhyve package, or turn UEFI variables (uefi_vars) off.'],
    ['install media it cannot boot', `loader="uefi"\n${BASE}`, facts({ mediaWarnings: ['Install media: There is no file at /iso/gone.iso.'] }), '/iso/gone.iso', 'Install media: There is no file at /iso/gone.iso.'],
    ['no disk', `loader="uefi"\n${BASE}`, facts({ existing: new Set([FIRMWARE]) }), undefined,
      `disk0 ${DISK} does not exist: create it, or point disk0_name at the disk in Settings → Disks.`],
    ['no manual bridge', `loader="uefi"\n${BASE}`, facts({ systemConf: parseConf('switch_list="public"\ntype_public="manual"\nbridge_public="bridge7"\n') }), undefined,
      'Switch "public" is a manual switch whose bridge bridge7 does not exist: create bridge7 (cloned_interfaces in /etc/rc.conf), or choose another switch in Settings → Network.'],
    ['a MAC another guest has', `loader="uefi"\n${BASE}`, facts({ macs: new Map([['58:9c:fc:01:02:03', [{ guest: 'web1', nic: 0 }, { guest: 'db', nic: 1 }]]]) }), undefined,
      "network0_mac 58:9c:fc:01:02:03 is also the MAC of db's network1: pick another MAC in Settings → Network."],
    ['a VNC port a running guest has', `loader="uefi"\ngraphics="yes"\ngraphics_port="5905"\n${BASE}`, facts({ guestVncPorts: new Map([[5905, 'win']]) }), undefined,
      'VNC port 5905 (graphics_port) is already used by win, which is running: pick another port in Settings → Display, or clear it so Hivedesk picks a free one.'],
    ['a VNC port in use', `loader="uefi"\ngraphics="yes"\ngraphics_port="5905"\n${BASE}`, facts({ listeningPorts: new Set([5905]) }), undefined,
      'VNC port 5905 (graphics_port) is already used by another program on this host: pick another port in Settings → Display, or clear it so Hivedesk picks a free one.'],
  ];
  for (const [what, conf, hostFacts, media, warning] of cases) assert.deepEqual(plan(conf, hostFacts, media).warnings, [warning], what);
});

test('a MAC twice in one guest is refused too', { timeout: 10_000 }, () => {
  const conf = `loader="uefi"\n${BASE}network1_type="virtio-net"\nnetwork1_mac="58:9C:FC:01:02:03"\n`;
  const macs = new Map([['58:9c:fc:01:02:03', [{ guest: 'web1', nic: 0 }, { guest: 'web1', nic: 1 }]]]);
  assert.deepEqual(plan(conf, facts({ macs })).warnings, [
    'network0_mac 58:9c:fc:01:02:03 is also the MAC of its own network1: pick another MAC in Settings → Network.',
    'network1_mac 58:9C:FC:01:02:03 is also the MAC of its own network0: pick another MAC in Settings → Network.',
  ]);
});

test('without graphics_port the first free port from 5900 is taken; it goes to the console file', { timeout: 10_000 }, () => {
  const p = plan(`loader="uefi"\ngraphics="yes"\n${BASE}`, facts({ listeningPorts: new Set([5900, 5902]), guestVncPorts: new Map([[5901, 'win']]) }));
  assert.deepEqual(p.warnings, []);
  assert.match(p.first.bhyve.argv.find((a) => a.includes('fbuf')) ?? '', /,fbuf,tcp=127\.0\.0\.1:5903,/);
  assert.equal(p.vnc, '127.0.0.1:5903');
  const full = facts({ listeningPorts: new Set(Array.from({ length: 200 }, (_, i) => 5900 + i)) });
  assert.deepEqual(plan(`loader="uefi"\ngraphics="yes"\n${BASE}`, full).warnings, ["No VNC port from 5900 to 6099 is free for web1's display: set a free graphics_port in Settings → Display, or turn graphics off."]);
});

test('keys bhyve does not apply are named in the notes; the plan still runs', { timeout: 10_000 }, () => {
  const p = plan(`loader="uefi"\n${BASE}prestart="prestart.sh"\npriority="r5"\nlimit_pcpu="50"\ndebug="yes"\nsound="no"\nmy_note="mine"\n`);
  assert.deepEqual(p.warnings, []);
  assert.deepEqual(p.notes, [
    'Not applied on bhyve, kept in the .conf: prestart, priority, limit_pcpu (vm-bhyve runs it as root at every boot; Hivedesk runs no scripts or resource limits for a guest yet).',
    "Not applied on bhyve, kept in the .conf: debug (Hivedesk always keeps bhyve's output, in vm-bhyve.log (vm-bhyve writes bhyve.log only with debug)).",
  ]);
});

test('an install boots the ISO once; after the installer reboots, the loader boots the disk and the ISO stays attached', { timeout: 10_000 }, () => {
  const p = plan(`loader="bhyveload"\n${BASE}`, facts({ existing: new Set([DISK, '/iso/fbsd.iso']) }), '/iso/fbsd.iso');
  assert.deepEqual(p.first.loader?.argv.slice(-3), ['-d', '/iso/fbsd.iso', 'web1']);
  assert.deepEqual(p.later.loader?.argv.slice(-3), ['-d', DISK, 'web1']);
  assert.deepEqual(p.first.bhyve.argv, p.later.bhyve.argv);
  assert.ok(p.later.bhyve.argv.includes('3:0,ahci-cd,/iso/fbsd.iso,ro,bootindex=1'));
  const shown = planCommands(p).map((c) => c.argv[0]);
  assert.deepEqual(shown, ['ifconfig', 'ifconfig', 'ifconfig', 'bhyveload', 'bhyve', 'bhyvectl', 'bhyveload', 'bhyve', 'bhyvectl', 'ifconfig']);
  const boot = plan(`loader="bhyveload"\n${BASE}`);
  assert.equal(planCommands(boot).filter((c) => c.argv[0] === 'bhyveload').length, 1, 'a plain start shows its one boot');
});

test('a grub guest\'s plan shows the files each boot writes', { timeout: 10_000 }, () => {
  const conf = `loader="grub"\n${BASE}grub_install0="linux /install.amd/vmlinuz"\ngrub_run0="linux /vmlinuz"\n`;
  const p = plan(conf, facts({ existing: new Set([DISK, '/iso/deb.iso']) }), '/iso/deb.iso');
  assert.deepEqual(planFiles(p).map((f) => [f.path, f.content.split('\n')[0], f.why.startsWith('after a reboot')]), [
    ['/vm/web1/device.map', '(cd0) /iso/deb.iso', false],
    ['/vm/web1/grub.cfg', 'timeout=3', false],
    ['/vm/web1/device.map', `(hd0) ${DISK}`, true],
    ['/vm/web1/grub.cfg', 'timeout=3', true],
  ]);
  assert.deepEqual(p.first.loader?.argv.slice(-5), ['-r', 'host', '-d', '/vm/web1', 'web1']);
});
