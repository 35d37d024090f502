import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConsolePort } from '../../../../shared/api/consoles.js';
import { invoke } from '../../api/client.js';
import { socketUrl } from '../../api/transport.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { ConsoleLink } from './console-link.js';
import { describePaste, needsConfirmation, PasteJob, type PasteProgress, pasteText, size } from './paste.js';

interface Props {
  name: string;
  port: ConsolePort;
  visible: boolean;
}

/**
 * A serial console tab: xterm.js on main's shared session over the loopback WebSocket.
 * Closing the tab only detaches; the guest and its other viewers carry on.
 */
export function ConsoleView({ name, port, visible }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const fit = useRef<FitAddon>(null);
  const link = useRef<ConsoleLink>(null);
  const paste = useRef<PasteJob>(null);
  const terminal = useRef<Terminal>(null);
  const [status, setStatus] = useState('connecting…');
  const [connected, setConnected] = useState(false);
  // Bumped by Reconnect: a new terminal attaches to the (new) session after the guest restarts.
  const [attempt, setAttempt] = useState(0);
  const [asking, setAsking] = useState<string>();
  const [progress, setProgress] = useState<PasteProgress>();

  // One paste at a time; a second waits for the first to finish or be cancelled.
  const startPaste = useCallback((text: string) => {
    if (!link.current?.isOpen || paste.current?.running) return;
    paste.current = new PasteJob(link.current, text, setProgress);
  }, []);

  useEffect(() => {
    const term = new Terminal({ convertEol: false, scrollback: 10000, screenReaderMode: true, fontSize: 14, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace' });
    terminal.current = term;
    const fitAddon = new FitAddon();
    fit.current = fitAddon;
    term.loadAddon(fitAddon);
    const element = host.current;
    if (element) term.open(element);
    let disposed = false;
    // Pastes go through PasteJob (paced, confirmed when long), never as one unbounded frame.
    const onPaste = (event: ClipboardEvent) => {
      event.preventDefault();
      event.stopImmediatePropagation();
      const text = pasteText(event.clipboardData?.getData('text/plain') ?? '', term.modes.bracketedPasteMode);
      if (!text) return;
      if (needsConfirmation(text)) setAsking(text);
      else startPaste(text);
    };
    element?.addEventListener('paste', onPaste, { capture: true });
    void invoke('openConsole', { name, port }).then((result) => {
      if (disposed) return;
      if (!result.ok) return setStatus(result.error.message);
      link.current = new ConsoleLink(socketUrl(result.value.url, window.location), {
        open: () => {
          setStatus('connected');
          setConnected(true);
        },
        output: (data, drawn) => term.write(data, drawn),
        resync: (skipped) => {
          term.reset();
          term.write(`\x1b[2m[Hivedesk: this tab fell behind; ${size(skipped)} of output was skipped]\x1b[0m\r\n`);
        },
        close: (reason) => {
          paste.current?.cancel();
          setStatus(`disconnected${reason ? `: ${reason}` : ''}`);
          setConnected(false);
        },
      });
      term.onData((data) => link.current?.send(data));
      resize(term, fitAddon, name, port);
      term.focus();
    });
    const observer = new ResizeObserver(() => resize(term, fitAddon, name, port));
    if (element) observer.observe(element);
    return () => {
      disposed = true;
      observer.disconnect();
      element?.removeEventListener('paste', onPaste, { capture: true });
      paste.current?.cancel();
      link.current?.close();
      term.dispose();
    };
  }, [name, port, attempt, startPaste]);

  useEffect(() => {
    if (visible && fit.current) fit.current.fit();
  }, [visible]);

  // Typing goes on in the terminal once the paste question is answered (the dialog had the focus).
  useEffect(() => {
    if (asking === undefined) terminal.current?.focus();
  }, [asking]);

  return (
    <div className="console">
      <div className="console-status">
        <p aria-live="polite">
          {name} · {port}: {status}
        </p>
        {!connected && status !== 'connecting…' && <button onClick={() => setAttempt(attempt + 1)}>Reconnect</button>}
        {progress && !progress.done && (
          <PasteBar
            progress={progress}
            onCancel={() => {
              paste.current?.cancel();
              terminal.current?.focus();
            }}
          />
        )}
      </div>
      <div className="console-screen" ref={host} />
      {asking !== undefined && (
        <ConfirmDialog
          title={`Paste into ${name} · ${port}?`}
          body={`The clipboard holds ${describePaste(asking)}. Each line is typed into the guest as if entered by hand.`}
          confirmLabel="Paste"
          onCancel={() => setAsking(undefined)}
          onConfirm={() => {
            setAsking(undefined);
            startPaste(asking);
          }}
        />
      )}
    </div>
  );
}

function PasteBar({ progress, onCancel }: { progress: PasteProgress; onCancel: () => void }) {
  return (
    <div className="paste-progress">
      <label>
        Pasting… {Math.floor((progress.written / progress.total) * 100)} %
        <progress max={progress.total} value={progress.written} aria-label="Paste progress" />
      </label>
      <button onClick={onCancel}>Cancel paste</button>
    </div>
  );
}

function resize(term: Terminal, fitAddon: FitAddon, name: string, port: ConsolePort): void {
  const size = fitAddon.proposeDimensions();
  if (!size || !Number.isFinite(size.cols) || size.cols < 2) return;
  fitAddon.fit();
  void invoke('resizeConsole', { name, port, cols: term.cols, rows: term.rows });
}
