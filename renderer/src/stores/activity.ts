import { create } from 'zustand';
import type { ActivitySample } from '../../../shared/api/activity.js';
import { invoke } from '../api/client.js';

export interface ActivityPoint {
  /** Main's clock, ms: a window's own clock (a laptop, through a tunnel) may differ. */
  at: number;
  cpuPercent: number;
  memoryBytes: number;
}

/** What a guest's row and page show: the last five minutes. */
export const ACTIVITY_WINDOW_MS = 5 * 60_000;

/**
 * Each running guest's recent samples, by name. A sample replaces the arrays of the guests in
 * it only, so a row showing another guest does not redraw.
 */
interface ActivityState {
  byName: Record<string, readonly ActivityPoint[] | undefined>;
  receive(sample: ActivitySample): void;
  /** Another datastore was opened: its guests are others, even where the names match. */
  clear(): void;
}

export const useActivity = create<ActivityState>()((set) => ({
  byName: {},
  receive: (sample) =>
    set((s) => {
      const byName = { ...s.byName };
      const since = sample.at - ACTIVITY_WINDOW_MS;
      for (const { name, cpuPercent, memoryBytes } of sample.guests) {
        const kept = (byName[name] ?? []).filter((point) => point.at > since);
        byName[name] = [...kept, { at: sample.at, cpuPercent, memoryBytes }];
      }
      return { byName };
    }),
  clear: () => set({ byName: {} }),
}));

/**
 * Keeps main sampling while this window is visible (someone is looking), renewing its lease
 * well before it ends; a hidden window lets it lapse. Returns how to stop.
 */
export function watchActivityWhileVisible(): () => void {
  let timer: number | undefined;
  let stopped = false;
  const renew = async () => {
    window.clearTimeout(timer);
    if (stopped || document.visibilityState !== 'visible') return;
    const result = await invoke('watchActivity', {});
    window.clearTimeout(timer);
    if (!stopped) timer = window.setTimeout(() => void renew(), (result.ok ? result.value.leaseMs : 15_000) / 3);
  };
  const onVisibility = () => void renew();
  document.addEventListener('visibilitychange', onVisibility);
  void renew();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
