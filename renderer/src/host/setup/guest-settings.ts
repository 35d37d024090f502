/**
 * FreeBSD as a guest (handbook 24.2 to 24.4): what to set inside the guest for each hypervisor. Nothing here
 * touches this host; the panel shows it to copy. Lines the handbook does not give say where they come from.
 */
export interface GuestSnippet {
  /** Where it goes: a file in the guest, or a shell in the guest. */
  where: string;
  text: string;
  why: string;
}

export interface GuestHypervisor {
  id: string;
  name: string;
  snippets: GuestSnippet[];
  /** What a custom kernel can leave out. */
  kernel?: string;
}

export const GUEST_SETTINGS: GuestHypervisor[] = [
  {
    id: 'parallels',
    name: 'Parallels Desktop',
    snippets: [
      { where: '/boot/loader.conf', text: 'kern.hz=100', why: 'An idle guest uses about 5 % of a CPU instead of 15 % (handbook 24.2.2).' },
      { where: '/etc/rc.conf', text: 'ifconfig_ed0="DHCP"', why: 'Parallels\' virtual NIC is ed(4): DHCP on the host\'s network.' },
    ],
    kernel: 'SCSI, FireWire and USB drivers, and every network driver but ed(4) and miibus(4).',
  },
  {
    id: 'vmware',
    name: 'VMware Fusion',
    snippets: [
      { where: '/boot/loader.conf', text: 'kern.hz=100', why: 'An idle guest uses about 5 % of a CPU instead of 15 % (handbook 24.3.2).' },
      { where: '/etc/rc.conf', text: 'ifconfig_em0="DHCP"', why: 'VMware\'s virtual NIC is em(4).' },
      { where: 'shell, as root', text: 'pkg install xf86-video-vmware xf86-input-vmmouse open-vm-tools', why: 'The display and mouse drivers and the guest tools (handbook 24.3.2).' },
      {
        where: '/etc/rc.conf',
        text: 'vmware_guestd_enable="YES"\nvmware_guest_vmblock_enable="YES"\nvmware_guest_vmhgfs_enable="YES"\nvmware_guest_vmmemctl_enable="YES"\nvmware_guest_vmxnet_enable="YES"',
        why: 'Starts open-vm-tools\' daemon and kernel modules (the names of its rc scripts; the handbook stops at the install).',
      },
    ],
    kernel: 'FireWire and USB drivers, and every network driver but em(4).',
  },
  {
    id: 'virtualbox',
    name: 'VirtualBox',
    snippets: [
      { where: 'shell, as root', text: 'pkg install virtualbox-ose-additions', why: 'Clipboard, mouse integration, time sync and window scaling (handbook 24.4).' },
      { where: '/etc/rc.conf', text: 'vboxguest_enable="YES"\nvboxservice_enable="YES"', why: 'Starts the guest additions at boot.' },
      { where: '/etc/rc.conf (if ntpd or ntpdate runs)', text: 'vboxservice_flags="--disable-timesync"', why: 'Leaves the clock to ntpd.' },
      { where: '/etc/X11/xorg.conf', text: 'Section "Device"\n\tIdentifier "Card0"\n\tDriver "vboxvideo"\nEndSection\n\nSection "InputDevice"\n\tIdentifier "Mouse0"\n\tDriver "vboxmouse"\nEndSection', why: 'Xorg finds vboxvideo by itself; these sections name it and the mouse driver explicitly.' },
      { where: 'shell, as root', text: 'mount_vboxvfs -w myshare /mnt', why: 'Mounts the shared folder "myshare" made on the host with VBoxManage sharedfolder add.' },
    ],
  },
  {
    id: 'bhyve',
    name: 'bhyve',
    snippets: [
      { where: '/etc/rc.conf', text: 'ifconfig_vtnet0="DHCP"', why: 'A virtio-net NIC is vtnet(4) in the guest (bhyve(8)); the handbook\'s guest sections do not cover bhyve.' },
    ],
    kernel: 'Hardware drivers the guest never sees; keep virtio, virtio_pci, virtio_blk and if_vtnet (in GENERIC).',
  },
];
