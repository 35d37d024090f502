import type { ITerminalOptions } from '@xterm/xterm';

/** How every console tab's xterm.js is set up; the console UI benchmark's bare terminal uses the same. */
export const TERMINAL_OPTIONS: ITerminalOptions = {
  convertEol: false,
  scrollback: 10000,
  screenReaderMode: true,
  fontSize: 14,
  fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
  allowProposedApi: true,
};
