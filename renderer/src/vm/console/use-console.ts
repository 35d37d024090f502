import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal } from '@xterm/xterm';
import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ConsoleHolder } from '../../../../shared/api/console-protocol.js';
import type { ConsolePort } from '../../../../shared/api/consoles.js';
import { invoke } from '../../api/client.js';
import { socketUrl } from '../../api/transport.js';
import { ConsoleLink } from './console-link.js';
import { size } from './paste.js';
import { useScreenReader } from './screen-reader.js';
import { TerminalFeed } from './terminal-feed.js';
import { TERMINAL_OPTIONS } from './terminal-options.js';

export interface ConsoleHandles {
  /** Another program holds the line: who (null: unknown), or undefined while Hivedesk has it. */
  holder: ConsoleHolder | null | undefined;
  terminal: RefObject<Terminal | null>;
  link: RefObject<ConsoleLink | null>;
  search: RefObject<SearchAddon | null>;
  status: string;
  connected: boolean;
  reconnect(): void;
}

interface Options {
  /** Keys the terminal must not send to the guest (the find bar's shortcut). */
  onShortcut(event: KeyboardEvent): boolean;
  onPaste(event: ClipboardEvent, term: Terminal): void;
  onClose(): void;
}

/**
 * One terminal on a guest's serial port: xterm.js, its addons and the link to main's shared
 * session. Each tab fits its own size; the pty takes the size of the tab that has the focus.
 */
export function useConsole(name: string, port: ConsolePort, host: RefObject<HTMLDivElement | null>, visible: boolean, options: Options): ConsoleHandles {
  const terminal = useRef<Terminal>(null);
  const link = useRef<ConsoleLink>(null);
  const search = useRef<SearchAddon>(null);
  const fit = useRef<FitAddon>(null);
  const latest = useRef(options);
  useLayoutEffect(() => {
    latest.current = options;
  });
  const [status, setStatus] = useState('connecting…');
  const [connected, setConnected] = useState(false);
  const [holder, setHolder] = useState<ConsoleHolder | null>();
  // Bumped by Reconnect: a new terminal attaches to the (new) session after the guest restarts.
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const term = new Terminal({ ...TERMINAL_OPTIONS, screenReaderMode: useScreenReader.getState().on });
    const fitAddon = new FitAddon();
    const searchAddon = new SearchAddon();
    term.loadAddon(fitAddon);
    term.loadAddon(searchAddon);
    [terminal.current, fit.current, search.current] = [term, fitAddon, searchAddon];
    const feed = new TerminalFeed((data, parsed) => term.write(data, parsed));
    const element = host.current;
    if (element) term.open(element);
    term.attachCustomKeyEventHandler((event) => !latest.current.onShortcut(event));
    const onPaste = (event: ClipboardEvent) => latest.current.onPaste(event, term);
    element?.addEventListener('paste', onPaste, { capture: true });
    const takeSize = () => void invoke('resizeConsole', { name, port, cols: term.cols, rows: term.rows });
    const focused = () => !!element && element.contains(document.activeElement);
    term.textarea?.addEventListener('focus', takeSize);
    let disposed = false;
    void invoke('openConsole', { name, port }).then((result) => {
      if (disposed) return;
      if (!result.ok) return setStatus(result.error.message);
      link.current = new ConsoleLink(socketUrl(result.value.url, window.location), {
        open: () => {
          setStatus('connected');
          setConnected(true);
        },
        output: (data, drawn) => feed.push(data, drawn),
        held: setHolder,
        resync: (skipped) =>
          feed.restart(() => {
            term.reset();
            term.write(`\x1b[2m[Hivedesk: this tab fell behind; ${size(skipped)} of output was skipped]\x1b[0m\r\n`);
          }),
        close: (reason) => {
          latest.current.onClose();
          setStatus(`disconnected${reason ? `: ${reason}` : ''}`);
          setConnected(false);
        },
      });
      term.onData((data) => link.current?.send(data));
      fitTo(fitAddon);
      term.focus();
    });
    const observer = new ResizeObserver(() => {
      if (fitTo(fitAddon) && focused()) takeSize();
    });
    if (element) observer.observe(element);
    return () => {
      disposed = true;
      observer.disconnect();
      element?.removeEventListener('paste', onPaste, { capture: true });
      link.current?.close();
      feed.dispose();
      term.dispose();
    };
  }, [name, port, attempt, host]);

  useEffect(() => {
    if (visible && fit.current) fitTo(fit.current);
  }, [visible]);

  const screenReader = useScreenReader((s) => s.on);
  useEffect(() => {
    if (terminal.current) terminal.current.options.screenReaderMode = screenReader;
  }, [screenReader]);

  return { terminal, link, search, status, connected, holder, reconnect: () => setAttempt((n) => n + 1) };
}

/** Fits the terminal to its box; false while the box is hidden (a tab in the background). */
function fitTo(fitAddon: FitAddon): boolean {
  const proposed = fitAddon.proposeDimensions();
  if (!proposed || !Number.isFinite(proposed.cols) || proposed.cols < 2) return false;
  fitAddon.fit();
  return true;
}
