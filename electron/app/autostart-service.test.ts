import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BootMechanism } from '../../shared/api/lifecycle.js';
import type { BackendId } from '../../shared/api/vms.js';
import { parseConf } from '../datastore/conf.js';
import { toGuestConfig } from '../datastore/guest-config.js';
import type { AutostartSetting, AutostartStore } from '../lifecycle/autostart.js';
import { AutostartService } from './autostart-service.js';
import { createCore } from './core.js';

/** A host's list in memory, kept the way `mechanism` keeps it. */
function listOn(mechanism: BootMechanism): AutostartStore & { setting: AutostartSetting } {
  const store = {
    setting: { list: [] as string[], delay: 2 },
    read: async () => ({ mechanism, available: true, list: store.setting.list, delay: store.setting.delay, notes: [] }),
    plan: async () => ({ commands: [], files: [], steps: [] }),
    write: async (next: AutostartSetting) => void (store.setting = next),
  };
  return store;
}

const guests = (backends: Record<string, BackendId>) => ({ guest: async (name: string) => toGuestConfig(name, parseConf(''), backends[name] ?? 'bhyve') });

test("a guest joins the host's start-at-boot list only where its backend starts guests that way", { timeout: 5000 }, async () => {
  const rc = listOn('rc.conf');
  const service = new AutostartService(rc, guests({ web1: 'bhyve', dom1: 'xen', vbox1: 'virtualbox', q1: 'qemu' }));
  await service.set({ name: 'web1', enabled: true, order: 1, delay: 2 });
  await assert.rejects(service.set({ name: 'dom1', enabled: true, order: 1, delay: 2 }), /Xen domains start at boot from the xendomains service, which Hivedesk does not configure yet/);
  await assert.rejects(service.set({ name: 'vbox1', enabled: true, order: 1, delay: 2 }), /VirtualBox machines start at boot from VirtualBox’s vboxheadless service/);
  await assert.rejects(service.plan({ name: 'q1', enabled: true, order: 1, delay: 2 }), /QEMU guests start at boot from a systemd user unit.*This host's list is vm-bhyve’s vm_list in rc.conf/);
  assert.deepEqual(rc.setting.list, ['web1'], 'vm-bhyve’s startall would boot only bhyve guests');
  rc.setting = { list: ['web1', 'dom1'], delay: 2 };
  await service.set({ name: 'dom1', enabled: false, order: 1, delay: 2 });
  assert.deepEqual(rc.setting.list, ['web1'], 'one put there by hand can still be taken off');
});

test('a Xen or VirtualBox host has no start-at-boot list, and says why instead of writing a systemd unit', { timeout: 30_000 }, async () => {
  const datastore = await mkdtemp(join(tmpdir(), 'hivedesk-autostart-'));
  try {
    for (const [backend, why] of [['xen', /xendomains/], ['virtualbox', /vboxheadless/]] as const) {
      const core = await createCore({ datastore, backend });
      const autostart = await core.autostart.get();
      assert.deepEqual([autostart.mechanism, autostart.available], ['none', false]);
      assert.match(autostart.reason ?? '', why);
      assert.match(core.backends.find((b) => b.id === backend)?.startAtBoot.how ?? '', why, 'the page reads the same words');
    }
  } finally {
    await rm(datastore, { recursive: true, force: true });
  }
});
