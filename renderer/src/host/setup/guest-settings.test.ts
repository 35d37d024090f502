import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GUEST_SETTINGS, type GuestHypervisor } from './guest-settings.js';

/**
 * The "FreeBSD as a guest" panel says it gives the handbook's settings (chapter 24, sections 24.2 to 24.4).
 * What the handbook says, quoted; the lines in its code blocks are as published (kern.hz=100 in both
 * loader.conf blocks, the two rc.conf lines and the timesync flag of 24.4).
 */
const HANDBOOK: { hypervisor: string; where: string; line: string; quote: string }[] = [
  {
    hypervisor: 'parallels',
    where: '/boot/loader.conf',
    line: 'kern.hz=100',
    quote: '24.2.2: "reduce the kern.hz tunable to reduce the CPU utilization of FreeBSD under the Parallels environment. This is accomplished by adding the following line to /boot/loader.conf"',
  },
  {
    hypervisor: 'parallels',
    where: '/etc/rc.conf',
    line: 'ifconfig_ed0="DHCP"',
    quote: '24.2.2: "This can be accomplished by adding ifconfig_ed0="DHCP" to /etc/rc.conf."',
  },
  {
    hypervisor: 'vmware',
    where: '/boot/loader.conf',
    line: 'kern.hz=100',
    quote: '24.3.2: "reduce the kern.hz tunable to reduce the CPU utilization of FreeBSD under the VMware Fusion environment"',
  },
  {
    hypervisor: 'vmware',
    where: '/etc/rc.conf',
    line: 'ifconfig_em0="DHCP"',
    quote: '24.3.2: "This can be accomplished by adding ifconfig_em0="DHCP" to /etc/rc.conf."',
  },
  {
    hypervisor: 'vmware',
    where: 'shell, as root',
    line: 'pkg install xf86-video-vmware xf86-input-vmmouse open-vm-tools',
    quote: '24.3.2: "# pkg install xf86-video-vmware xf86-input-vmmouse open-vm-tools"',
  },
  {
    hypervisor: 'virtualbox',
    where: 'shell, as root',
    line: 'pkg install virtualbox-ose-additions',
    quote: '24.4: "First, install the emulators/virtualbox-ose-additions package or port in the FreeBSD guest."',
  },
  { hypervisor: 'virtualbox', where: '/etc/rc.conf', line: 'vboxguest_enable="YES"', quote: '24.4: "Add these lines to /etc/rc.conf:"' },
  { hypervisor: 'virtualbox', where: '/etc/rc.conf', line: 'vboxservice_enable="YES"', quote: '24.4: "Add these lines to /etc/rc.conf:"' },
  {
    hypervisor: 'virtualbox',
    where: '/etc/rc.conf (if ntpd or ntpdate runs)',
    line: 'vboxservice_flags="--disable-timesync"',
    quote: '24.4: "If ntpd(8) or ntpdate(8) is used, disable host time synchronization:"',
  },
  { hypervisor: 'virtualbox', where: '/etc/X11/xorg.conf', line: '\tDriver "vboxvideo"', quote: '24.4: "Xorg will automatically recognize the vboxvideo driver."' },
  { hypervisor: 'virtualbox', where: '/etc/X11/xorg.conf', line: '\tDriver "vboxmouse"', quote: '24.4: "To use the vboxmouse driver, adjust the mouse section in /etc/X11/xorg.conf"' },
  { hypervisor: 'virtualbox', where: 'shell, as root', line: 'mount_vboxvfs -w myshare /mnt', quote: '24.4: "# mount_vboxvfs -w myshare /mnt"' },
];

const hypervisor = (id: string): GuestHypervisor => {
  const found = GUEST_SETTINGS.find((h) => h.id === id);
  assert.ok(found, `no ${id} in the panel`);
  return found;
};

test('every line the handbook gives a FreeBSD guest is in the panel, under the file it names', { timeout: 5_000 }, () => {
  for (const { hypervisor: id, where, line, quote } of HANDBOOK) {
    const snippets = hypervisor(id).snippets.filter((s) => s.where === where);
    assert.ok(snippets.some((s) => s.text.split('\n').includes(line)), `${id}: ${where} lacks ${JSON.stringify(line)} (handbook ${quote})`);
  }
});

test('the panel covers Parallels, VMware Fusion, VirtualBox and bhyve', { timeout: 5_000 }, () => {
  assert.deepEqual(GUEST_SETTINGS.map((h) => h.id), ['parallels', 'vmware', 'virtualbox', 'bhyve']);
});

test('every loader.conf and rc.conf line is a name=value assignment the guest can take as is', { timeout: 5_000 }, () => {
  const lines = GUEST_SETTINGS.flatMap((h) => h.snippets.filter((s) => /^\/(boot\/loader|etc\/rc)\.conf\b/.test(s.where)).flatMap((s) => s.text.split('\n').map((l) => `${h.id}: ${l}`)));
  assert.ok(lines.length >= 8);
  for (const line of lines) assert.match(line, /^[a-z]+: [a-z][a-z0-9_.]*=("[^"\n]*"|[^\s"]+)$/);
});

test('the NIC each guest sets up with DHCP is the one its trimmed kernel keeps', { timeout: 5_000 }, () => {
  // 24.2.2: "all network devices except for ed(4) and miibus(4) can be removed"; 24.3.2: "except for em(4)".
  for (const [id, driver] of [['parallels', 'ed'], ['vmware', 'em'], ['bhyve', 'vtnet']] as const) {
    const h = hypervisor(id);
    assert.ok(h.snippets.some((s) => s.where === '/etc/rc.conf' && s.text === `ifconfig_${driver}0="DHCP"`), `${id}: ifconfig_${driver}0`);
    assert.match(h.kernel ?? '', new RegExp(`\\b(if_)?${driver}(\\(4\\))?\\b`), `${id}: the kernel keeps ${driver}`);
  }
});
