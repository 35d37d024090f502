import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entries, parseConf } from './conf.js';
import { KEY_CATALOG, keysNotApplied } from './key-catalog.js';

const keys = (text: string) => new Map(entries(parseConf(text)));

test('every key vm-bhyve documents has an entry, for both backends', { timeout: 5000 }, () => {
  const documented = [
    'loader', 'cpu', 'cpu_sockets', 'cpu_cores', 'cpu_threads', 'memory', 'wired_memory', 'hostbridge', 'fwcfg', 'comports',
    'utctime', 'debug', 'uuid', 'bhyve_options', 'ignore_bad_msr', 'ignore_msr', 'ahci_device_limit', 'disk0_type', 'disk0_name',
    'disk0_dev', 'disk0_opts', 'network0_type', 'network0_switch', 'network0_device', 'network0_name', 'network0_mac',
    'network0_span', 'passthru0', 'passthru0_options', 'start_slot', 'install_slot', 'nulliso_fix', 'virt_random', 'graphics',
    'graphics_port', 'graphics_listen', 'graphics_res', 'graphics_wait', 'graphics_vga', 'vnc_password', 'xhci_mouse', 'sound',
    'sound_play', 'sound_rec', 'virt_console0', 'bhyveload_loader', 'bhyveload_args', 'loader_timeout', 'uefi_vars',
    'grub_install0', 'grub_run0', 'grub_run_partition', 'grub_run_dir', 'grub_run_file', 'zfs_dataset_opts', 'zfs_zvol_opts',
    'prestart', 'priority', 'limit_pcpu', 'limit_rbps', 'limit_wbps', 'limit_riops', 'limit_wiops', 'on_restart', 'on_fault',
  ];
  assert.deepEqual(documented.filter((key) => !KEY_CATALOG.some((group) => group.keys.test(key))), []);
});

test('a key is named only when it asks for something the backend does not do; unknown keys are left alone', { timeout: 5000 }, () => {
  const conf = keys('loader="uefi"\ncpu=2\ngraphics="yes"\ngraphics_port="5901"\nxhci_mouse="no"\npassthru0="2/0/0"\nutctime="yes"\nprestart="x.sh"\nhivedesk_profile="linux"\nmy_own="x"\n');
  assert.deepEqual(keysNotApplied(conf, 'bhyve'), [
    'Not applied on bhyve, kept in the .conf: prestart (vm-bhyve runs it as root at every boot; Hivedesk runs no scripts or resource limits for a guest yet).',
  ]);
  assert.deepEqual(keysNotApplied(conf, 'qemu'), [
    'Not applied on QEMU, kept in the .conf: loader (QEMU boots its own BIOS (SeaBIOS) whatever the loader).',
    "Not applied on QEMU, kept in the .conf: graphics_port (QEMU serves the screen on a unix socket in the guest's directory, which only this host's user reaches).",
    'Not applied on QEMU, kept in the .conf: passthru0 (PCI passthrough is not supported on QEMU in Hivedesk yet).',
    'Not applied on QEMU, kept in the .conf: prestart (vm-bhyve runs it as root at every boot; Hivedesk runs no scripts or resource limits for a guest yet).',
  ]);
});

test('on QEMU a screen on loopback asks nothing the unix socket does not give; one on every address is named', { timeout: 5000 }, () => {
  assert.deepEqual(keysNotApplied(keys('graphics="yes"\ngraphics_listen="127.0.0.1"\ngraphics_res="1024x768"\nxhci_mouse="yes"\n'), 'qemu'), []);
  assert.deepEqual(keysNotApplied(keys('graphics="yes"\ngraphics_listen="0.0.0.0"\n'), 'qemu'), [
    "Not applied on QEMU, kept in the .conf: graphics_listen (QEMU serves the screen on a unix socket in the guest's directory, which only this host's user reaches).",
  ]);
});
