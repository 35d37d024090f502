import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConf } from '../../datastore/conf.js';
import { type GuestConfig, toGuestConfig } from '../../datastore/guest-config.js';
import { buildQemuArgv, type QemuPaths } from './argv.js';

const paths: QemuPaths = { dir: '/vm/web1', qmpSocket: '/vm/web1/qmp.sock', vncSocket: '/vm/web1/vnc.sock', pidFile: '/vm/web1/qemu.pid', logFile: '/vm/web1/qemu.log' };
/** Read through the .conf parser, as the app reads every guest. */
const guest: GuestConfig = toGuestConfig(
  'web1',
  parseConf('loader="uefi"\ncpu=2\nmemory=1G\nnetwork0_type="virtio-net"\nnetwork0_switch="public"\ndisk0_type="virtio-blk"\ndisk0_name="disk0.img"\n'),
  'qemu',
);

test('a guest installing from an ISO under TCG', { timeout: 10_000 }, () => {
  assert.deepEqual(buildQemuArgv({ ...guest, installMedia: '/iso/debian.iso' }, paths, 'tcg'), [
    'qemu-system-x86_64',
    '-name', 'web1',
    '-machine', 'q35,accel=tcg',
    '-smp', '2',
    '-m', '1024M',
    '-drive', 'file=/vm/web1/disk0.img,format=raw,if=virtio',
    '-drive', 'file=/iso/debian.iso,media=cdrom,readonly=on',
    '-boot', 'order=cd',
    '-netdev', 'user,id=net0',
    '-device', 'virtio-net-pci,netdev=net0',
    '-chardev', 'pty,id=com1,logfile=/vm/web1/.hivedesk/console-com1.log,logappend=on',
    '-serial', 'chardev:com1',
    '-display', 'none',
    '-qmp', 'unix:/vm/web1/qmp.sock,server=on,wait=off',
    '-pidfile', '/vm/web1/qemu.pid',
    '-D', '/vm/web1/qemu.log',
    '-daemonize',
  ]);
});

test('KVM uses the host CPU; no ISO means no CD and no boot order', { timeout: 10_000 }, () => {
  const argv = buildQemuArgv(guest, paths, 'kvm');
  assert.deepEqual(argv.slice(3, 7), ['-machine', 'q35,accel=kvm', '-cpu', 'host']);
  assert.equal(argv.includes('-boot'), false);
  assert.equal(argv.some((a) => a.includes('media=cdrom')), false);
});

test('vm-bhyve disk and NIC types map to the same hardware; MACs are kept', { timeout: 10_000 }, () => {
  const argv = buildQemuArgv(
    {
      ...guest,
      disks: [
        { name: 'disk0.img', type: 'ahci-hd', dev: 'file' },
        { name: 'disk1.img', type: 'nvme', dev: 'file' },
      ],
      networks: [{ type: 'e1000', switch: 'public', mac: '58:9c:fc:0c:55:42' }],
    },
    paths,
    'tcg',
  );
  const joined = argv.join(' ');
  assert.match(joined, /-drive file=\/vm\/web1\/disk0\.img,format=raw,if=none,id=disk0 -device ide-hd,drive=disk0 /);
  assert.match(joined, /-drive file=\/vm\/web1\/disk1\.img,format=raw,if=none,id=disk1 -device nvme,drive=disk1,serial=disk1 /);
  assert.match(joined, /-device e1000,netdev=net0,mac=58:9c:fc:0c:55:42 /);
});

test('commas in paths are doubled, as QEMU option syntax needs', { timeout: 10_000 }, () => {
  const argv = buildQemuArgv({ ...guest, installMedia: '/iso/a,b.iso' }, { ...paths, dir: '/vm,x/web1' }, 'tcg');
  assert.ok(argv.includes('file=/vm,,x/web1/disk0.img,format=raw,if=virtio'));
  assert.ok(argv.includes('file=/iso/a,,b.iso,media=cdrom,readonly=on'));
});

test('every serial port gets its own pty chardev, logged from power-on to a file of its own', { timeout: 10_000 }, () => {
  const argv = buildQemuArgv({ ...guest, comports: ['com1', 'com2'] }, paths, 'tcg');
  assert.deepEqual(argv.filter((_, i) => argv[i - 1] === '-chardev' || argv[i - 1] === '-serial'), [
    'pty,id=com1,logfile=/vm/web1/.hivedesk/console-com1.log,logappend=on',
    'chardev:com1',
    'pty,id=com2,logfile=/vm/web1/.hivedesk/console-com2.log,logappend=on',
    'chardev:com2',
  ]);
});

test('a comma in the guest directory cannot add chardev options', { timeout: 10_000 }, () => {
  const argv = buildQemuArgv(guest, { ...paths, dir: '/vm/a,mux=on' }, 'tcg');
  assert.ok(argv.includes('pty,id=com1,logfile=/vm/a,,mux=on/.hivedesk/console-com1.log,logappend=on'));
});

test('graphics: VNC on the guest\'s unix socket and a USB tablet, still no window of QEMU\'s own', { timeout: 5000 }, () => {
  const withScreen = toGuestConfig('web1', parseConf('graphics="yes"\ngraphics_listen="0.0.0.0"\ngraphics_port="5901"\ngraphics_res="1280x720"\n'), 'qemu');
  const argv = buildQemuArgv(withScreen, { ...paths, vncSocket: '/vm,x/web1/vnc.sock' }, 'tcg');
  const at = argv.indexOf('-vnc');
  assert.deepEqual(argv.slice(at, at + 14), [
    '-vnc', 'unix:/vm,,x/web1/vnc.sock',
    '-vga', 'std', '-global', 'VGA.xres=1280', '-global', 'VGA.yres=720',
    '-device', 'qemu-xhci', '-device', 'usb-tablet',
    '-display', 'none',
  ]);
  assert.equal(argv.filter((a) => a === '-vnc').length, 1);
  assert.equal(argv.some((a) => a.includes('5901') || a.includes('0.0.0.0')), false, 'never on a TCP port, whatever graphics_listen says');
});

test('no graphics: no VNC and no tablet; xhci_mouse alone gets the tablet', { timeout: 5000 }, () => {
  const argv = buildQemuArgv(guest, paths, 'tcg');
  assert.equal(argv.includes('-vnc'), false);
  assert.equal(argv.includes('-global'), false);
  assert.equal(argv.includes('usb-tablet'), false);
  const tablet = buildQemuArgv({ ...guest, xhciMouse: true }, paths, 'tcg');
  assert.equal(tablet.includes('-vnc'), false);
  assert.deepEqual(tablet.slice(tablet.indexOf('qemu-xhci') - 1, tablet.indexOf('usb-tablet') + 1), ['-device', 'qemu-xhci', '-device', 'usb-tablet']);
});

test('a networkN_mac that is not a MAC address is refused, not passed on as device options', { timeout: 10_000 }, () => {
  const nic = { type: 'virtio-net', switch: 'public', mac: '58:9c:fc:0c:55:42,romfile=/etc/shadow' };
  assert.throws(() => buildQemuArgv({ ...guest, networks: [nic] }, paths, 'tcg'), /network0_mac "58:9c:fc:0c:55:42,romfile=\/etc\/shadow" is not a MAC address/);
});

test('settings reach QEMU: every disk with its type, backing and options, NIC models, CPUs with topology, memory', { timeout: 5_000 }, () => {
  const edited = toGuestConfig(
    'web1',
    parseConf(
      [
        'cpu=4', 'cpu_sockets=1', 'cpu_cores=2', 'cpu_threads=2', 'memory=3G',
        'disk0_type="virtio-blk"', 'disk0_name="disk0.img"', 'disk0_opts="nocache,direct"',
        'disk1_type="ahci-cd"', 'disk1_name="/srv/iso/drivers.iso"', 'disk1_dev="custom"', 'disk1_opts="ro"',
        'disk2_type="nvme"', 'disk2_name="disk2.img"', 'disk2_dev="file"',
        'network0_type="e1000"', 'network0_mac="58:9c:fc:0c:55:42"', 'network1_type="virtio-net"',
        '',
      ].join('\n'),
    ),
    'qemu',
  );
  const argv = buildQemuArgv(edited, paths, 'tcg');
  assert.deepEqual(argv.slice(5, 23), [
    '-smp', '4,sockets=1,cores=2,threads=2',
    '-m', '3072M',
    '-drive', 'file=/vm/web1/disk0.img,format=raw,cache.direct=on,cache.writeback=off,if=virtio',
    '-drive', 'file=/srv/iso/drivers.iso,format=raw,readonly=on,if=none,id=disk1,media=cdrom',
    '-device', 'ide-cd,drive=disk1',
    '-drive', 'file=/vm/web1/disk2.img,format=raw,if=none,id=disk2',
    '-device', 'nvme,drive=disk2,serial=disk2',
    '-netdev', 'user,id=net0',
    '-device', 'e1000,netdev=net0,mac=58:9c:fc:0c:55:42',
  ]);
  assert.deepEqual(argv.slice(23, 27), ['-netdev', 'user,id=net1', '-device', 'virtio-net-pci,netdev=net1']);
});

test('what QEMU cannot run is refused with the key to change, not run as something else', { timeout: 5_000 }, () => {
  const disk = { name: 'disk0', type: 'virtio-blk', dev: 'zvol' };
  assert.throws(() => buildQemuArgv({ ...guest, disks: [disk] }, paths, 'tcg'), /disk0 is a zvol disk, which the QEMU backend cannot attach/);
  assert.throws(() => buildQemuArgv({ ...guest, disks: [{ ...disk, dev: 'file', opts: 'sectorsize=4096' }] }, paths, 'tcg'), /disk0_opts "sectorsize=4096" has no QEMU equivalent/);
  assert.throws(() => buildQemuArgv({ ...guest, disks: [{ ...disk, dev: 'file', type: 'floppy' }] }, paths, 'tcg'), /disk0_type "floppy" is not one of/);
  assert.throws(() => buildQemuArgv({ ...guest, cpus: 4, topology: { sockets: 1, cores: 2, threads: 1 } }, paths, 'tcg'), /does not make 4 vCPUs/);
});

test('the guest\'s uuid (-uuid), its MACs (mac=), topology, utctime and virt_random, as the .conf says', { timeout: 5000 }, () => {
  const conf = 'loader="uefi"\ncpu=4\ncpu_sockets=1\ncpu_cores=2\ncpu_threads=2\nmemory=1G\nutctime="no"\nvirt_random="yes"\nuuid="7c5d6a97-a3b2-11f0-8b04-002590d922d0"\nnetwork0_type="virtio-net"\nnetwork0_mac="58:9c:fc:0a:bc:de"\nnetwork1_type="e1000"\nnetwork1_mac="58:9c:fc:01:02:03"\n';
  const argv = buildQemuArgv(toGuestConfig('web1', parseConf(conf), 'qemu'), paths, 'tcg');
  assert.deepEqual(argv.slice(5, 13), ['-smp', '4,sockets=1,cores=2,threads=2', '-m', '1024M', '-uuid', '7c5d6a97-a3b2-11f0-8b04-002590d922d0', '-rtc', 'base=localtime']);
  assert.ok(argv.includes('virtio-net-pci,netdev=net0,mac=58:9c:fc:0a:bc:de'));
  assert.ok(argv.includes('e1000,netdev=net1,mac=58:9c:fc:01:02:03'));
  assert.deepEqual(argv.slice(argv.indexOf('virtio-rng-pci') - 1, argv.indexOf('virtio-rng-pci') + 1), ['-device', 'virtio-rng-pci']);
});
