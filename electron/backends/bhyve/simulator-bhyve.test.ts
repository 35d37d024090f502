import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkWithSimulatedBhyve, SIMULATOR_BIN } from '../../testing/simulated-bhyve.js';

/**
 * The FreeBSD HOST SIMULATOR's bhyve (e2e/freebsd-host-simulator; not FreeBSD) must refuse what
 * FreeBSD 14's bhyve refuses, with bhyve's messages (usr.sbin/bhyve: pci_emul.c, amd64/pci_lpc.c,
 * net_utils.c, pci_virtio_net.c, pci_fbuf.c, rfb.c, pci_xhci.c, config.c), or the flows that run on it
 * would pass where FreeBSD fails.
 */
const root = mkdtempSync(join(tmpdir(), 'freebsd-sim-'));
after(() => {
  spawnSync(join(SIMULATOR_BIN, 'freebsd-sim-teardown'), [root]);
  rmSync(root, { recursive: true, force: true });
});

const BASE = ['bhyve', '-c', '1', '-m', '256M', '-s', '0,hostbridge'];
const LPC = ['-s', '31,lpc'];
const PERROR = 'device emulation initialization error: ';

const CASES: Array<[string, string[], number, RegExp]> = [
  ['a unicast MAC on virtio-net', [...LPC, '-s', '5,virtio-net,tap0,mac=58:9c:fc:0c:55:42'], 0, /^$/],
  ['a multicast MAC', [...LPC, '-s', '5,virtio-net,tap0,mac=01:00:5e:00:00:01'], 4, /^Invalid MAC 01:00:5e:00:00:01\ndevice emulation initialization error: /],
  ['the all-zero MAC on e1000', [...LPC, '-s', '5,e1000,tap0,mac=00:00:00:00:00:00'], 4, /^Invalid MAC 00:00:00:00:00:00\n/],
  ['five octets are not a MAC', [...LPC, '-s', '5,e1000,tap0,mac=58:9c:fc:0c:55'], 4, /^Invalid MAC 58:9c:fc:0c:55\n/],
  ['virtio-net without a backend', [...LPC, '-s', '5,virtio-net'], 0, /^$/],
  ['e1000 with a backend bhyve does not have', [...LPC, '-s', '5,e1000,eth0'], 4, new RegExp(`^${PERROR}`)],
  ['an MTU below ETHERMIN', [...LPC, '-s', '5,virtio-net,tap0,mtu=20'], 4, new RegExp(`^${PERROR}`)],
  ['fbuf at its largest, waiting for a VNC client', [...LPC, '-s', '6,fbuf,tcp=0.0.0.0:5900,w=3840,h=2160,wait'], 0, /^$/],
  ['fbuf on an IPv6 address', [...LPC, '-s', '6,fbuf,tcp=[::1]:5900,w=640,h=480'], 0, /^$/],
  ['fbuf wider than 3840', [...LPC, '-s', '6,fbuf,tcp=0.0.0.0:5900,w=3841,h=600'], 4, /^fbuf: max resolution is 3840x2160\n/],
  ['fbuf lower than 480', [...LPC, '-s', '6,fbuf,tcp=0.0.0.0:5900,w=800,h=479'], 4, /^fbuf: minimum resolution is 640x480\n/],
  ['fbuf listening on a host name', [...LPC, '-s', '6,fbuf,tcp=localhost:5900'], 4, /^getaddrinfo: hostname nor servname provided, or not known\n/],
  ['fbuf without its port', [...LPC, '-s', '6,fbuf,tcp=127.0.0.1:'], 4, /^fbuf: Missing port number: "127.0.0.1:"\n/],
  ['fbuf with a broken IPv6 address', [...LPC, '-s', '6,fbuf,tcp=[::1:5900'], 4, /^fbuf: Invalid IPv6 address: "\[::1:5900"\n/],
  ['fbuf wait that is not a boolean', [...LPC, '-s', '6,fbuf,wait=maybe'], 4, /^bhyve: Invalid value maybe for boolean variable wait\n$/],
  ['fbuf with an unknown vga mode', [...LPC, '-s', '6,fbuf,vga=sometimes'], 4, /^fbuf: Invalid vga setting: "sometimes"\n/],
  ['two framebuffers', [...LPC, '-s', '6,fbuf', '-s', '7,fbuf'], 4, /^Only one frame buffer device is allowed\.\n/],
  ['xhci with a tablet', [...LPC, '-s', '7,xhci,tablet'], 0, /^$/],
  ['xhci with a device bhyve does not emulate', [...LPC, '-s', '7,xhci,mouse'], 4, /^pci_xhci: unknown device model "mouse"\n/],
  ['an LPC bridge on bus 1', ['-s', '1:31:0,lpc'], 4, /^LPC bridge can be present only on bus 0\.\n/],
  ['two LPC bridges', [...LPC, '-s', '30,lpc'], 4, /^Only one LPC bridge is allowed\.\n/],
  ['a slot given twice', [...LPC, '-s', '4,virtio-blk,/a.img', '-s', '4:0,virtio-rnd'], 4, /^pci slot 0:4:0 already occupied!\n$/],
  ['slot 32', [...LPC, '-s', '32,virtio-rnd'], 4, /^Invalid PCI slot info field "32,virtio-rnd"\n$/],
  ['a device bhyve does not have', [...LPC, '-s', '5,virtio-sound'], 4, /^pci slot 0:5:0: unknown device "virtio-sound"\n$/],
  ['a disk option that is not a boolean', [...LPC, '-s', '4,virtio-blk,/a.img,ro=perhaps'], 4, /^bhyve: Invalid value perhaps for boolean variable ro\n$/],
  ['bootrom without its file', [...LPC, '-l', 'bootrom'], 4, /^bhyve: invalid bootrom option "bootrom"\n$/],
  ['a fifth serial port', [...LPC, '-l', 'com5,stdio'], 64, /^bhyve: invalid lpc device configuration 'com5,stdio'\n$/],
];

for (const [what, extra, status, stderr] of CASES) {
  test(`simulated bhyve: ${what} -> exit ${status}`, { timeout: 30_000 }, () => {
    const verdict = checkWithSimulatedBhyve([...BASE, ...extra, 'vm1'], root);
    assert.equal(verdict.status, status, verdict.stderr);
    assert.match(verdict.stderr, stderr);
  });
}

test('simulated bhyve: a refused device ends it after it made the VM instance, with its taps closed', { timeout: 30_000 }, () => {
  const firmware = join(root, 'BHYVE_UEFI.fd');
  writeFileSync(firmware, 'firmware');
  mkdirSync(join(root, 'state'), { recursive: true });
  writeFileSync(join(root, 'state', 'kld.json'), JSON.stringify({ loaded: ['kernel', 'zfs', 'vmm', 'nmdm'] }));
  const run = spawnSync(
    join(SIMULATOR_BIN, 'bhyve'),
    [...BASE.slice(1), ...LPC, '-s', '5,virtio-net,tap4', '-s', '6,fbuf,tcp=127.0.0.1:5900,w=5000,h=600', '-l', `bootrom,${firmware}`, 'uefi1'],
    { env: { ...process.env, FREEBSD_SIM_ROOT: root }, encoding: 'utf8', timeout: 20_000 },
  );
  assert.equal(run.status, 4, run.stderr);
  assert.equal(run.stderr, 'fbuf: max resolution is 3840x2160\ndevice emulation initialization error: Invalid argument\n');
  // bhyve creates the instance before it sets up devices; destroying it is bhyvectl's job.
  assert.equal(existsSync(join(root, 'dev', 'vmm', 'uefi1')), true);
  assert.equal(existsSync(join(root, 'state', 'bhyve-uefi1.pid')), false);
  const tap = (JSON.parse(readFileSync(join(root, 'state', 'interfaces.json'), 'utf8')) as Record<string, { opened_by?: number | null; up: boolean }>).tap4;
  assert.deepEqual([tap?.opened_by, tap?.up], [null, false]);
});
