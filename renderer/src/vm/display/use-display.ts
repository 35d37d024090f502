import type RFB from '@novnc/novnc';
import { type RefObject, useEffect, useRef, useState } from 'react';
import { invoke } from '../../api/client.js';
import { socketUrl } from '../../api/transport.js';

export type DisplayStatus =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  /** The guest's VNC server asks for its password (vnc_password). */
  | { kind: 'password' }
  | { kind: 'disconnected'; reason: string };

export interface DisplayHandles {
  rfb: RefObject<RFB | null>;
  status: DisplayStatus;
  reconnect(): void;
  sendPassword(password: string): void;
}

/**
 * A guest's screen: noVNC on main's display proxy over the loopback WebSocket, drawn into `host`, scaled to it when
 * `scale` is on. noVNC is loaded with the first display tab, not with the app: it waits on a video-decoder check.
 */
export function useDisplay(name: string, host: RefObject<HTMLDivElement | null>, scale: boolean): DisplayHandles {
  const rfb = useRef<RFB>(null);
  const scaled = useRef(scale);
  const [status, setStatus] = useState<DisplayStatus>({ kind: 'connecting' });
  // Bumped by Reconnect: a new connection, to the guest's new screen after a restart.
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let disposed = false;
    let client: RFB | undefined;
    void Promise.all([invoke('openDisplay', { name }), import('@novnc/novnc')]).then(([opened, { default: Rfb }]) => {
      const element = host.current;
      if (disposed || !element) return;
      if (!opened.ok) return setStatus({ kind: 'disconnected', reason: opened.error.message });
      // Our own socket, so the proxy's reason for closing it (the guest stopped, no screen) can be shown.
      const socket = new WebSocket(socketUrl(opened.value.url, window.location));
      let closedWith = '';
      socket.addEventListener('close', (event) => (closedWith = event.reason));
      const created = new Rfb(element, socket, { shared: true });
      client = rfb.current = created;
      created.background = '#000';
      created.scaleViewport = scaled.current;
      created.addEventListener('connect', () => {
        setStatus({ kind: 'connected' });
        created.focus();
      });
      created.addEventListener('credentialsrequired', () => setStatus({ kind: 'password' }));
      created.addEventListener('securityfailure', (event) => (closedWith = `the screen refused the connection${event.detail.reason ? `: ${event.detail.reason}` : ''}`));
      created.addEventListener('disconnect', (event) => {
        if (rfb.current === created) rfb.current = null;
        setStatus({ kind: 'disconnected', reason: closedWith || (event.detail.clean ? 'the screen closed' : 'the connection to the screen was lost') });
      });
    }, (err: Error) => !disposed && setStatus({ kind: 'disconnected', reason: `the viewer did not load: ${err.message}` }));
    return () => {
      disposed = true;
      client?.disconnect();
      rfb.current = null;
    };
  }, [name, attempt, host]);

  useEffect(() => {
    scaled.current = scale;
    if (rfb.current) rfb.current.scaleViewport = scale;
  }, [scale]);

  return {
    rfb,
    status,
    reconnect: () => {
      setStatus({ kind: 'connecting' });
      setAttempt((n) => n + 1);
    },
    sendPassword: (password) => {
      rfb.current?.sendCredentials({ password });
      setStatus({ kind: 'connecting' });
    },
  };
}
