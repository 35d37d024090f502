import type { Result } from '../../../shared/api/errors.js';
import { HTTP_API_PREFIX, WS_EVENTS_PATH } from '../../../shared/api/transport.js';

/** Raw events as they arrive; client.ts checks them against the contract before anyone sees them. */
export type RawEventListener = (name: string, payload: unknown) => void;

/** How requests reach main: Electron IPC through the preload, or HTTP/WebSocket in browser mode. */
export interface Transport {
  invoke(channel: string, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: RawEventListener): () => void;
}

/** What the preload exposes (see electron/preload.cts). */
export interface PreloadBridge {
  invoke(channel: string, input: unknown): Promise<Result<unknown>>;
  on(listener: (name: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    hivedesk?: PreloadBridge;
  }
}

export function ipcTransport(bridge: PreloadBridge): Transport {
  return {
    invoke: (channel, input) => bridge.invoke(channel, input),
    subscribe: (listener) => bridge.on(listener),
  };
}

/** Browser mode: the token comes in the URL once, then lives in sessionStorage (not the address bar). */
export function httpTransport(location: Location, storage: Storage): Transport {
  const query = new URLSearchParams(location.search);
  const fromUrl = query.get('token');
  if (fromUrl) {
    storage.setItem('hivedesk-token', fromUrl);
    query.delete('token');
    // The rest of the address stays (a detached console's view); only the token leaves it.
    history.replaceState(null, '', `${location.pathname}${query.size ? `?${query.toString()}` : ''}`);
  }
  const token = storage.getItem('hivedesk-token') ?? '';
  return {
    async invoke(channel, input) {
      const res = await fetch(`${HTTP_API_PREFIX}${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(input),
      }).catch((err: Error) => err);
      if (res instanceof Error) return { ok: false, error: { code: 'unavailable', message: `Hivedesk is not reachable: ${res.message}` } };
      if (!res.ok) return { ok: false, error: { code: 'unavailable', message: `${res.status} ${await res.text()}`.trim() } };
      return (await res.json()) as Result<unknown>;
    },
    subscribe(listener) {
      return reconnecting(socketUrl(`${WS_EVENTS_PATH}?token=${encodeURIComponent(token)}`, location), listener);
    },
  };
}

/**
 * A WebSocket address as the page reaches its server: through an SSH tunnel on another port,
 * or opened as localhost, the page's own host is the only one that works. Absolute URLs
 * (Electron's, whose page is app://) are kept as they are.
 */
export function socketUrl(url: string, location: Location): string {
  return new URL(url, `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`).href;
}

/** The event stream comes back by itself after the server restarts. */
function reconnecting(url: string, listener: RawEventListener): () => void {
  let closed = false;
  let socket: WebSocket | undefined;
  const connect = () => {
    socket = new WebSocket(url);
    socket.onmessage = (msg) => {
      const { name, payload } = JSON.parse(String(msg.data)) as { name: string; payload: unknown };
      listener(name, payload);
    };
    socket.onclose = () => {
      if (!closed) setTimeout(connect, 1000);
    };
  };
  connect();
  return () => {
    closed = true;
    socket?.close();
  };
}
