import { create } from 'zustand';

const KEY = 'hivedesk-console-screen-reader';

interface ScreenReaderState {
  /** xterm.js's screen reader mode in every console: its text for assistive technology. */
  on: boolean;
  set(on: boolean): void;
}

/**
 * Off unless the user turns it on, as in VS Code: keeping the accessibility tree in step with a
 * flooding guest halves how fast a console draws. Remembered in this browser, for every console.
 */
export const useScreenReader = create<ScreenReaderState>()((set) => ({
  on: localStorage.getItem(KEY) === 'yes',
  set(on) {
    localStorage.setItem(KEY, on ? 'yes' : 'no');
    set({ on });
  },
}));
