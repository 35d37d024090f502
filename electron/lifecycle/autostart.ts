import type { Autostart, LifecyclePlan } from '../../shared/api/lifecycle.js';
import { AppError } from '../errors.js';

/** vm-bhyve's default for vm_delay (lib/vm-core `: ${vm_delay:=2}`; vm.8 wrongly says 5). */
export const DEFAULT_DELAY = 2;

export interface AutostartSetting {
  /** Guests in the order they start. */
  list: string[];
  /** Seconds between two starts. */
  delay: number;
}

/** Where a host keeps which guests start at boot: rc.conf (FreeBSD, vm-bhyve's) or a systemd user unit (Linux). */
export interface AutostartStore {
  read(): Promise<Autostart>;
  /** What `write` would run and write to go from the current setting to `next`. */
  plan(next: AutostartSetting): Promise<LifecyclePlan>;
  write(next: AutostartSetting): Promise<void>;
}

/** A host whose backend starts no guests at boot yet: it says why, and refuses a change. */
export function noAutostart(reason: string): AutostartStore {
  const refuse = () => Promise.reject(new AppError('unavailable', reason));
  return {
    read: () => Promise.resolve({ mechanism: 'none', available: false, reason, list: [], delay: DEFAULT_DELAY, notes: [] }),
    plan: refuse,
    write: refuse,
  };
}

/** The list with `name` at `order` (1 = first; past the end means last), or without it. */
export function placed(list: readonly string[], name: string, enabled: boolean, order: number): string[] {
  const rest = list.filter((n) => n !== name);
  if (!enabled) return rest;
  const at = Math.min(Math.max(order, 1) - 1, rest.length);
  return [...rest.slice(0, at), name, ...rest.slice(at)];
}

/** A renamed guest keeps its place. */
export function renamed(list: readonly string[], from: string, to: string): string[] {
  return list.map((n) => (n === from ? to : n));
}

/** vm_list as rc.conf holds it: names separated by spaces. */
export function parseList(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** vm_delay as rc.conf holds it; vm-bhyve's default when it is unset or not a number of seconds. */
export function parseDelay(text: string | undefined): number {
  const delay = Number(text);
  return text !== undefined && text.trim() !== '' && Number.isInteger(delay) && delay >= 0 ? delay : DEFAULT_DELAY;
}
