import { create } from 'zustand';

const KEY = 'hivedesk-console-screen-reader';

export interface ScreenReaderState {
  /** xterm.js's screen reader mode in every console: its text for assistive technology. */
  on: boolean;
  /** What the user chose with the toolbar's toggle (remembered), or null: follow the desktop. */
  choice: boolean | null;
  /** A screen reader runs on the desktop (the app's window says so; browser mode cannot tell). */
  detected: boolean;
  set(on: boolean): void;
  detect(detected: boolean): void;
}

/**
 * Off unless a screen reader is running or the user turns it on, as VS Code's "auto": keeping the
 * accessibility tree in step with a flooding guest halves how fast a console draws. A choice made
 * with the toggle wins over what is detected, and is remembered in this browser, for every console.
 */
export function createScreenReaderStore(storage: Pick<Storage, 'getItem' | 'setItem'>) {
  const stored = storage.getItem(KEY);
  const choice = stored === 'yes' ? true : stored === 'no' ? false : null;
  return create<ScreenReaderState>()((set) => ({
    choice,
    detected: false,
    on: choice ?? false,
    set(on) {
      storage.setItem(KEY, on ? 'yes' : 'no');
      set({ choice: on, on });
    },
    detect(detected) {
      set((s) => ({ detected, on: s.choice ?? detected }));
    },
  }));
}
