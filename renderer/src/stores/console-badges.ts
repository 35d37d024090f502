import { create } from 'zustand';
import { type ConsoleBadge, type ConsoleBadges, BADGE_TEXT, URGENT_BADGES } from '../../../shared/api/console-badges.js';
import { invoke } from '../api/client.js';

/** Which badge a guest shows when its ports show several: the one most in need of a person. */
const RANK: ConsoleBadge[] = ['panic', 'mountroot', 'installer', 'loader', 'login'];
const NOTIFY_KEY = 'hivedesk-notify-urgent';

interface BadgeState {
  byName: Record<string, ConsoleBadge | undefined>;
  /** Desktop notifications for a panic or a mountroot prompt, when the user asked for them. */
  notify: boolean;
  load(): Promise<void>;
  receive(badges: ConsoleBadges): void;
  setNotify(on: boolean): Promise<void>;
}

export const useConsoleBadges = create<BadgeState>()((set, get) => ({
  byName: {},
  notify: localStorage.getItem(NOTIFY_KEY) === 'yes',
  async load() {
    const result = await invoke('listConsoleBadges', {});
    if (result.ok) get().receive(result.value);
  },
  receive(badges) {
    const byName: Record<string, ConsoleBadge> = {};
    for (const { name, badge } of badges) {
      const held = byName[name];
      if (!held || RANK.indexOf(badge) < RANK.indexOf(held)) byName[name] = badge;
    }
    const before = get().byName;
    set({ byName });
    if (!get().notify) return;
    for (const [name, badge] of Object.entries(byName)) if (URGENT_BADGES.has(badge) && before[name] !== badge) notify(name, badge);
  },
  async setNotify(on) {
    // Asked on the click that turns it on: browsers grant notifications only on a user's gesture.
    const allowed = !on || (typeof Notification !== 'undefined' && (await Notification.requestPermission()) === 'granted');
    localStorage.setItem(NOTIFY_KEY, on && allowed ? 'yes' : 'no');
    set({ notify: on && allowed });
  },
}));

function notify(name: string, badge: ConsoleBadge): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  new Notification(`${name}: ${BADGE_TEXT[badge]}`, { body: `${name}'s console shows ${BADGE_TEXT[badge]}.`, tag: `hivedesk-${name}` });
}
