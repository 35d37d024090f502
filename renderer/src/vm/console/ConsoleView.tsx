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
  const [connected, setConnected] = useState(false);
  // Bumped by Reconnect: a new terminal attaches to the (new) session after the guest restarts.
  const [attempt, setAttempt] = useState(0);

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
      setStatus('connecting…');
      socket = new WebSocket(result.value.url);
      socket.onopen = () => {
        setStatus('connected');
        setConnected(true);
      };
      socket.onclose = (e) => {
        setStatus(`disconnected${e.reason ? `: ${e.reason}` : ''}`);
        setConnected(false);
      };
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
  }, [name, port, attempt]);

  useEffect(() => {
    if (visible && fit.current) fit.current.fit();
  }, [visible]);

  return (
    <div className="console">
      <div className="console-status">
        <p aria-live="polite">
          {name} · {port}: {status}
        </p>
        {!connected && status !== 'connecting…' && <button onClick={() => setAttempt(attempt + 1)}>Reconnect</button>}
      </div>
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
