import type { Terminal } from '@xterm/xterm';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import type { ConsolePort } from '../../../../shared/api/consoles.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { FindBar } from './FindBar.js';
import { HeldNotice } from './HeldNotice.js';
import { describePaste, needsConfirmation, PasteJob, type PasteProgress, pasteText } from './paste.js';
import { saveScrollback } from './save-log.js';
import { ScreenReaderToggle } from './ScreenReaderToggle.js';
import { useConsole } from './use-console.js';

interface Props {
  name: string;
  port: ConsolePort;
  visible: boolean;
  /** Extra tools for this tab (Detach, Split) from the workspace; none in a detached window. */
  tools?: ReactNode;
}

/** Ctrl+F (or Ctrl+Shift+F) opens the find bar instead of reaching the guest. */
const isFindShortcut = (e: KeyboardEvent) => e.type === 'keydown' && e.ctrlKey && !e.altKey && e.key.toLowerCase() === 'f';

/**
 * A serial console tab: xterm.js on main's shared session over the loopback WebSocket.
 * Closing the tab only detaches; the guest and its other viewers carry on.
 */
export function ConsoleView({ name, port, visible, tools }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const paste = useRef<PasteJob>(null);
  const [asking, setAsking] = useState<string>();
  const [progress, setProgress] = useState<PasteProgress>();
  const [finding, setFinding] = useState(false);

  const tab = useConsole(name, port, host, visible, {
    onShortcut: (event) => {
      if (!isFindShortcut(event)) return false;
      setFinding(true);
      return true;
    },
    // Pastes go through PasteJob (paced, confirmed when long), never as one unbounded frame.
    onPaste: (event: ClipboardEvent, term: Terminal) => {
      event.preventDefault();
      event.stopImmediatePropagation();
      const text = pasteText(event.clipboardData?.getData('text/plain') ?? '', term.modes.bracketedPasteMode);
      if (!text) return;
      if (needsConfirmation(text)) setAsking(text);
      else startPaste(text);
    },
    onClose: () => paste.current?.cancel(),
  });
  const { terminal, link } = tab;

  // One paste at a time; a second waits for the first to finish or be cancelled.
  const startPaste = useCallback(
    (text: string) => {
      if (!link.current?.isOpen || paste.current?.running) return;
      paste.current = new PasteJob(link.current, text, setProgress);
    },
    [link],
  );

  useEffect(() => () => paste.current?.cancel(), []);

  // Typing goes on in the terminal once a question is answered or the find bar closed.
  useEffect(() => {
    if (asking === undefined && !finding) terminal.current?.focus();
  }, [asking, finding, terminal]);

  return (
    <div className="console">
      <div className="console-status">
        <p aria-live="polite">
          {name} · {port}: {tab.status}
        </p>
        {!tab.connected && tab.status !== 'connecting…' && <button onClick={tab.reconnect}>Reconnect</button>}
        {progress && !progress.done && (
          <PasteBar
            progress={progress}
            onCancel={() => {
              paste.current?.cancel();
              terminal.current?.focus();
            }}
          />
        )}
        <div className="console-tools">
          {tools}
          <button title="Find in the scrollback (Ctrl+F)" onClick={() => setFinding(true)}>
            Find
          </button>
          <button title="Save everything this tab holds as a text file" onClick={() => terminal.current && saveScrollback(terminal.current, `${name}-${port}`)}>
            Save log
          </button>
          <ScreenReaderToggle />
        </div>
      </div>
      {tab.holder !== undefined && <HeldNotice name={name} port={port} holder={tab.holder} />}
      {finding && <FindBar search={tab.search.current} onClose={() => setFinding(false)} />}
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
