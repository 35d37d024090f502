import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { dispatch } from '../app/dispatcher.js';
import { Datastore } from '../datastore/datastore.js';
import { type Hivedesk, openSerialLine, RIG_GUEST, type SerialLine, startHivedesk } from '../testing/console-rig.js';
import { Cleanup, withTimeout } from '../testing/lifecycle.js';

/** The display proxy between a tab's noVNC and a guest's VNC server, against a stand-in server that greets as RFB does. */
let root: string;
let cleanup: Cleanup;
let line: SerialLine;
let hivedesk: Hivedesk;
let store: Datastore;
const received: Buffer[] = [];

function vncServer(listen: (server: Server) => void): Promise<Server> {
  const server = createServer((socket: Socket) => {
    socket.write('RFB 003.008\n');
    socket.on('data', (data: Buffer) => received.push(data));
  });
  return new Promise((resolve) => {
    server.once('listening', () => resolve(server));
    listen(server);
  });
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hivedesk-display-'));
  cleanup = new Cleanup();
  cleanup.add('temp dir', () => rm(root, { recursive: true, force: true }));
  line = await openSerialLine(join(root, 'line'), cleanup);
  hivedesk = await startHivedesk(root, line.device, cleanup);
  store = new Datastore(join(root, 'datastore'));
});

after(() => cleanup.run());

async function openDisplay(): Promise<{ ok: boolean; value?: { url: string }; error?: { code: string; message: string } }> {
  return (await dispatch(hivedesk.server.handlers, 'openDisplay', { name: RIG_GUEST })) as never;
}

function connect(url: string): Promise<{ ws: WebSocket; first: Promise<Buffer>; closed: Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${hivedesk.server.port}${url}`, { origin: `http://127.0.0.1:${hivedesk.server.port}` });
  const first = new Promise<Buffer>((resolve) => ws.once('message', (data: Buffer) => resolve(data)));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, first, closed }));
    ws.once('error', reject);
  });
}

test("a tab's bytes reach the guest's VNC server on loopback and back, untouched", { timeout: 20_000 }, async () => {
  const server = await vncServer((s) => s.listen(0, '127.0.0.1'));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  await store.writeConsoles(RIG_GUEST, { com1: line.device, vnc: `0.0.0.0:${address.port}` });
  const opened = await openDisplay();
  assert.equal(opened.ok, true, JSON.stringify(opened));
  assert.match(opened.value?.url ?? '', /^\/display\?name=benchvm&token=/);
  const { ws, first, closed } = await connect(opened.value?.url ?? '');
  assert.equal((await withTimeout(first, 5_000, 'the RFB greeting')).toString(), 'RFB 003.008\n');
  ws.send(Buffer.from('RFB 003.008\n'), { binary: true });
  await withTimeout(new Promise<void>((resolve) => { const t = setInterval(() => Buffer.concat(received).toString() === 'RFB 003.008\n' && (clearInterval(t), resolve()), 20); }), 5_000, 'the reply at the server');
  // The guest's server going away closes the tab's socket, with why.
  for (const socket of await new Promise<Socket[]>((resolve) => server.getConnections(() => resolve([])))) socket.destroy();
  server.close();
  ws.close();
  assert.ok([1000, 1005].includes(await withTimeout(closed, 5_000, 'the socket to close')));
});

test('a screen served on a unix socket works the same', { timeout: 20_000 }, async () => {
  const path = join(root, 'vnc.sock');
  const server = await vncServer((s) => s.listen(path));
  await store.writeConsoles(RIG_GUEST, { com1: line.device, vnc: `unix:${path}` });
  const { ws, first } = await connect((await openDisplay()).value?.url ?? '');
  assert.equal((await withTimeout(first, 5_000, 'the RFB greeting')).toString(), 'RFB 003.008\n');
  ws.close();
  server.close();
});

test('a screen on another host, or none, is refused with why; nothing connects', { timeout: 20_000 }, async () => {
  await store.writeConsoles(RIG_GUEST, { com1: line.device, vnc: '192.168.1.5:5900' });
  const elsewhere = await openDisplay();
  assert.equal(elsewhere.error?.code, 'unavailable');
  assert.match(elsewhere.error?.message ?? '', /listens on 192\.168\.1\.5, not on loopback/);
  const { closed } = await connect(`/display?name=${RIG_GUEST}&token=${new URLSearchParams(hivedesk.address.url.split('?')[1]).get('token') ?? ''}`);
  assert.equal(await withTimeout(closed, 5_000, 'the refusal'), 4409);

  await store.writeConsoles(RIG_GUEST, { com1: line.device });
  const none = await openDisplay();
  assert.equal(none.error?.code, 'not_found');
  assert.match(none.error?.message ?? '', /has no screen: turn on its framebuffer/);
});
