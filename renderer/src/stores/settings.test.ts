import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { type SettingsView, VmSettings, type VmSettingsForm } from '../../../shared/api/settings.js';
import type { PreloadBridge } from '../api/transport.js';

/** main as the store reaches it: getSettings answers with `onDisk`, and every request is counted. */
let onDisk: SettingsView;
const asked: string[] = [];
const bridge: PreloadBridge = {
  invoke: async (channel) => {
    asked.push(channel);
    if (channel === 'getSettings') return { ok: true, value: structuredClone(onDisk) };
    if (channel === 'listSettingsHistory') return { ok: true, value: [] };
    return { ok: false, error: { code: 'unavailable', message: `${channel} is not faked here` } };
  },
  on: () => () => undefined,
};
Object.assign(globalThis, { window: { hivedesk: bridge } });
const { useSettings } = await import('./settings.js');
const { toForm } = await import('../vm/settings/form.js');

const NAME = 'conf-live1';
const view = (revision: string, change: Partial<VmSettingsForm>): SettingsView => ({
  name: NAME,
  backend: 'bhyve',
  state: 'stopped',
  revision,
  settings: VmSettings.parse({ ...BASE, ...change }),
  pending: [],
  otherKeys: [],
  disks: [],
  guestDir: `/vm/${NAME}`,
});
const BASE: VmSettingsForm = {
  description: '',
  tags: '',
  cpus: 1,
  memory: '512M',
  loader: 'uefi',
  uefiVars: false,
  installMedia: '',
  disks: [],
  networks: [],
  graphics: { enabled: false, listen: '127.0.0.1', port: 'auto', resolution: '1024x768', wait: 'auto', tablet: false },
  comports: ['com1'],
  bhyveOptions: '',
  utcTime: true,
  hostbridge: 'standard',
  wiredMemory: false,
};
const held = () => useSettings.getState().byName[NAME];

/** A form shown for the file at revision r1, then a hand edit on disk makes it r2 with these values. */
async function openThenHandEdit(editing: boolean, handEdit: Partial<VmSettingsForm>): Promise<void> {
  onDisk = view('r1', {});
  await useSettings.getState().load(NAME);
  useSettings.getState().setEditing(NAME, editing);
  onDisk = view('r2', handEdit);
  asked.length = 0;
}

beforeEach(() => useSettings.setState({ byName: {} }));

test('an untouched form follows a hand edit by itself, and says it reloaded', { timeout: 5000 }, async () => {
  await openThenHandEdit(false, { memory: '1G' });
  await useSettings.getState().configChanged(NAME);
  assert.equal(held()?.view?.revision, 'r2');
  assert.equal(held()?.view?.settings.memory, '1G');
  assert.equal(held()?.reloaded, true);
  assert.equal(held()?.conflict, false);
});

test('a form with edits keeps them and shows the conflict at once, without re-reading into the form', { timeout: 5000 }, async () => {
  await openThenHandEdit(true, { memory: '1G' });
  await useSettings.getState().configChanged(NAME);
  assert.equal(held()?.conflict, true);
  assert.equal(held()?.view?.revision, 'r1', 'the form still quotes the revision it was read from, so Save stays refused');
  assert.equal(held()?.reloaded, false);
});

test("Reload keeps the user's edits to fields the hand edit left alone, and points out the ones it changed", { timeout: 5000 }, async () => {
  await openThenHandEdit(true, { memory: '1G', description: 'edited by hand' });
  await useSettings.getState().configChanged(NAME);
  const mine = { ...toForm(view('r1', {}).settings), cpus: 2, memory: '768M' };
  await useSettings.getState().reload(NAME, mine);
  const state = held();
  assert.equal(state?.view?.revision, 'r2');
  assert.equal(state?.conflict, false);
  assert.equal(state?.carry?.revision, 'r2');
  assert.equal(state?.carry?.values.cpus, 2, 'CPUs: edited here, not on disk, so kept');
  assert.equal(state?.carry?.values.memory, '1G', 'Memory: changed on disk, so the file wins');
  assert.equal(state?.carry?.values.description, 'edited by hand');
  assert.deepEqual(
    state?.changedOnDisk.map((c) => [c.field, c.replaced]),
    [
      ['description', false],
      ['memory', true],
    ],
  );
});

test("a save's own write is not a hand edit, and a closed form reads nothing", { timeout: 5000 }, async () => {
  await openThenHandEdit(true, {});
  onDisk = view('r1', {});
  await useSettings.getState().configChanged(NAME);
  assert.equal(held()?.conflict, false);
  useSettings.getState().setEditing(NAME, undefined);
  onDisk = view('r3', { memory: '2G' });
  asked.length = 0;
  await useSettings.getState().configChanged(NAME);
  assert.deepEqual(asked, []);
  assert.equal(held()?.view?.revision, 'r1');
});
