import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const fixtures = join(import.meta.dirname, '../host-setup/fixtures');

/**
 * A FreeBSD host described by its files, for `doctor --root`: real configuration files from the host-setup
 * fixtures (a laptop's rc.conf, loader.conf and sysctl.conf, the stock login.conf, ttys and devfs.conf) and a
 * KVM guest's dmesg.boot, with a user alice in vboxusers.
 */
export async function writeHostRoot(root: string): Promise<void> {
  for (const dir of ['etc', 'boot', 'var/run']) await mkdir(join(root, dir), { recursive: true });
  const copies: [string, string][] = [
    ['dmesg/kvm-guest-vtx-disabled-in-bios.txt', 'var/run/dmesg.boot'],
    ['etc/rc.conf.laptop', 'etc/rc.conf'],
    ['etc/loader.conf.laptop', 'boot/loader.conf'],
    ['etc/sysctl.conf.laptop', 'etc/sysctl.conf'],
    ['etc/login.conf.stock', 'etc/login.conf'],
    ['etc/ttys.14', 'etc/ttys'],
    ['etc/devfs.conf.stock', 'etc/devfs.conf'],
  ];
  for (const [from, to] of copies) await copyFile(join(fixtures, from), join(root, to));
  await writeFile(join(root, 'etc/group'), 'wheel:*:0:root\noperator:*:5:root\ndialer:*:68:\nvboxusers:*:920:alice\n');
  await writeFile(join(root, 'etc/passwd'), 'root:*:0:0::/root:/bin/sh\nalice:*:1001:1001::/home/alice:/bin/sh\n');
}

export const hostSetupFixtures = fixtures;
