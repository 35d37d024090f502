import { create } from 'zustand';
import type { ConsolePort } from '../../../shared/api/consoles.js';

export interface ConsoleTab {
  id: string;
  name: string;
  port: ConsolePort;
}

interface ConsolesState {
  tabs: ConsoleTab[];
  /** 'machines' or a console tab's id. */
  active: string;
  open(name: string, port?: ConsoleTab['port']): void;
  close(id: string): void;
  show(id: string): void;
}

/** Tabs, not windows: opening a console that is already open just shows its tab. */
export const useConsoles = create<ConsolesState>()((set) => ({
  tabs: [],
  active: 'machines',
  open(name, port = 'com1') {
    const id = `${name}:${port}`;
    set((s) => ({ tabs: s.tabs.some((t) => t.id === id) ? s.tabs : [...s.tabs, { id, name, port }], active: id }));
  },
  close(id) {
    set((s) => ({ tabs: s.tabs.filter((t) => t.id !== id), active: s.active === id ? 'machines' : s.active }));
  },
  show(id) {
    set({ active: id });
  },
}));
