import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONSOLE_FRAME_LIMIT } from '../../shared/api/console-protocol.js';
import { HTTP_API_PREFIX, WS_CONSOLE_PATH, WS_DISPLAY_PATH, WS_EVENTS_PATH } from '../../shared/api/transport.js';
import { dispatch, type Handlers } from '../app/dispatcher.js';
import type { Host } from '../app/host.js';
import { attachConsoleSocket } from './console-socket.js';
import { attachDisplaySocket } from './display-socket.js';
import { type Guard, loopbackHost, refusal } from './guard.js';
import { closeSocket } from './socket-close.js';
import { contentSecurityPolicy, serveStatic } from './static-files.js';

export interface ServerOptions {
  host: Host;
  token: string;
  port: number;
  /** The built renderer; absent in Electron mode, where the window loads it from app://. */
  staticRoot?: string;
  /** Origins allowed besides the server's own (Electron's app:// origin). */
  extraOrigins?: string[];
}

export interface LoopbackServer {
  port: number;
  url: string;
  /** The dispatcher's handlers; console URLs are relative, for a page this server served. */
  handlers: Handlers;
  /** A socket's absolute URL (a console, a display), for a page served elsewhere (Electron's app://). */
  socketUrl(path: string, params: Record<string, string>): string;
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024;
/** An events client this far behind is dropped; it reconnects and loads the list afresh. */
const EVENTS_BACKLOG_LIMIT = 4 * 1024 * 1024;

/** The HTTP/WebSocket transport, bound to 127.0.0.1 only; a dumb pipe in front of the dispatcher. */
export async function startLoopbackServer(options: ServerOptions): Promise<LoopbackServer> {
  const guard: Guard = { token: options.token, extraOrigins: options.extraOrigins ?? [] };
  let handlers: Handlers | undefined;
  const http = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(err instanceof Error ? err.message : 'internal error');
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: CONSOLE_FRAME_LIMIT });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!loopbackHost(req)) return void res.writeHead(421).end();
    if (req.method === 'POST' && url.pathname.startsWith(HTTP_API_PREFIX) && handlers) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const refused = refusal(guard, req, bearer);
      if (refused) return void res.writeHead(403, { 'content-type': 'text/plain' }).end(refused);
      const body = await readBody(req).catch(() => undefined);
      if (body === undefined) return void res.writeHead(413).end();
      const input = parseJson(body);
      if (input === INVALID) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('the body is not JSON');
      const result = await dispatch(handlers, url.pathname.slice(HTTP_API_PREFIX.length), input);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return void res.end(JSON.stringify(result));
    }
    // The page reaches this server at whatever address it was opened with (a tunnel, localhost): 'self'.
    if (req.method === 'GET' && options.staticRoot) return serveStatic(options.staticRoot, url.pathname, res, contentSecurityPolicy());
    res.writeHead(404).end();
  }

  http.on('upgrade', (req, socket, head) => {
    // A reset or a malformed frame on a raw socket must cost that socket only, never the server.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused = refusal(guard, req, url.searchParams.get('token'));
    if (refused) {
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${refused}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A protocol error (a frame over the limit, invalid UTF-8) closes that socket; ws reports it here.
      ws.on('error', () => ws.terminate());
      if (url.pathname === WS_EVENTS_PATH) return streamEvents(options.host, ws);
      if (url.pathname === WS_CONSOLE_PATH) return attachConsoleSocket(options.host.consoles, ws, url.searchParams);
      if (url.pathname === WS_DISPLAY_PATH) return attachDisplaySocket(options.host.consoles, ws, url.searchParams);
      closeSocket(ws, 4404, 'unknown path');
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, '127.0.0.1', resolve);
  });
  const port = (http.address() as AddressInfo).port;
  const socketPath = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams({ ...params, token: options.token }).toString()}`;
  handlers = options.host.handlers(socketPath);
  return {
    port,
    handlers,
    socketUrl: (path, params) => `ws://127.0.0.1:${port}${socketPath(path, params)}`,
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(options.token)}`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

function streamEvents(host: Host, ws: WebSocket): void {
  const unsubscribe = host.events.subscribe((name, payload) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > EVENTS_BACKLOG_LIMIT) return ws.terminate();
    ws.send(JSON.stringify({ name, payload }));
  });
  ws.on('close', unsubscribe);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) return reject(new Error('too large'));
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const INVALID = Symbol('invalid JSON');

/** An empty body is an empty request; anything else must be JSON. */
function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}
