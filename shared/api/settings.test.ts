import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settingsSchema, type VmSettingsForm } from './settings.js';

const form = (patch: Partial<VmSettingsForm>): VmSettingsForm => ({
  description: '',
  tags: '',
  cpus: 1,
  memory: '512M',
  loader: 'bhyveload',
  uefiVars: false,
  installMedia: '',
  disks: [{ type: 'virtio-blk', dev: 'file', name: 'disk0.img', opts: '' }],
  networks: [],
  graphics: { enabled: false, listen: '127.0.0.1', port: 'auto', resolution: '1024x768', wait: 'auto', tablet: true },
  comports: ['com1'],
  bhyveOptions: '',
  utcTime: true,
  hostbridge: 'standard',
  wiredMemory: false,
  ...patch,
});

test("a framebuffer without UEFI, or bhyveload without a disk, is refused for bhyve only: QEMU and Xen boot their own firmware", { timeout: 5000 }, () => {
  const screen = form({ graphics: { ...form({}).graphics, enabled: true } });
  const diskless = form({ disks: [] });
  const issues = (backend: 'bhyve' | 'qemu' | 'xen', settings: VmSettingsForm) => settingsSchema(backend).safeParse(settings).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  assert.deepEqual(issues('bhyve', screen), ['graphics.enabled: A framebuffer needs a UEFI loader: choose uefi under Boot & firmware.']);
  assert.deepEqual(issues('bhyve', diskless), ['loader: The bhyveload loader boots from disk0: add a disk or choose uefi.']);
  assert.deepEqual(issues('bhyve', form({ loader: 'uefi', graphics: screen.graphics })), []);
  for (const backend of ['qemu', 'xen'] as const) {
    assert.deepEqual(issues(backend, screen), [], backend);
    assert.deepEqual(issues(backend, diskless), [], backend);
  }
});
