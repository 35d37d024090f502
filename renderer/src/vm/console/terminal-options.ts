import type { ITerminalOptions } from '@xterm/xterm';

/** How every console tab's xterm.js is set up; the console UI benchmark's bare terminal uses the same. */
export const TERMINAL_OPTIONS: ITerminalOptions = {
  convertEol: false,
  scrollback: 10000,
  // On only when the user asks (screen-reader.ts): it halves drawing speed.
  screenReaderMode: false,
  fontSize: 14,
  fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
  allowProposedApi: true,
};
