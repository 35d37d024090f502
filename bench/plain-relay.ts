/**
 * The console benchmark's second baseline: the plainest way to put cu on a WebSocket, as
 * xterm.js's own demo server does it (node-pty's output gathered for 3 ms or up to 256 KiB, then
 * sent to every socket). No replay, no flow control, no token, no input: what is left is the
 * cost of the transport itself, a loopback WebSocket to a viewer in another thread, which
 * Hivedesk's path cannot avoid either.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { spawnCu } from '../electron/testing/console-rig.js';
import type { ConsoleAddress } from '../electron/testing/console-viewer.js';
import { type Cleanup, withTimeout } from '../electron/testing/lifecycle.js';

const GATHER_MS = 3;
const GATHER_MAX = 256 * 1024;

/** Starts cu on `device` behind a WebSocket server on 127.0.0.1; resolves once cu holds the line. */
export async function startPlainRelay(device: string, cleanup: Cleanup, ms: number): Promise<ConsoleAddress> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  cleanup.add('plain relay server', () => new Promise<void>((resolve) => server.close(() => resolve())));
  await once(server, 'listening');
  const sockets = new Set<WebSocket>();
  server.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
  });

  const { cu } = spawnCu(device, cleanup, 'the relay cu', null);
  let gathered: Buffer[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    clearTimeout(timer);
    timer = undefined;
    const chunk = Buffer.concat(gathered);
    gathered = [];
    size = 0;
    for (const ws of sockets) ws.send(chunk, { binary: true });
  };
  let connected!: () => void;
  const holdsLine = new Promise<void>((resolve) => (connected = resolve));
  cu.onData((data: string | Buffer) => {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (bytes.includes('Connected.')) connected();
    gathered.push(bytes);
    size += bytes.length;
    if (size >= GATHER_MAX) send();
    else timer ??= setTimeout(send, GATHER_MS);
  });
  await withTimeout(holdsLine, ms, 'the relay cu to connect');
  const port = (server.address() as AddressInfo).port;
  return { url: `ws://127.0.0.1:${port}/`, origin: `http://127.0.0.1:${port}` };
}
