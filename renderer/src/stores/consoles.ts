import { create } from 'zustand';
import type { ConsolePort } from '../../../shared/api/consoles.js';
import { invoke } from '../api/client.js';

/** One take-over of a serial line: under way, or how it ended. */
interface TakeOver {
  busy: boolean;
  error?: string;
}

interface ConsolesState {
  /** By `name:port`. */
  takeOvers: Record<string, TakeOver | undefined>;
  /** Stops the program outside Hivedesk that holds the line, so Hivedesk can connect. */
  takeOver(name: string, port: ConsolePort): Promise<void>;
}

export const consoleKey = (name: string, port: ConsolePort) => `${name}:${port}`;

export const useConsoles = create<ConsolesState>()((set) => ({
  takeOvers: {},
  async takeOver(name, port) {
    const key = consoleKey(name, port);
    set((s) => ({ takeOvers: { ...s.takeOvers, [key]: { busy: true } } }));
    const result = await invoke('takeOverConsole', { name, port });
    set((s) => ({ takeOvers: { ...s.takeOvers, [key]: { busy: false, error: result.ok ? undefined : result.error.message } } }));
  },
}));
