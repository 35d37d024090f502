import { create } from 'zustand';
import { MACHINES, type View, viewGuests, viewId } from '../workspace/views.js';

interface WorkspaceState {
  /** Machines first and always there; then whatever the user opened, in the order they arranged. */
  tabs: View[];
  active: string;
  open(view: View): void;
  close(id: string): void;
  show(id: string): void;
  /** Moves a tab to another place (never before Machines). */
  move(id: string, to: number): void;
  /** Closes every tab that shows a guest: another datastore's guests are not these, even by the same name. */
  closeGuestViews(): void;
}

/** Tabs, not windows: a console, a VM's page and the machine list live side by side. */
export const useWorkspace = create<WorkspaceState>()((set) => ({
  tabs: [MACHINES],
  active: viewId(MACHINES),
  open(view) {
    const id = viewId(view);
    set((s) => ({ tabs: s.tabs.some((t) => viewId(t) === id) ? s.tabs : [...s.tabs, view], active: id }));
  },
  close(id) {
    if (id === viewId(MACHINES)) return;
    set((s) => {
      const at = s.tabs.findIndex((t) => viewId(t) === id);
      if (at < 0) return s;
      const tabs = s.tabs.filter((_, i) => i !== at);
      // Closing the shown tab shows its neighbour, as browsers do.
      const next = tabs[Math.min(at, tabs.length - 1)] ?? MACHINES;
      return { tabs, active: s.active === id ? viewId(next) : s.active };
    });
  },
  show(id) {
    set((s) => (s.tabs.some((t) => viewId(t) === id) ? { active: id } : s));
  },
  closeGuestViews() {
    set((s) => {
      const tabs = s.tabs.filter((t) => viewGuests(t).length === 0);
      return { tabs, active: tabs.some((t) => viewId(t) === s.active) ? s.active : viewId(MACHINES) };
    });
  },
  move(id, to) {
    set((s) => {
      const from = s.tabs.findIndex((t) => viewId(t) === id);
      if (from <= 0) return s;
      const target = Math.max(1, Math.min(to, s.tabs.length - 1));
      if (target === from) return s;
      const tabs = [...s.tabs];
      const [tab] = tabs.splice(from, 1);
      if (tab) tabs.splice(target, 0, tab);
      return { tabs };
    });
  },
}));
