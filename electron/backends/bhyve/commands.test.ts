import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseConf } from '../../datastore/conf.js';
import { type GuestConfig, toGuestConfig } from '../../datastore/guest-config.js';
import { checkWithSimulatedBhyve } from '../../testing/simulated-bhyve.js';
import { WINDOWS_EXAMPLE_CONF } from '../../testing/vm-bhyve-examples.js';
import { diskCreateArgv, diskGrowArgv } from '../disks.js';
import { bhyveArgv as buildBhyveArgv, bhyvectlArgv, kldloadArgv, tapUpOnOpenArgv } from './commands.js';
import { type BhyveRunContext, FREEBSD_PATHS, consolePorts, firmwareFor, nmdmDevice, uefiVarsTemplate } from './guest-paths.js';
import { bhyveloadArgv, deviceMap, grubBhyveArgv, grubCfg } from './loaders.js';

// Every bhyve command line built here must also be one bhyve accepts: the FreeBSD host simulator's bhyve (not
// FreeBSD) checks its options and each device's settings the way bhyve's own parsers and device set-up do.
const simRoot = mkdtempSync(join(tmpdir(), 'freebsd-sim-'));
after(() => rmSync(simRoot, { recursive: true, force: true }));

function bhyveArgv(...args: Parameters<typeof buildBhyveArgv>): string[] {
  const argv = buildBhyveArgv(...args);
  const verdict = checkWithSimulatedBhyve(argv, simRoot);
  assert.equal(verdict.status, 0, `the simulated bhyve refuses ${argv.join(' ')}:\n${verdict.stderr}`);
  return argv;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers: guests come from .conf text (vm-bhyve's keys), command lines are compared through a small normaliser.

function guestOf(name: string, conf: string): GuestConfig {
  return toGuestConfig(name, parseConf(conf), 'bhyve');
}

function ctxOf(extra: Partial<BhyveRunContext> = {}): BhyveRunContext {
  return { guestDir: '.', installing: false, taps: ['tap0'], acpiFlag: true, ...extra };
}

/** A handbook command ("# cmd \ …") as argv words. */
function words(commandLine: string): string[] {
  return commandLine.replace(/\\\n/g, ' ').trim().replace(/^#\s*/, '').split(/\s+/);
}

/** getopt(3) over argv[1..]: grouped flags (-AHP), attached values (-s3:0,…, -V16G), long options kept whole. */
function getopt(argv: string[], withValue: string): { opts: Array<[string, string]>; operands: string[] } {
  const opts: Array<[string, string]> = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word.startsWith('--')) {
      opts.push([word, '']);
      continue;
    }
    if (!word.startsWith('-') || word === '-') break;
    for (let j = 1; j < word.length; j++) {
      const letter = word.charAt(j);
      if (!withValue.includes(letter)) {
        opts.push([letter, '']);
        continue;
      }
      opts.push([letter, j + 1 < word.length ? word.slice(j + 1) : (argv[++i] ?? '')]);
      break;
    }
  }
  return { opts, operands: argv.slice(i) };
}

const values = (opts: Array<[string, string]>, letter: string) => opts.filter(([l]) => l === letter).map(([, v]) => v);
/** './x' and 'x' name the same file relative to the guest directory. */
const plain = (conf: string) => conf.split(',').map((part) => part.replace(/^\.\//, '')).join(',');

/** Device classes: only the order inside a class is visible to a guest (disk0 boots first, NIC 0 is vtnet0). */
function deviceRank(emulation: string): number {
  if (emulation.endsWith('hostbridge')) return 0;
  if (emulation === 'lpc') return 1;
  if (['virtio-blk', 'ahci-hd', 'ahci-cd', 'nvme', 'ahci', 'virtio-scsi'].includes(emulation)) return 2;
  if (['virtio-net', 'e1000'].includes(emulation)) return 3;
  return 4;
}

interface BhyveLine {
  flags: string[];
  cpus: string;
  memory: string;
  devices: Array<[string, string]>;
  lpc: Array<[string, string]>;
  name: string;
}

/** A bhyve command line without slot numbers: flags as a set, devices as [emulation, conf] in class order. */
function normaliseBhyve(argv: string[]): BhyveLine {
  assert.equal(argv[0], 'bhyve');
  const { opts, operands } = getopt(argv, 'cmslUopkGrfK');
  const devices = values(opts, 's').map((spec): [string, string] => {
    const [, emulation = '', ...conf] = spec.split(',');
    return [emulation, plain(conf.join(','))];
  });
  const lpc = values(opts, 'l').map((spec): [string, string] => {
    const comma = spec.indexOf(',');
    return [spec.slice(0, comma), spec.slice(comma + 1)];
  });
  return {
    flags: opts.filter(([, v]) => v === '').map(([l]) => l).sort(),
    cpus: values(opts, 'c').join(),
    memory: values(opts, 'm').join(),
    devices: devices.map((d, i) => ({ d, i })).sort((a, b) => deviceRank(a.d[0]) - deviceRank(b.d[0]) || a.i - b.i).map(({ d }) => d),
    lpc,
    name: operands.join(' '),
  };
}

/** Hivedesk's intended differences from a handbook line, all taken from vm-bhyve's vm-run. */
function asHivedesk(line: BhyveLine): BhyveLine {
  return {
    ...line,
    flags: [...line.flags, 'w'].sort(), // _opts="-AHPw"
    devices: line.devices.map(([e, c]): [string, string] => [e, e === 'ahci-cd' ? `${c},ro,bootindex=1` : c]), // _iso_dev
    lpc: line.lpc.map(([dev, conf]): [string, string] => [dev, conf === 'stdio' ? `/dev/nmdm-${line.name}.${dev.slice(3)}A` : conf]),
  };
}

/** [address, emulation] per -s, in argv order: the PCI layout a guest sees. */
function slotsOf(argv: string[]): Array<[string, string]> {
  return values(getopt(argv, 'cmslUopkGrfK').opts, 's').map((spec): [string, string] => {
    const [address = '', emulation = ''] = spec.split(',');
    return [address, emulation];
  });
}

/** A loader command line (bhyveload or grub-bhyve) as option -> values. */
function normaliseLoader(argv: string[]): Record<string, string[]> {
  const { opts, operands } = getopt(argv, 'cdehlmMrg');
  const result: Record<string, string[]> = { name: operands };
  for (const [letter, value] of opts) result[letter] = [...(result[letter] ?? []), value];
  return result;
}

/** What share/examples/bhyve/vmrun.sh runs for the handbook's options (-c -m -t -d -i -I), per its source. */
function vmrunCommands(line: string): { loader: string[]; bhyve: string[] } {
  const { opts, operands } = getopt(words(line).slice(1), 'cCdIlmt');
  const get = (letter: string, fallback: string) => values(opts, letter)[0] ?? fallback;
  const disk = get('d', './diskdev');
  const iso = get('I', './release.iso');
  const install = opts.some(([l]) => l === 'i');
  const name = operands.join(' ');
  return {
    loader: ['bhyveload', '-c', 'stdio', '-m', get('m', '512M'), '-d', install ? iso : disk, name],
    bhyve: [
      'bhyve', '-c', get('c', '2'), '-m', get('m', '512M'), '-H', '-A', '-P',
      '-s', '0:0,hostbridge', '-s', '1:0,lpc',
      '-s', `2:0,virtio-net,${get('t', 'tap0')}`, '-s', `3:0,virtio-blk,${disk}`,
      '-l', 'com1,stdio', ...(install ? ['-s', `31:0,ahci-cd,${iso}`] : []), name,
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Golden tests: handbook 24.6, quoted verbatim (continuation lines as printed).

const FREEBSD_CONF = `loader="bhyveload"
cpu=1
memory=1024M
network0_type="virtio-net"
network0_switch="public"
disk0_type="virtio-blk"
disk0_name="guest.img"
utctime="no"
hivedesk_install_media="FreeBSD-14.0-RELEASE-amd64-bootonly.iso"
`;

test('golden 24.6.2: FreeBSD guest install, the bhyveload and bhyve that vmrun.sh runs', { timeout: 10_000 }, () => {
  const HANDBOOK = `# sh /usr/share/examples/bhyve/vmrun.sh -c 1 -m 1024M -t tap0 -d guest.img \\
     -i -I FreeBSD-14.0-RELEASE-amd64-bootonly.iso guestname`;
  const vmrun = vmrunCommands(HANDBOOK);
  const guest = guestOf('guestname', FREEBSD_CONF);
  const ctx = ctxOf({ installing: true });

  const load = bhyveloadArgv(guest, ctx, FREEBSD_PATHS);
  assert.deepEqual(load, [
    'bhyveload', '-c', '/dev/nmdm-guestname.1A', '-m', '1024M',
    '-e', 'autoboot_delay=3', '-e', 'bhyve_vm_name=guestname',
    '-d', 'FreeBSD-14.0-RELEASE-amd64-bootonly.iso', 'guestname',
  ]);
  // Same memory, boot device and name; vm-bhyve adds a named console and two loader variables.
  assert.deepEqual(normaliseLoader(load), {
    ...normaliseLoader(vmrun.loader),
    c: ['/dev/nmdm-guestname.1A'],
    e: ['autoboot_delay=3', 'bhyve_vm_name=guestname'],
  });

  const run = bhyveArgv(guest, ctx, FREEBSD_PATHS);
  assert.deepEqual(run, [
    'bhyve', '-s', '0,hostbridge', '-s', '31,lpc',
    '-s', '0:4:0,virtio-blk,./guest.img', '-s', '0:5:0,virtio-net,tap0',
    '-c', '1', '-m', '1024M', '-AHPw',
    '-s', '3:0,ahci-cd,FreeBSD-14.0-RELEASE-amd64-bootonly.iso,ro,bootindex=1',
    '-l', 'com1,/dev/nmdm-guestname.1A', 'guestname',
  ]);
  assert.deepEqual(normaliseBhyve(run), asHivedesk(normaliseBhyve(vmrun.bhyve)));
  assert.deepEqual(slotsOf(run), [['0', 'hostbridge'], ['31', 'lpc'], ['0:4:0', 'virtio-blk'], ['0:5:0', 'virtio-net'], ['3:0', 'ahci-cd']]);
});

test('golden 24.6.2: FreeBSD guest boot from its disk', { timeout: 10_000 }, () => {
  const HANDBOOK = '# sh /usr/share/examples/bhyve/vmrun.sh -c 4 -m 1024M -t tap0 -d guest.img guestname';
  const vmrun = vmrunCommands(HANDBOOK);
  const guest = guestOf('guestname', FREEBSD_CONF.replace('cpu=1', 'cpu=4'));
  const ctx = ctxOf();

  const load = bhyveloadArgv(guest, ctx, FREEBSD_PATHS);
  assert.deepEqual(load, [
    'bhyveload', '-c', '/dev/nmdm-guestname.1A', '-m', '1024M',
    '-e', 'autoboot_delay=3', '-e', 'bhyve_vm_name=guestname', '-d', './guest.img', 'guestname',
  ]);
  assert.deepEqual(normaliseLoader(load).d?.map(plain), normaliseLoader(vmrun.loader).d);

  const run = bhyveArgv(guest, ctx, FREEBSD_PATHS);
  assert.deepEqual(run, [
    'bhyve', '-s', '0,hostbridge', '-s', '31,lpc',
    '-s', '0:4:0,virtio-blk,./guest.img', '-s', '0:5:0,virtio-net,tap0',
    '-c', '4', '-m', '1024M', '-AHPw', '-l', 'com1,/dev/nmdm-guestname.1A', 'guestname',
  ]);
  assert.deepEqual(normaliseBhyve(run), asHivedesk(normaliseBhyve(vmrun.bhyve)));
});

const LINUX_CONF = `loader="grub"
cpu=4
memory=1024M
network0_type="virtio-net"
network0_switch="public"
disk0_type="virtio-blk"
disk0_name="linux.img"
utctime="no"
grub_run_partition="msdos1"
hivedesk_install_media="./somelinux.iso"
`;

test('golden 24.6.3: Linux guest, step 1: device.map, grub-bhyve from cd0, bhyve with the ISO', { timeout: 10_000 }, () => {
  const DEVICE_MAP = '(hd0) ./linux.img\n(cd0) ./somelinux.iso\n';
  const GRUB = '# grub-bhyve -m device.map -r cd0 -M 1024M linuxguest';
  const BHYVE = `# bhyve -A -H -P -s 0:0,hostbridge -s 1:0,lpc -s 2:0,virtio-net,tap0 \\
    -s 3:0,virtio-blk,./linux.img -s 4:0,ahci-cd,./somelinux.iso \\
    -l com1,stdio -c 4 -m 1024M linuxguest`;
  const guest = guestOf('linuxguest', LINUX_CONF);
  const ctx = ctxOf({ installing: true });

  // vm-guest writes cd0 first; grub does not care about line order.
  const map = deviceMap(guest, ctx);
  assert.equal(map, '(cd0) ./somelinux.iso\n(hd0) ./linux.img\n');
  assert.deepEqual(map.split('\n').sort(), DEVICE_MAP.split('\n').sort());

  const grub = grubBhyveArgv(guest, ctx, FREEBSD_PATHS);
  assert.deepEqual(grub, ['grub-bhyve', '-c', '/dev/nmdm-linuxguest.1A', '-m', './device.map', '-M', '1024M', '-r', 'cd0', 'linuxguest']);
  assert.deepEqual({ ...normaliseLoader(grub), m: ['device.map'] }, { ...normaliseLoader(words(GRUB)), c: ['/dev/nmdm-linuxguest.1A'] });

  const run = bhyveArgv(guest, ctx, FREEBSD_PATHS);
  assert.deepEqual(run, [
    'bhyve', '-s', '0,hostbridge', '-s', '31,lpc',
    '-s', '0:4:0,virtio-blk,./linux.img', '-s', '0:5:0,virtio-net,tap0',
    '-c', '4', '-m', '1024M', '-AHPw',
    '-s', '3:0,ahci-cd,./somelinux.iso,ro,bootindex=1',
    '-l', 'com1,/dev/nmdm-linuxguest.1A', 'linuxguest',
  ]);
  assert.deepEqual(normaliseBhyve(run), asHivedesk(normaliseBhyve(words(BHYVE))));
});

test('golden 24.6.3: Linux guest, step 2: grub-bhyve from hd0,msdos1, bhyve from the disk, bhyvectl --destroy', { timeout: 10_000 }, () => {
  const GRUB = '# grub-bhyve -m device.map -r hd0,msdos1 -M 1024M linuxguest';
  const BHYVE = `# bhyve -A -H -P -s 0:0,hostbridge -s 1:0,lpc -s 2:0,virtio-net,tap0 \\
    -s 3:0,virtio-blk,./linux.img -l com1,stdio -c 4 -m 1024M linuxguest`;
  const DESTROY = '# bhyvectl --destroy --vm=linuxguest';
  const guest = guestOf('linuxguest', LINUX_CONF);
  const ctx = ctxOf();

  // After the install the ISO is not mapped (the handbook reuses the install map).
  assert.equal(deviceMap(guest, ctx), '(hd0) ./linux.img\n');
  const grub = grubBhyveArgv(guest, ctx, FREEBSD_PATHS);
  assert.deepEqual(grub, ['grub-bhyve', '-c', '/dev/nmdm-linuxguest.1A', '-m', './device.map', '-M', '1024M', '-r', 'hd0,msdos1', 'linuxguest']);
  assert.deepEqual({ ...normaliseLoader(grub), m: ['device.map'] }, { ...normaliseLoader(words(GRUB)), c: ['/dev/nmdm-linuxguest.1A'] });

  const run = bhyveArgv(guest, ctx, FREEBSD_PATHS);
  assert.deepEqual(normaliseBhyve(run), asHivedesk(normaliseBhyve(words(BHYVE))));
  assert.deepEqual(slotsOf(run), [['0', 'hostbridge'], ['31', 'lpc'], ['0:4:0', 'virtio-blk'], ['0:5:0', 'virtio-net']]);
  assert.deepEqual(bhyvectlArgv('destroy', 'linuxguest'), words(DESTROY));
});

const UEFI_CONF = `loader="uefi"
cpu=4
memory=1024M
network0_type="virtio-net"
network0_switch="public"
disk0_type="virtio-blk"
disk0_name="disk.img"
comports=""
utctime="no"
hivedesk_install_media="./install.iso"
`;
const UEFI_FD = '/usr/local/share/uefi-firmware/BHYVE_UEFI.fd';
const uefiCtx = (extra: Partial<BhyveRunContext> = {}) => ctxOf({ installing: true, taps: ['tap1'], firmware: UEFI_FD, ...extra });

test('golden 24.6.4: UEFI firmware', { timeout: 10_000 }, () => {
  const HANDBOOK = `# bhyve -AHP -s 0:0,hostbridge -s 1:0,lpc \\
  -s 2:0,virtio-net,tap1 -s 3:0,virtio-blk,./disk.img \\
  -s 4:0,ahci-cd,./install.iso -c 4 -m 1024M \\
  -l bootrom,/usr/local/share/uefi-firmware/BHYVE_UEFI.fd \\
  guest`;
  const guest = guestOf('guest', UEFI_CONF);
  assert.equal(firmwareFor('uefi', FREEBSD_PATHS, '/vm'), UEFI_FD);

  const run = bhyveArgv(guest, uefiCtx(), FREEBSD_PATHS);
  assert.deepEqual(run, [
    'bhyve', '-s', '0,hostbridge', '-s', '31,lpc',
    '-s', '0:4:0,virtio-blk,./disk.img', '-s', '0:5:0,virtio-net,tap1',
    '-c', '4', '-m', '1024M', '-AHPw', '-l', `bootrom,${UEFI_FD}`,
    '-s', '3:0,ahci-cd,./install.iso,ro,bootindex=1', 'guest',
  ]);
  assert.deepEqual(normaliseBhyve(run), asHivedesk(normaliseBhyve(words(HANDBOOK))));
  assert.deepEqual(slotsOf(run), [['0', 'hostbridge'], ['31', 'lpc'], ['0:4:0', 'virtio-blk'], ['0:5:0', 'virtio-net'], ['3:0', 'ahci-cd']]);
});

test('golden 24.6.4: UEFI with a per-guest variables file', { timeout: 10_000 }, () => {
  const COPY = '# cp /usr/local/share/uefi-firmware/BHYVE_UEFI_VARS.fd /path/to/vm-image/BHYVE_UEFI_VARS.fd';
  const HANDBOOK = `# bhyve -AHP -s 0:0,hostbridge -s 1:0,lpc \\
  -s 2:0,virtio-net,tap1 -s 3:0,virtio-blk,./disk.img \\
  -s 4:0,ahci-cd,./install.iso -c 4 -m 1024M \\
  -l bootrom,/usr/local/share/uefi-firmware/BHYVE_UEFI.fd,/path/to/vm-image/BHYVE_UEFI_VARS.fd \\
  guest`;
  const [, template = '', copy = ''] = words(COPY);
  assert.equal(uefiVarsTemplate(FREEBSD_PATHS), template);

  const guest = guestOf('guest', `${UEFI_CONF}uefi_vars="yes"\n`);
  const run = bhyveArgv(guest, uefiCtx({ varsFile: copy }), FREEBSD_PATHS);
  assert.deepEqual(run.slice(run.indexOf('-l'), run.indexOf('-l') + 2), ['-l', `bootrom,${UEFI_FD},/path/to/vm-image/BHYVE_UEFI_VARS.fd`]);
  assert.deepEqual(normaliseBhyve(run), asHivedesk(normaliseBhyve(words(HANDBOOK))));
  assert.throws(() => bhyveArgv(guest, uefiCtx(), FREEBSD_PATHS), /variables file/);
});

test('golden 24.6.4: UEFI-CSM firmware', { timeout: 10_000 }, () => {
  const HANDBOOK = `# bhyve -AHP -s 0:0,hostbridge -s 1:0,lpc \\
  -s 2:0,virtio-net,tap1 -s 3:0,virtio-blk,./disk.img \\
  -s 4:0,ahci-cd,./install.iso -c 4 -m 1024M \\
  -l bootrom,/usr/local/share/uefi-firmware/BHYVE_UEFI_CSM.fd \\
  guest`;
  const csm = firmwareFor('uefi-csm', FREEBSD_PATHS, '/vm');
  assert.equal(csm, '/usr/local/share/uefi-firmware/BHYVE_UEFI_CSM.fd');
  const guest = guestOf('guest', UEFI_CONF.replace('loader="uefi"', 'loader="uefi-csm"'));
  const run = bhyveArgv(guest, uefiCtx({ firmware: csm }), FREEBSD_PATHS);
  assert.deepEqual(run.slice(run.indexOf('-AHPw'), run.indexOf('-AHPw') + 3), ['-AHPw', '-l', `bootrom,${csm}`]);
  assert.deepEqual(normaliseBhyve(run), asHivedesk(normaliseBhyve(words(HANDBOOK))));
});

test('golden 24.6.5: UEFI framebuffer with a tablet', { timeout: 10_000 }, () => {
  const HANDBOOK = `# bhyve -AHP -s 0:0,hostbridge -s 31:0,lpc \\
  -s 2:0,virtio-net,tap1 -s 3:0,virtio-blk,./disk.img \\
  -s 4:0,ahci-cd,./install.iso -c 4 -m 1024M \\
  -s 29,fbuf,tcp=0.0.0.0:5900,w=800,h=600,wait \\
  -s 30,xhci,tablet \\
  -l bootrom,/usr/local/share/uefi-firmware/BHYVE_UEFI.fd \\
  guest`;
  const conf = `${UEFI_CONF}graphics="yes"\ngraphics_listen="0.0.0.0"\ngraphics_port="5900"\ngraphics_res="800x600"\nxhci_mouse="yes"\n`;
  const guest = guestOf('guest', conf);

  const run = bhyveArgv(guest, uefiCtx(), FREEBSD_PATHS);
  assert.deepEqual(run, [
    'bhyve', '-s', '0,hostbridge', '-s', '31,lpc',
    '-s', '0:4:0,virtio-blk,./disk.img', '-s', '0:5:0,virtio-net,tap1',
    '-s', '0:6:0,fbuf,tcp=0.0.0.0:5900,w=800,h=600,wait', '-s', '0:7:0,xhci,tablet',
    '-c', '4', '-m', '1024M', '-AHPw', '-l', `bootrom,${UEFI_FD}`,
    '-s', '3:0,ahci-cd,./install.iso,ro,bootindex=1', 'guest',
  ]);
  assert.deepEqual(normaliseBhyve(run), asHivedesk(normaliseBhyve(words(HANDBOOK))));
  // graphics_wait=auto waits for a viewer only while installing.
  assert.ok(bhyveArgv(guest, uefiCtx({ installing: false }), FREEBSD_PATHS).includes('0:6:0,fbuf,tcp=0.0.0.0:5900,w=800,h=600'));
});

test('golden 24.6.6: a zvol disk, its creation and the metadata-only cache', { timeout: 10_000 }, () => {
  const CREATE = '# zfs create -V16G -o volmode=dev zroot/linuxdisk0';
  const CACHE = '# zfs set primarycache=metadata <name>';
  const BHYVE = `# bhyve -A -H -P -s 0:0,hostbridge -s 1:0,lpc -s 2:0,virtio-net,tap0 \\
  -s3:0,virtio-blk,/dev/zvol/zroot/linuxdisk0 \\
  -l com1,stdio -c 4 -m 1024M linuxguest`;
  const conf = LINUX_CONF.replace('disk0_name="linux.img"', 'disk0_name="linuxdisk0"\ndisk0_dev="zvol"');
  const guest = guestOf('linuxguest', conf);
  const ctx = ctxOf({ zvolDataset: 'zroot' });

  const create = diskCreateArgv(guest, 0, '16G', ctx);
  assert.deepEqual(create, [['zfs', 'create', '-V', '16G', '-o', 'volmode=dev', 'zroot/linuxdisk0']]);
  // -V16G and -V 16G are the same to getopt; vm-bhyve's zfs::make_zvol passes the size as its own word.
  const handbook = getopt(words(CREATE).slice(1), 'Vo');
  assert.deepEqual(getopt((create[0] ?? []).slice(1), 'Vo'), handbook);
  const cached = diskCreateArgv(guest, 0, '16G', ctx, { primarycacheMetadata: true });
  assert.deepEqual(cached[1], words(CACHE).map((w) => (w === '<name>' ? 'zroot/linuxdisk0' : w)));

  const run = bhyveArgv(guest, ctx, FREEBSD_PATHS);
  assert.ok(run.includes('0:4:0,virtio-blk,/dev/zvol/zroot/linuxdisk0'));
  assert.deepEqual(normaliseBhyve(run), asHivedesk(normaliseBhyve(words(BHYVE))));
  assert.throws(() => bhyveArgv(guest, ctxOf(), FREEBSD_PATHS), /ZFS dataset/);
});

test('golden 24.6.7: the nmdm console, named per guest instead of numbered', { timeout: 10_000 }, () => {
  const KLDLOAD = '# kldload nmdm';
  const BHYVE = `# bhyve -A -H -P -s 0:0,hostbridge -s 1:0,lpc -s 2:0,virtio-net,tap0 -s 3:0,virtio-blk,./linux.img \\
    -l com1,/dev/nmdm0A -c 4 -m 1024M linuxguest`;
  const CU = '# cu -l /dev/nmdm0B';
  assert.deepEqual(kldloadArgv('nmdm'), words(KLDLOAD));

  const guest = guestOf('linuxguest', LINUX_CONF);
  const run = bhyveArgv(guest, ctxOf(), FREEBSD_PATHS);
  const handbook = normaliseBhyve(words(BHYVE));
  // The only difference besides vm-bhyve's -w: /dev/nmdm0A becomes /dev/nmdm-linuxguest.1A.
  assert.deepEqual(normaliseBhyve(run), { ...asHivedesk(handbook), lpc: [['com1', '/dev/nmdm-linuxguest.1A']] });
  const [port] = consolePorts(guest, FREEBSD_PATHS);
  assert.deepEqual(port, { port: 'com1', guestSide: '/dev/nmdm-linuxguest.1A', userSide: '/dev/nmdm-linuxguest.1B' });
  assert.deepEqual(['cu', '-l', port?.userSide], words(CU).map((w) => (w === '/dev/nmdm0B' ? '/dev/nmdm-linuxguest.1B' : w)));
});

test('golden 24.6.1: preparing the host (the network is vm-bhyve\'s: see network.test.ts)', { timeout: 10_000 }, () => {
  assert.deepEqual(kldloadArgv('vmm'), words('# kldload vmm'));
  assert.deepEqual(tapUpOnOpenArgv(), words('# sysctl net.link.tap.up_on_open=1'));
  // 24.6.2: `truncate -s 16G guest.img`; vm-core then makes the image private to its owner.
  const [truncate, chmod] = diskCreateArgv(guestOf('g', FREEBSD_CONF), 0, '16G', ctxOf());
  assert.deepEqual(truncate, ['truncate', '-s', '16G', './guest.img']);
  assert.deepEqual(truncate.map(plain), words('# truncate -s 16G guest.img'));
  assert.deepEqual(chmod, ['chmod', '600', './guest.img']);
});

// ---------------------------------------------------------------------------------------------------------------
// Rules

const BASE_CONF = `loader="bhyveload"
cpu=2
memory=2G
network0_type="virtio-net"
network0_switch="public"
disk0_type="virtio-blk"
disk0_name="disk0.img"
`;
const vmCtx = (name: string, extra: Partial<BhyveRunContext> = {}) => ctxOf({ guestDir: `/vm/${name}`, ...extra });

test('nmdm devices of different guests never collide', { timeout: 10_000 }, () => {
  const names = ['web', 'web1', 'web.1', 'web.11', 'web1.1', 'w-e_b', 'a', 'a.1', 'a.11'];
  const ports = ['com1', 'com2', 'com3', 'com4'];
  const devices = names.flatMap((name) => ports.flatMap((port) => (['A', 'B'] as const).map((side) => nmdmDevice(FREEBSD_PATHS, name, port, side))));
  assert.equal(new Set(devices).size, names.length * ports.length * 2);
  assert.equal(nmdmDevice(FREEBSD_PATHS, 'web', 'com2', 'B'), '/dev/nmdm-web.2B');
  assert.throws(() => nmdmDevice(FREEBSD_PATHS, 'web', 'com5', 'A'), /com1 to com4/);
});

test('the VM name is the last word of every command', { timeout: 10_000 }, () => {
  const guest = guestOf('web1', `${BASE_CONF}comports="com1 com2"\n`);
  const ctx = vmCtx('web1');
  assert.equal(bhyveArgv(guest, ctx, FREEBSD_PATHS).at(-1), 'web1');
  assert.equal(bhyveloadArgv(guest, ctx, FREEBSD_PATHS).at(-1), 'web1');
  const grub = guestOf('web1', BASE_CONF.replace('bhyveload', 'grub'));
  assert.equal(grubBhyveArgv(grub, ctx, FREEBSD_PATHS).at(-1), 'web1');
  assert.deepEqual(bhyveArgv(guest, ctx, FREEBSD_PATHS).slice(-5), ['-l', 'com1,/dev/nmdm-web1.1A', '-l', 'com2,/dev/nmdm-web1.2A', 'web1']);
});

test('bhyveload and bhyve get the same -m string', { timeout: 10_000 }, () => {
  for (const memory of ['512M', '2G', '1536M']) {
    const guest = guestOf('web1', BASE_CONF.replace('memory=2G', `memory=${memory}`));
    const m = (argv: string[]) => argv[argv.indexOf('-m') + 1];
    assert.equal(m(bhyveloadArgv(guest, vmCtx('web1'), FREEBSD_PATHS)), memory);
    assert.equal(m(bhyveArgv(guest, vmCtx('web1'), FREEBSD_PATHS)), memory);
  }
});

test('graphics with a non-UEFI loader: no framebuffer, as vm::bhyve_device_fbuf returns early; xhci_mouse needs no UEFI', { timeout: 10_000 }, () => {
  // The plan's pre-flight refuses such a start with what to change (plan.test.ts); the builders follow vm-bhyve.
  const guest = guestOf('web1', `${BASE_CONF}graphics="yes"\nxhci_mouse="yes"\n`);
  const argv = bhyveArgv(guest, vmCtx('web1'), FREEBSD_PATHS);
  assert.equal(argv.some((arg) => arg.includes('fbuf')), false);
  assert.deepEqual(slotsOf(argv), [['0', 'hostbridge'], ['31', 'lpc'], ['0:4:0', 'virtio-blk'], ['0:5:0', 'virtio-net'], ['0:6:0', 'xhci']]);
  assert.equal(bhyveloadArgv(guest, vmCtx('web1'), FREEBSD_PATHS)[0], 'bhyveload');
});

test('CPU topology: -c cpus,sockets=,cores=,threads= (vm-bhyve leaves out the optional "cpus=")', { timeout: 10_000 }, () => {
  const guest = guestOf('web1', `${BASE_CONF.replace('cpu=2', 'cpu=4')}cpu_sockets=1\ncpu_cores=2\ncpu_threads=2\n`);
  const argv = bhyveArgv(guest, vmCtx('web1'), FREEBSD_PATHS);
  assert.deepEqual(argv.slice(argv.indexOf('-c'), argv.indexOf('-c') + 2), ['-c', '4,sockets=1,cores=2,threads=2']);
  const wrong = guestOf('web1', `${BASE_CONF}cpu_sockets=1\ncpu_cores=2\ncpu_threads=2\n`);
  assert.throws(() => bhyveArgv(wrong, vmCtx('web1'), FREEBSD_PATHS), /does not make 2 vCPUs/);
});

test('MAC addresses, diskN_opts, nvme and ahci-hd as functions of one slot', { timeout: 10_000 }, () => {
  const conf = `${BASE_CONF}network0_mac="58:9c:fc:0c:55:42"\ndisk0_opts="nocache,direct"\ndisk1_type="nvme"\ndisk1_name="disk1.img"\ndisk2_type="ahci-hd"\ndisk2_name="disk2.img"\n`;
  const argv = bhyveArgv(guestOf('web1', conf), vmCtx('web1'), FREEBSD_PATHS);
  assert.deepEqual(argv.slice(0, 13), [
    'bhyve', '-s', '0,hostbridge', '-s', '31,lpc',
    '-s', '0:4:0,virtio-blk,/vm/web1/disk0.img,nocache,direct',
    '-s', '0:4:1,nvme,/vm/web1/disk1.img',
    '-s', '0:4:2,ahci-hd,/vm/web1/disk2.img',
    '-s', '0:5:0,virtio-net,tap0,mac=58:9c:fc:0c:55:42',
  ]);
});

test('UEFI puts each disk on its own slot; NICs always share one as functions', { timeout: 10_000 }, () => {
  const conf = `${BASE_CONF.replace('bhyveload', 'uefi')}disk1_type="nvme"\ndisk1_name="disk1.img"\nnetwork1_type="e1000"\nnetwork1_switch="lan"\n`;
  const argv = bhyveArgv(guestOf('web1', conf), vmCtx('web1', { taps: ['tap3', 'tap7'], firmware: UEFI_FD }), FREEBSD_PATHS);
  assert.deepEqual(slotsOf(argv), [['0', 'hostbridge'], ['31', 'lpc'], ['0:4:0', 'virtio-blk'], ['0:5:0', 'nvme'], ['0:6:0', 'virtio-net'], ['0:6:1', 'e1000']]);
  assert.ok(argv.includes('0:6:1,e1000,tap7'));
  assert.throws(() => bhyveArgv(guestOf('web1', conf), vmCtx('web1', { taps: ['tap3'], firmware: UEFI_FD }), FREEBSD_PATHS), /network1 of web1 has no tap/);
});

test('nine loader-booted disks fill functions 0-7 of slot 4, then 5:0; NICs move on to slot 6', { timeout: 10_000 }, () => {
  const disks = Array.from({ length: 9 }, (_, i) => `disk${i}_type="virtio-blk"\ndisk${i}_name="d${i}.img"\n`).join('');
  const conf = `loader="bhyveload"\ncpu=1\nmemory=1G\nnetwork0_type="virtio-net"\n${disks}`;
  const addresses = slotsOf(bhyveArgv(guestOf('big', conf), vmCtx('big'), FREEBSD_PATHS)).map(([a]) => a);
  assert.deepEqual(addresses, ['0', '31', '0:4:0', '0:4:1', '0:4:2', '0:4:3', '0:4:4', '0:4:5', '0:4:6', '0:4:7', '0:5:0', '0:6:0']);
});

test('virtio-rnd, passthru (functions per host slot, pinned addresses), fbuf and xhci follow the NICs', { timeout: 10_000 }, () => {
  const passthru = ['2/0/0', '2/0/1', '3/0/0', '4/0/0=20:0'].map((dev, i) => `passthru${i}="${dev}"\n`).join('');
  const conf = `${BASE_CONF.replace('bhyveload', 'uefi')}graphics="yes"\nxhci_mouse="yes"\nvirt_random="yes"\n${passthru}`;
  const ctx = vmCtx('web1', { firmware: UEFI_FD, graphicsPort: 5901 });
  const argv = bhyveArgv(guestOf('web1', conf), ctx, FREEBSD_PATHS);
  assert.deepEqual(argv, [
    'bhyve', '-s', '0,hostbridge', '-s', '31,lpc',
    '-s', '0:4:0,virtio-blk,/vm/web1/disk0.img', '-s', '0:5:0,virtio-net,tap0', '-s', '0:6:0,virtio-rnd',
    '-s', '0:7:0,passthru,2/0/0', '-s', '0:7:1,passthru,2/0/1', '-s', '0:8:0,passthru,3/0/0', '-s', '0:20:0,passthru,4/0/0',
    '-s', '0:9:0,fbuf,tcp=127.0.0.1:5901,w=1024,h=768', '-s', '0:10:0,xhci,tablet',
    '-c', '2', '-m', '2G', '-AHPw', '-l', `bootrom,${UEFI_FD}`, '-u', '-S',
    '-l', 'com1,/dev/nmdm-web1.1A', 'web1',
  ]);
});

test('devices past slot 30 spill onto bus 1 and bhyve gets -Y', { timeout: 10_000 }, () => {
  const conf = `${BASE_CONF.replace('bhyveload', 'uefi')}disk1_type="virtio-blk"\ndisk1_name="disk1.img"\nstart_slot="30"\n`;
  const argv = bhyveArgv(guestOf('web1', conf), vmCtx('web1', { firmware: UEFI_FD }), FREEBSD_PATHS);
  assert.deepEqual(slotsOf(argv).slice(2), [['0:30:0', 'virtio-blk'], ['1:0:0', 'virtio-blk'], ['1:1:0', 'virtio-net']]);
  assert.deepEqual(argv.slice(-5), ['-u', '-Y', '-l', 'com1,/dev/nmdm-web1.1A', 'web1']);
});

test('flags: -A only when asked, -S for wired memory on bhyve and the loader, -U and the SMBIOS UUID, bhyve_options', { timeout: 10_000 }, () => {
  const conf = `${BASE_CONF}wired_memory="yes"\nuuid="7c5d6a97-a3b2-11f0-8b04-002590d922d0"\nbhyve_options="-W -o x86.verbosemsr=true"\n`;
  const guest = guestOf('web1', conf);
  const argv = bhyveArgv(guest, vmCtx('web1', { acpiFlag: false }), FREEBSD_PATHS);
  assert.deepEqual(argv.slice(argv.indexOf('-c')), [
    '-c', '2', '-m', '2G', '-HPw', '-W', '-o', 'x86.verbosemsr=true', '-S', '-U', '7c5d6a97-a3b2-11f0-8b04-002590d922d0', '-u',
    '-l', 'com1,/dev/nmdm-web1.1A', 'web1',
  ]);
  assert.deepEqual(bhyveloadArgv(guest, vmCtx('web1'), FREEBSD_PATHS), [
    'bhyveload', '-c', '/dev/nmdm-web1.1A', '-S', '-m', '2G',
    '-e', 'smbios.system.uuid=7c5d6a97-a3b2-11f0-8b04-002590d922d0', '-e', 'autoboot_delay=3', '-e', 'bhyve_vm_name=web1',
    '-d', '/vm/web1/disk0.img', 'web1',
  ]);
});

test('hostbridge amd and none; no com ports means no -l and no loader console', { timeout: 10_000 }, () => {
  const amd = bhyveArgv(guestOf('web1', `${BASE_CONF}hostbridge="amd"\n`), vmCtx('web1'), FREEBSD_PATHS);
  assert.deepEqual(amd.slice(1, 5), ['-s', '0,amd_hostbridge', '-s', '31,lpc']);
  const none = guestOf('web1', `${BASE_CONF}hostbridge="none"\ncomports=""\n`);
  const argv = bhyveArgv(none, vmCtx('web1'), FREEBSD_PATHS);
  assert.deepEqual(argv.slice(1, 3), ['-s', '31,lpc']);
  assert.equal(argv.includes('-l'), false);
  assert.deepEqual(bhyveloadArgv(none, vmCtx('web1'), FREEBSD_PATHS).slice(0, 3), ['bhyveload', '-m', '2G']);
});

test('install media that is not an .iso attaches as a read-only disk; installing without media throws', { timeout: 10_000 }, () => {
  const guest = { ...guestOf('web1', BASE_CONF.replace('bhyveload', 'uefi')), installMedia: '/vm/.img/cloud.raw' };
  const argv = bhyveArgv(guest, vmCtx('web1', { installing: true, firmware: UEFI_FD }), FREEBSD_PATHS);
  assert.deepEqual(argv.slice(-5, -3), ['-s', '3:0,ahci-hd,/vm/.img/cloud.raw,ro']);
  const bare = guestOf('web1', BASE_CONF);
  assert.throws(() => bhyveArgv(bare, vmCtx('web1', { installing: true }), FREEBSD_PATHS), /no install media/);
  assert.throws(() => bhyveArgv({ ...bare, loader: 'uefi' }, vmCtx('web1'), FREEBSD_PATHS), /no firmware file/);
});

test('grub-bhyve: vm-bhyve default root hd0,1, grub_run_dir/file, grub.cfg in the guest dir, extra disks mapped', { timeout: 10_000 }, () => {
  const conf = `${BASE_CONF.replace('bhyveload', 'grub')}disk1_type="virtio-blk"\ndisk1_name="data"\ndisk1_dev="zvol"\ngrub_run_dir="/boot/grub"\ngrub_run_file="grub.cfg"\n`;
  const guest = guestOf('web1', conf);
  const ctx = vmCtx('web1', { zvolDataset: 'zroot/vm/web1' });
  assert.deepEqual(grubBhyveArgv(guest, ctx, FREEBSD_PATHS), [
    'grub-bhyve', '-c', '/dev/nmdm-web1.1A', '-m', '/vm/web1/device.map', '-M', '2G', '-r', 'hd0,1', '-d', '/boot/grub', '-g', 'grub.cfg', 'web1',
  ]);
  const withCommands = guestOf('web1', `${conf}grub_run0="linux /vmlinuz"\n`);
  assert.deepEqual(grubBhyveArgv(withCommands, ctx, FREEBSD_PATHS).slice(7), ['-r', 'host', '-d', '/vm/web1', 'web1']);
  assert.equal(deviceMap(guest, ctx), '(hd0) /vm/web1/disk0.img\n(hd1) /dev/zvol/zroot/vm/web1/data\n');
  assert.throws(() => grubBhyveArgv(guestOf('web1', BASE_CONF), ctx, FREEBSD_PATHS), /not grub/);
});

test('bhyvectl actions as bhyvectl(8) spells them', { timeout: 10_000 }, () => {
  assert.deepEqual(bhyvectlArgv('force-poweroff', 'web1'), ['bhyvectl', '--force-poweroff', '--vm=web1']);
  assert.deepEqual(bhyvectlArgv('force-reset', 'web1'), ['bhyvectl', '--force-reset', '--vm=web1']);
  assert.deepEqual(bhyvectlArgv('destroy', 'web1'), ['bhyvectl', '--destroy', '--vm=web1']);
});

test('disk creation: sparse zvols, custom disks, bad sizes; firmware for every UEFI loader', { timeout: 10_000 }, () => {
  const conf = `${BASE_CONF}disk0_dev="sparse-zvol"\ndisk1_type="ahci-hd"\ndisk1_name="/dev/ada1"\ndisk1_dev="custom"\n`;
  const guest = guestOf('web1', conf);
  const ctx = vmCtx('web1', { zvolDataset: 'zroot/vm/web1' });
  assert.deepEqual(diskCreateArgv(guest, 0, '20G', ctx), [['zfs', 'create', '-sV', '20G', '-o', 'volmode=dev', 'zroot/vm/web1/disk0.img']]);
  assert.deepEqual(diskCreateArgv(guest, 1, '20G', ctx), []);
  assert.throws(() => diskCreateArgv(guest, 0, '-rf', ctx), /invalid disk size/);
  assert.throws(() => diskCreateArgv(guest, 2, '1G', ctx), /no disk2/);
  assert.equal(firmwareFor('uefi-devel', FREEBSD_PATHS, '/vm'), '/usr/local/share/uefi-firmware/BHYVE_UEFI_CODE-devel.fd');
  assert.equal(firmwareFor('uefi-custom', FREEBSD_PATHS, '/vm'), '/vm/.config/BHYVE_UEFI.fd');
});

test('the Windows example of the datastore notes, end to end', { timeout: 10_000 }, () => {
  const conf = `${WINDOWS_EXAMPLE_CONF}hivedesk_install_media="/vm/.iso/win11.iso"\n`;
  const ctx = vmCtx('win', { installing: true, firmware: UEFI_FD, varsFile: '/vm/win/uefi-vars.fd', graphicsPort: 5900, acpiFlag: false });
  assert.deepEqual(bhyveArgv(guestOf('win', conf), ctx, FREEBSD_PATHS), [
    'bhyve', '-s', '0,hostbridge', '-s', '31,lpc',
    '-s', '0:4:0,ahci-hd,/vm/win/disk0.img', '-s', '0:5:0,e1000,tap0,mac=58:9c:fc:0c:55:42',
    '-s', '0:6:0,fbuf,tcp=127.0.0.1:5900,w=1024,h=768,wait', '-s', '0:7:0,xhci,tablet',
    '-c', '2', '-m', '4G', '-HPw', '-l', `bootrom,${UEFI_FD},/vm/win/uefi-vars.fd`, '-U', '7c5d6a97-a3b2-11f0-8b04-002590d922d0',
    '-s', '3:0,ahci-cd,/vm/.iso/win11.iso,ro,bootindex=1', '-l', 'com1,/dev/nmdm-win.1A', 'win',
  ]);
  assert.throws(() => bhyveArgv(guestOf('win', conf), { ...ctx, graphicsPort: undefined }, FREEBSD_PATHS), /VNC port/);
});

test('a comma in a path would become a bhyve option: refused with what to rename', { timeout: 10_000 }, () => {
  const guest = toGuestConfig('web1', parseConf('loader="uefi"\ncpu=1\nmemory=1G\ndisk0_type="virtio-blk"\ndisk0_name="disk0.img"\nhivedesk_install_media="/iso/a,path=/dev/ada0.iso"\n'), 'bhyve');
  const ctx: BhyveRunContext = { guestDir: '/vm/web1', installing: true, taps: [], acpiFlag: true, firmware: '/fw/BHYVE_UEFI.fd' };
  assert.throws(() => bhyveArgv(guest, ctx, FREEBSD_PATHS), /the install media path \/iso\/a,path=\/dev\/ada0\.iso contains a comma/);
  assert.throws(() => bhyveArgv(guest, { ...ctx, installing: false, guestDir: '/vm,x/web1' }, FREEBSD_PATHS), /disk0 path \/vm,x\/web1\/disk0\.img contains a comma/);
});

// ---------------------------------------------------------------------------------------------------------------
// vm-bhyve 1.7.1's own command lines for the keys it documents (vm-run, vm-guest as the research brief quotes them).

const UUID = '7c5d6a97-a3b2-11f0-8b04-002590d922d0';

test('vm-run golden: every device class in vm-bhyve\'s order, with -U, mac=, passthru options and -S, fwcfg, -AHPww', { timeout: 10_000 }, () => {
  const conf = `loader="uefi"
cpu=2
memory=2G
uuid="${UUID}"
ignore_msr="yes"
fwcfg="qemu"
disk0_type="virtio-blk"
disk0_name="disk0.img"
network0_type="virtio-net"
network0_switch="public"
network0_mac="58:9c:fc:0a:bc:de"
network1_type="e1000"
network1_switch="lan"
network1_mac="58:9c:fc:01:02:03"
virt_random="yes"
passthru0="2/0/0"
passthru0_options="rom=/vm/gpu.rom"
graphics="yes"
graphics_listen="0.0.0.0"
graphics_port="5901"
graphics_res="1280x720"
graphics_vga="off"
vnc_password="secret"
xhci_mouse="yes"
sound="yes"
sound_rec="/dev/dsp1"
virt_console0="yes"
virt_console1="org.qemu.guest_agent.0"
`;
  const argv = bhyveArgv(guestOf('web1', conf), vmCtx('web1', { taps: ['tap0', 'tap1'], firmware: UEFI_FD }), FREEBSD_PATHS);
  assert.deepEqual(argv, [
    'bhyve',
    '-s', '0,hostbridge', '-s', '31,lpc,fwcfg=qemu',
    '-s', '0:4:0,virtio-blk,/vm/web1/disk0.img',
    '-s', '0:5:0,virtio-net,tap0,mac=58:9c:fc:0a:bc:de', '-s', '0:5:1,e1000,tap1,mac=58:9c:fc:01:02:03',
    '-s', '0:6:0,virtio-rnd',
    '-s', '0:7:0,passthru,2/0/0,rom=/vm/gpu.rom',
    '-s', '0:8:0,fbuf,tcp=0.0.0.0:5901,w=1280,h=720,vga=off,password=secret',
    '-s', '0:9:0,xhci,tablet',
    '-s', '0:10:0,hda,play=/dev/dsp0,rec=/dev/dsp1',
    '-s', '0:11:0,virtio-console,0=/vm/web1/vtcon.0,org.qemu.guest_agent.0=/vm/web1/vtcon.org.qemu.guest_agent.0',
    '-c', '2', '-m', '2G', '-AHPww', '-l', `bootrom,${UEFI_FD}`, '-U', UUID, '-u', '-S',
    '-l', 'com1,/dev/nmdm-web1.1A', 'web1',
  ]);
});

test('virt_console ports stop at the first missing index and at 16; yes/on/1 name a port by its index', { timeout: 10_000 }, () => {
  const ports = Array.from({ length: 18 }, (_, i) => `virt_console${i}="${i % 3 === 0 ? 'on' : `p${i}`}"\n`).join('');
  const guest = guestOf('web1', `${BASE_CONF}${ports}virt_console20="late"\n`);
  assert.deepEqual(guest.virtConsoles, ['0', 'p1', 'p2', '3', 'p4', 'p5', '6', 'p7', 'p8', '9', 'p10', 'p11', '12', 'p13', 'p14', '15']);
  const spec = bhyveArgv(guest, vmCtx('web1'), FREEBSD_PATHS).find((arg) => arg.includes('virtio-console')) ?? '';
  assert.match(spec, /^0:6:0,virtio-console,0=\/vm\/web1\/vtcon\.0,p1=\/vm\/web1\/vtcon\.p1,/);
  assert.throws(() => bhyveArgv(guestOf('web1', `${BASE_CONF}virt_console0="a,b"\n`), vmCtx('web1'), FREEBSD_PATHS), /virt_console0="a,b" contains/);
});

test('ahci_device_limit packs ahci disks onto shared controllers, the last partial one written without its bus as vm-run does', { timeout: 10_000 }, () => {
  const conf = `loader="bhyveload"\ncpu=1\nmemory=1G\nahci_device_limit="2"\nnetwork0_type="virtio-net"
disk0_type="ahci-hd"\ndisk0_name="d0.img"\ndisk1_type="ahci-hd"\ndisk1_name="d1.img"\ndisk1_opts="nocache"
disk2_type="ahci-cd"\ndisk2_name="d2.iso"\ndisk3_type="virtio-blk"\ndisk3_name="d3.img"\n`;
  const argv = bhyveArgv(guestOf('big', conf), vmCtx('big'), FREEBSD_PATHS);
  assert.deepEqual(argv.slice(5, 13), [
    '-s', '0:4:0,ahci,hd:/vm/big/d0.img,hd:/vm/big/d1.img,nocache',
    '-s', '0:4:1,virtio-blk,/vm/big/d3.img',
    '-s', '4:2,ahci,cd:/vm/big/d2.iso',
    '-s', '0:5:0,virtio-net,tap0',
  ]);
  assert.equal(guestOf('big', conf.replace('"2"', '"40"')).ahciDeviceLimit, 1, 'outside 2-32 means one disk per controller');
});

test('nulliso_fix: a uefi guest not booting install media gets the datastore\'s null.iso at install_slot', { timeout: 10_000 }, () => {
  const conf = `${BASE_CONF.replace('bhyveload', 'uefi')}nulliso_fix="yes"\ninstall_slot="2"\n`;
  const ctx = vmCtx('web1', { firmware: UEFI_FD, nullIso: '/vm/.config/null.iso' });
  assert.deepEqual(bhyveArgv(guestOf('web1', conf), ctx, FREEBSD_PATHS).slice(-5, -3), ['-s', '2:0,ahci-cd,/vm/.config/null.iso']);
  const installing = { ...guestOf('web1', conf), installMedia: '/iso/win.iso' };
  assert.deepEqual(bhyveArgv(installing, { ...ctx, installing: true }, FREEBSD_PATHS).slice(-5, -3), ['-s', '2:0,ahci-cd,/iso/win.iso,ro,bootindex=1']);
  // vm-run clears _iso after the first boot, so from then on null.iso takes the install media's place.
  assert.deepEqual(bhyveArgv(installing, { ...ctx, installing: true, rebooted: true }, FREEBSD_PATHS).slice(-5, -3), ['-s', '2:0,ahci-cd,/vm/.config/null.iso']);
  assert.throws(() => bhyveArgv(guestOf('web1', `${BASE_CONF}start_slot="40"\n`), vmCtx('web1'), FREEBSD_PATHS), /start_slot="40" is not a PCI slot number/);
});

test('graphics_wait=auto waits on the first boot of an install only (vm::bhyve_device_fbuf_clear_wait)', { timeout: 10_000 }, () => {
  const guest = { ...guestOf('web1', `${BASE_CONF.replace('bhyveload', 'uefi')}graphics="yes"\ngraphics_port="5900"\n`), installMedia: '/iso/x.iso' };
  const ctx = vmCtx('web1', { firmware: UEFI_FD, installing: true });
  const fbuf = (argv: string[]) => argv.find((arg) => arg.includes(',fbuf,'));
  assert.match(fbuf(bhyveArgv(guest, ctx, FREEBSD_PATHS)) ?? '', /,wait$/);
  assert.doesNotMatch(fbuf(bhyveArgv(guest, { ...ctx, rebooted: true }, FREEBSD_PATHS)) ?? '', /wait/);
});

test('vm-guest golden: bhyveload with -S, the uuid, loader_timeout, bhyveload_args and bhyveload_loader', { timeout: 10_000 }, () => {
  const conf = `${BASE_CONF}uuid="${UUID}"\nwired_memory="yes"\nloader_timeout="10"\nbhyveload_args="-h /vm/web1/boot -e boot_verbose=YES"\nbhyveload_loader="/boot/userboot.so"\n`;
  const guest = guestOf('web1', conf);
  assert.deepEqual(bhyveloadArgv(guest, vmCtx('web1'), FREEBSD_PATHS), [
    'bhyveload', '-c', '/dev/nmdm-web1.1A', '-S', '-m', '2G',
    '-e', `smbios.system.uuid=${UUID}`, '-e', 'autoboot_delay=10', '-e', 'bhyve_vm_name=web1',
    '-h', '/vm/web1/boot', '-e', 'boot_verbose=YES', '-l', '/boot/userboot.so',
    '-d', '/vm/web1/disk0.img', 'web1',
  ]);
  // After the installer reboots, vm-run loads from disk0, not the ISO, while bhyve keeps the ISO attached.
  const installing = { ...guest, installMedia: '/iso/fbsd.iso' };
  assert.deepEqual(bhyveloadArgv(installing, vmCtx('web1', { installing: true }), FREEBSD_PATHS).slice(-3), ['-d', '/iso/fbsd.iso', 'web1']);
  assert.deepEqual(bhyveloadArgv(installing, vmCtx('web1', { installing: true, rebooted: true }), FREEBSD_PATHS).slice(-3), ['-d', '/vm/web1/disk0.img', 'web1']);
  // Passthru wires memory too: -S for the loader as well.
  assert.equal(bhyveloadArgv(guestOf('web1', `${BASE_CONF}passthru0="2/0/0"\n`), vmCtx('web1'), FREEBSD_PATHS)[3], '-S');
});

const GRUB_CONF = `loader="grub"
cpu=1
memory=1G
disk0_type="virtio-blk"
disk0_name="disk0.img"
disk1_type="virtio-blk"
disk1_name="data.img"
loader_timeout="5"
grub_install0="linux /isolinux/vmlinuz text"
grub_install1="initrd /isolinux/initrd.img"
grub_install2="boot"
grub_run0="linux /vmlinuz root=/dev/vda1"
grub_run1="initrd /initrd.img"
grub_run_partition="msdos1"
`;

test('vm-guest golden: grub_installN / grub_runN become grub.cfg, grub-bhyve -r host -d <guest dir>, device.map as vm-bhyve writes it', { timeout: 10_000 }, () => {
  const guest = { ...guestOf('deb', GRUB_CONF), installMedia: '/iso/deb.iso' };
  const install = vmCtx('deb', { installing: true });
  assert.equal(deviceMap(guest, install), '(cd0) /iso/deb.iso\n(hd0) /vm/deb/disk0.img\n(hd1) /vm/deb/data.img\n');
  assert.equal(grubCfg(guest, install), [
    'timeout=5',
    "menuentry 'deb (bhyve install)' {",
    '    root=cd0',
    '    linux /isolinux/vmlinuz text',
    '    initrd /isolinux/initrd.img',
    '}',
    '',
  ].join('\n'));
  assert.deepEqual(grubBhyveArgv(guest, install, FREEBSD_PATHS), ['grub-bhyve', '-c', '/dev/nmdm-deb.1A', '-m', '/vm/deb/device.map', '-M', '1G', '-r', 'host', '-d', '/vm/deb', 'deb']);

  const run = vmCtx('deb', { installing: true, rebooted: true });
  assert.equal(deviceMap(guest, run), '(hd0) /vm/deb/disk0.img\n(hd1) /vm/deb/data.img\n');
  assert.equal(grubCfg(guest, run), "timeout=5\nmenuentry 'deb (bhyve run)' {\n    root=hd0,msdos1\n    linux /vmlinuz root=/dev/vda1\n    initrd /initrd.img\n}\n");
  assert.deepEqual(grubBhyveArgv(guest, run, FREEBSD_PATHS).slice(7), ['-r', 'host', '-d', '/vm/deb', 'deb']);

  // Without grub_install lines an install boots -r cd0; grub_run_dir/file apply only when there are no grub_run lines.
  const plain = guestOf('deb', 'loader="grub"\ncpu=1\nmemory=1G\ndisk0_type="virtio-blk"\ndisk0_name="disk0.img"\ngrub_run_dir="/boot/grub"\n');
  assert.equal(grubCfg({ ...plain, installMedia: '/iso/deb.iso' }, install), undefined);
  assert.deepEqual(grubBhyveArgv({ ...plain, installMedia: '/iso/deb.iso' }, install, FREEBSD_PATHS).slice(7), ['-r', 'cd0', 'deb']);
  assert.deepEqual(grubBhyveArgv(plain, vmCtx('deb'), FREEBSD_PATHS).slice(7), ['-r', 'hd0,1', '-d', '/boot/grub', 'deb']);
});

test('growing a disk: truncate for a file, zfs set volsize for a zvol; custom storage is not Hivedesk\'s to grow', { timeout: 5_000 }, () => {
  const g = toGuestConfig('grow1', parseConf('disk0_name="disk0.img"\ndisk1_name="disk1"\ndisk1_dev="zvol"\ndisk2_name="/dev/ada1"\ndisk2_dev="custom"\n'), 'bhyve');
  const ctx = { guestDir: '/vm/grow1', installing: false, taps: [], acpiFlag: true, zvolDataset: 'zroot/vm/grow1' };
  assert.deepEqual(diskGrowArgv(g, 0, '40G', ctx), ['truncate', '-s', '40G', '/vm/grow1/disk0.img']);
  assert.deepEqual(diskGrowArgv(g, 1, '40G', ctx), ['zfs', 'set', 'volsize=40G', 'zroot/vm/grow1/disk1']);
  assert.throws(() => diskGrowArgv(g, 2, '40G', ctx), /disk2 is custom storage that Hivedesk did not make/);
  assert.throws(() => diskGrowArgv(g, 0, '-1G', ctx), /invalid disk size/);
});
