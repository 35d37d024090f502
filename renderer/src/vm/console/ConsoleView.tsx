import { AttachAddon } from '@xterm/addon-attach';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import type { ConsolePort } from '../../../../shared/api/consoles.js';
import { invoke } from '../../api/client.js';

interface Props {
  name: string;
  port: ConsolePort;
  visible: boolean;
}

/**
 * A serial console tab: xterm.js attached to main's shared session over the loopback
 * WebSocket. Closing the tab only detaches; the guest and its other viewers carry on.
 */
export function ConsoleView({ name, port, visible }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const fit = useRef<FitAddon>(null);
  const [status, setStatus] = useState('connecting…');

  useEffect(() => {
    const term = new Terminal({ convertEol: false, scrollback: 10000, screenReaderMode: true, fontSize: 14, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' });
    const fitAddon = new FitAddon();
    fit.current = fitAddon;
    term.loadAddon(fitAddon);
    if (host.current) term.open(host.current);
    let socket: WebSocket | undefined;
    let disposed = false;
    void invoke('openConsole', { name, port }).then((result) => {
      if (disposed) return;
      if (!result.ok) return setStatus(result.error.message);
      socket = new WebSocket(result.value.url);
      socket.onopen = () => setStatus('connected');
      socket.onclose = (e) => setStatus(`disconnected${e.reason ? `: ${e.reason}` : ''}`);
      term.loadAddon(new AttachAddon(socket));
      resize(term, fitAddon, name, port);
      term.focus();
    });
    const observer = new ResizeObserver(() => resize(term, fitAddon, name, port));
    if (host.current) observer.observe(host.current);
    return () => {
      disposed = true;
      observer.disconnect();
      socket?.close();
      term.dispose();
    };
  }, [name, port]);

  useEffect(() => {
    if (visible && fit.current) fit.current.fit();
  }, [visible]);

  return (
    <div className="console">
      <p className="console-status" aria-live="polite">
        {name} · {port}: {status}
      </p>
      <div className="console-screen" ref={host} />
    </div>
  );
}

function resize(term: Terminal, fitAddon: FitAddon, name: string, port: ConsolePort): void {
  const size = fitAddon.proposeDimensions();
  if (!size || !Number.isFinite(size.cols) || size.cols < 2) return;
  fitAddon.fit();
  void invoke('resizeConsole', { name, port, cols: term.cols, rows: term.rows });
}
