import { connect, type Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { VmRef } from '../../shared/api/vms.js';
import { fromZod } from '../app/dispatcher.js';
import type { ConsoleManager } from '../consoles/manager.js';
import { closeSocket } from './socket-close.js';

/** A slow page holds the guest's VNC stream back here, not in memory. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

/**
 * A display tab's WebSocket (noVNC) piped to the guest's VNC server on loopback or its unix
 * socket: bytes both ways, nothing interpreted, with the same token/Origin/Host rules as a console.
 */
export function attachDisplaySocket(consoles: ConsoleManager, ws: WebSocket, params: URLSearchParams): void {
  let vnc: Socket | undefined;
  let gone = false;
  ws.on('close', () => {
    gone = true;
    vnc?.destroy();
  });
  const ref = VmRef.safeParse({ name: params.get('name') });
  if (!ref.success) return closeSocket(ws, 4400, fromZod(ref.error).message);
  // What the page sends before the guest's server answers waits in the socket, in order.
  ws.pause();
  consoles.display(ref.data.name).then(
    (target) => {
      if (gone) return;
      const socket = (vnc = 'path' in target ? connect(target.path) : connect(target.port, target.host));
      socket.on('connect', () => ws.resume());
      socket.on('data', (data: Buffer) => {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(data, { binary: true });
        if (ws.bufferedAmount > HIGH_WATER) holdUntilDrained(ws, socket);
      });
      ws.on('message', (data: RawData) => {
        if (!socket.write(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer))) ws.pause();
      });
      socket.on('drain', () => ws.resume());
      socket.on('error', (err) => closeSocket(ws, 4502, `the guest's screen is not reachable: ${err.message}`));
      socket.on('close', () => closeSocket(ws, 1000, "the guest's screen closed"));
    },
    (err: Error) => {
      ws.resume();
      if (!gone) closeSocket(ws, 4409, err.message);
    },
  );
}

function holdUntilDrained(ws: WebSocket, socket: Socket): void {
  if (socket.isPaused()) return;
  socket.pause();
  const timer = setInterval(() => {
    if (ws.readyState === ws.OPEN && ws.bufferedAmount > LOW_WATER) return;
    clearInterval(timer);
    socket.resume();
  }, 20);
}
