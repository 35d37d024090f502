import type { RawData, WebSocket } from 'ws';
import { ConsoleClientMessage, type ConsoleServerMessage } from '../../shared/api/console-protocol.js';
import { ConsoleRef } from '../../shared/api/consoles.js';
import { fromZod } from '../app/dispatcher.js';
import type { ConsoleManager } from '../consoles/manager.js';
import type { ViewerHandle } from '../consoles/session.js';
import { closeSocket } from './socket-close.js';

/**
 * A terminal tab over a WebSocket: the replay first, then live output as fast as the tab draws
 * it (it acknowledges what it drew); its input goes to the shared session, acknowledged once
 * written to the line, so a paste can pace itself and show progress.
 */
export function attachConsoleSocket(consoles: ConsoleManager, ws: WebSocket, params: URLSearchParams): void {
  let handle: ViewerHandle | undefined;
  let gone = false;
  // Before any await: a tab closed while its session is being opened must never be attached.
  ws.on('close', () => {
    gone = true;
    handle?.detach();
  });
  const ref = ConsoleRef.safeParse({ name: params.get('name'), port: params.get('port') });
  if (!ref.success) return closeSocket(ws, 4400, fromZod(ref.error).message);
  // Keystrokes typed before the session is ready wait in the socket, in order.
  ws.pause();
  consoles.session(ref.data.name, ref.data.port).then(
    (session) => {
      if (gone) return;
      let delivered = 0;
      let drawn = 0;
      const notify = (message: ConsoleServerMessage) => open(ws) && ws.send(JSON.stringify(message));
      handle = session.attach({
        send: (data) => {
          if (!open(ws)) return;
          delivered += data.length;
          ws.send(data, { binary: true });
        },
        notify,
        pending: () => ws.bufferedAmount + delivered - drawn,
        close: (reason) => closeSocket(ws, 1000, reason),
      });
      const attached = handle;
      ws.on('message', (data: RawData, isBinary: boolean) => {
        // Binary frames (xterm's mouse reports) mean nothing to a serial line.
        if (isBinary) return;
        const message = parse(data);
        if (!message) return closeSocket(ws, 1008, 'malformed console message');
        if (message.t === 'input') {
          const taken = session.write(message.data, () => notify({ t: 'input-done', chars: message.data.length }));
          if (!taken) closeSocket(ws, 1008, 'input arrives far faster than the serial line takes it');
        } else {
          drawn = Math.min(delivered, Math.max(drawn, message.bytes));
          attached.drained();
        }
      });
      ws.resume();
    },
    (err: Error) => {
      // Resumed, or the closing handshake could not read the tab's reply.
      ws.resume();
      if (!gone) closeSocket(ws, 4409, err.message);
    },
  );
}

function open(ws: WebSocket): boolean {
  return ws.readyState === ws.OPEN;
}

function parse(data: RawData): ConsoleClientMessage | undefined {
  try {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = ConsoleClientMessage.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
