import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseConf } from '../../datastore/conf.js';
import { Datastore } from '../../datastore/datastore.js';
import { toGuestConfig } from '../../datastore/guest-config.js';
import { CommandLog } from '../../host/command-log.js';
import { HostRunner } from '../../host/run.js';
import { QemuBackend } from './qemu-backend.js';

/** The QEMU backend's pre-flight and first-start identity; nothing here starts QEMU. */
let root: string;
let store: Datastore;
let backend: QemuBackend;
const conf = (mac: string) => `loader="uefi"\ncpu=1\nmemory=256M\ndisk0_type="virtio-blk"\ndisk0_name="disk0.img"\nnetwork0_type="virtio-net"\n${mac}`;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-qemu-'));
  store = new Datastore(root);
  backend = new QemuBackend(new HostRunner(new CommandLog()), store);
  for (const [name, text] of [['web1', conf('network0_mac="58:9c:fc:0a:00:01"\n')], ['web2', conf('network0_mac="58:9C:FC:0A:00:01"\n')], ['fresh', conf('')]] as const) {
    await store.create(name, parseConf(text));
    await writeFile(join(root, name, 'disk0.img'), '');
  }
});

after(() => rm(root, { recursive: true, force: true }));

const guest = async (name: string) => toGuestConfig(name, (await store.read(name)) ?? parseConf(''), 'qemu');

test('a MAC another guest of the datastore has is refused before QEMU runs, with the fix', { timeout: 30_000 }, async () => {
  await assert.rejects(backend.start(await guest('web1')), {
    message: "network0_mac 58:9c:fc:0a:00:01 is also the MAC of web2's network0: pick another MAC in Settings → Network.",
  });
  assert.deepEqual((await readdir(join(root, 'web1'))).sort(), ['disk0.img', 'web1.conf']);
});

test('a guest without uuid or MAC: the plan shows what the start adds to its .conf, and QEMU gets those values', { timeout: 30_000 }, async () => {
  const plan = await backend.planStart(await guest('fresh'));
  const [file] = plan.files ?? [];
  assert.equal(file?.path, store.confPath('fresh'));
  assert.equal(file?.append, true);
  const [, uuid, mac] = /^uuid="(.+)"\nnetwork0_mac="(.+)"\n$/.exec(file?.content ?? '') ?? [];
  const argv = plan.commands[0]?.argv ?? [];
  assert.equal(argv[argv.indexOf('-uuid') + 1], uuid);
  assert.ok(argv.includes(`virtio-net-pci,netdev=net0,mac=${mac}`));
  assert.deepEqual(plan.warnings, []);
  assert.match(plan.notes.join('\n'), /Not applied on QEMU, kept in the \.conf: loader/);
  assert.equal(await readFile(store.confPath('fresh'), 'utf8'), conf(''), 'a plan writes nothing');
});
