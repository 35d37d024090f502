import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { createHost, type Host } from '../app/host.js';
import { Datastore } from '../datastore/datastore.js';
import { ApiFuzz, assertGuestDisk, assertNoJunk, FUZZ_TOKEN, fuzzRoot, isCloneJob } from '../testing/api-fuzz.js';
import { Cleanup, pollUntil, startQemuStandIn, stopChild, withTimeout } from '../testing/lifecycle.js';

/**
 * The hostile HTTP and WebSocket requests of testing/api-fuzz.ts against a QEMU host on a temp
 * datastore: besides what every backend must hold to, no host command runs with an argument that
 * did not pass validation.
 */
let root: string;
let datastore: string;
let host: Host;
let fuzz: ApiFuzz;

before(async () => {
  const place = await fuzzRoot();
  ({ root, datastore } = place);
  // A user systemd that is not there: start at boot must never enable a unit on the machine running this test.
  await mkdir(join(root, 'bin'));
  await writeFile(join(root, 'bin', 'systemctl'), '#!/bin/sh\necho "Failed to connect to bus: No medium found" >&2\nexit 1\n', { mode: 0o755 });
  process.env.PATH = `${join(root, 'bin')}:${process.env.PATH}`;
  host = await createHost({ datastore, backend: 'qemu' });
  fuzz = await ApiFuzz.start(host, place);
});

after(async () => {
  const handlers = host.handlers(() => '');
  for (const vm of (await handlers.listVms({})).filter((v) => v.state !== 'stopped')) await handlers.powerOffVm({ name: vm.name }).catch(() => undefined);
  host.dispose();
  await fuzz.close();
  await rm(root, { recursive: true, force: true });
});

test('thousands of hostile API requests: the server stays up and nothing escapes validation', { timeout: 180_000 }, async () => {
  await fuzz.hostileHttp();
  await checkCommands();
});

test('hostile WebSocket traffic closes sockets, never the server', { timeout: 90_000 }, async () => {
  const cleanup = new Cleanup();
  try {
    const vnc = await startDisplayGuests(cleanup);
    const opened = await fuzz.hostileWebSocket([...DISPLAY_GUESTS, 'fuzzoff']);
    assert.ok(opened >= 200, `only ${opened} sockets were opened`);
    // The screen proxy still works, and no tab that went away left its guest's screen connection open.
    assert.equal(await displayGreeting(), 'RFB 003.008\n');
    await pollUntil(async () => (await connections(vnc)) === 0, 10_000, 'every proxied screen connection to close');
    await checkCommands();
  } finally {
    await cleanup.run();
  }
});

/** Running guests (a QEMU stand-in named in qemu.pid) whose screen is served, missing, or somewhere Hivedesk must not go. */
const DISPLAY_GUESTS = ['fuzzscreen', 'fuzzblind', 'fuzzfar', 'fuzzgone', 'fuzzrelative'] as const;

/** Starts the guests and a stand-in VNC server that greets as RFB does and swallows what it is sent; returns the server. */
async function startDisplayGuests(cleanup: Cleanup): Promise<Server> {
  const sockets = new Set<Socket>();
  const vnc = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume();
    socket.write('RFB 003.008\n');
  });
  const port = await listen(vnc);
  // Connections the proxy failed to close must not keep this test's process alive.
  cleanup.add('stand-in VNC server', () => new Promise((resolve) => (vnc.close(resolve), sockets.forEach((socket) => socket.destroy()))));
  const closed = createServer();
  const closedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  const screens: Record<(typeof DISPLAY_GUESTS)[number], string | undefined> = {
    fuzzscreen: `127.0.0.1:${port}`,
    fuzzblind: undefined,
    fuzzfar: '192.0.2.7:5900',
    fuzzgone: `127.0.0.1:${closedPort}`,
    fuzzrelative: 'unix:vnc.sock',
  };
  const store = new Datastore(datastore);
  for (const [name, screen] of Object.entries(screens)) {
    await mkdir(store.guestDir(name), { recursive: true });
    await writeFile(store.confPath(name), 'cpu=1\nmemory=256M\nhivedesk_backend="qemu"\n');
    const standIn = startQemuStandIn(name, datastore);
    cleanup.add(`${name}'s stand-in`, () => stopChild(standIn, `${name}'s stand-in`));
    await writeFile(store.runtimePath(name, 'qemu.pid'), `${standIn.pid}\n`);
    cleanup.add(`${name}'s pidfile`, () => store.removeRuntime(name, 'qemu.pid'));
    await store.writeConsoles(name, screen === undefined ? {} : { vnc: screen });
  }
  // Stopped, with the screen line a run left behind: the proxy must not reach a stopped guest's old screen.
  await mkdir(store.guestDir('fuzzoff'), { recursive: true });
  await writeFile(store.confPath('fuzzoff'), 'cpu=1\nmemory=256M\nhivedesk_backend="qemu"\n');
  await store.writeConsoles('fuzzoff', { vnc: `127.0.0.1:${port}` });
  return vnc;
}

function listen(net: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    net.once('error', reject);
    net.listen(0, '127.0.0.1', () => {
      const address = net.address();
      resolve(address && typeof address === 'object' ? address.port : 0);
    });
  });
}

function connections(net: Server): Promise<number> {
  return new Promise((resolve, reject) => net.getConnections((err, count) => (err ? reject(err) : resolve(count))));
}

/** What a display tab on the guest with a screen gets first. */
async function displayGreeting(): Promise<string> {
  const params = new URLSearchParams({ name: 'fuzzscreen', token: FUZZ_TOKEN });
  const ws = new WebSocket(`ws://127.0.0.1:${fuzz.server.port}/display?${params.toString()}`, { origin: `http://127.0.0.1:${fuzz.server.port}` });
  try {
    const first = new Promise<string>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(data.toString()));
      ws.once('error', reject);
      ws.once('close', (code, reason) => reject(new Error(`closed: ${code} ${reason.toString()}`)));
    });
    return await withTimeout(first, 10_000, "the guest's RFB greeting through /display");
  } finally {
    ws.terminate();
  }
}

/** Every command run so far: only the expected programs, and arguments that could only come from validated input. */
async function checkCommands(): Promise<void> {
  for (const argv of await fuzz.commands()) {
    if (isCloneJob(argv, datastore)) continue;
    if (argv[0] === 'systemctl') {
      assert.deepEqual(argv, ['systemctl', '--user', 'show-environment'], 'start at boot only asks whether there is a user systemd');
      continue;
    }
    assert.ok(['truncate', 'qemu-system-x86_64', 'cu'].includes(argv[0] ?? ''), `unexpected command ${JSON.stringify(argv)}`);
    assertNoJunk(argv);
    if (argv[0] === 'truncate') assertGuestDisk(argv.at(-1) ?? '', datastore);
  }
}
