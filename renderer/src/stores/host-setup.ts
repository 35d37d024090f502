import { create } from 'zustand';
import type { CheckArea, FixOptions, FixPlan, FixResult, HostCheck } from '../../../shared/api/host-setup.js';
import type { ApiError } from '../../../shared/api/errors.js';
import { invoke } from '../api/client.js';

/** A fix the user opened: its plan as shown, then what running it did. */
export interface OpenFix {
  check: HostCheck;
  options: FixOptions;
  plan?: FixPlan;
  running: boolean;
  result?: FixResult;
  error?: ApiError;
}

interface HostSetupState {
  checks: HostCheck[];
  loading: boolean;
  error?: ApiError;
  /** Xen and VirtualBox checks, shown when asked for (or when their tools are installed). */
  areas: CheckArea[];
  /** The check another view pointed to (the wizard's link), shown highlighted. */
  focus?: string;
  fix?: OpenFix;
  load(): Promise<void>;
  toggleArea(area: CheckArea, on: boolean): Promise<void>;
  setFocus(id: string | undefined): void;
  openFix(check: HostCheck, options: FixOptions): Promise<void>;
  runFix(): Promise<void>;
  closeFix(): void;
}

export const useHostSetup = create<HostSetupState>()((set, get) => ({
  checks: [],
  loading: false,
  areas: [],
  async load() {
    set({ loading: true });
    const result = await invoke('runHostChecks', { areas: get().areas });
    set(result.ok ? { checks: result.value.checks, loading: false, error: undefined } : { loading: false, error: result.error });
  },
  async toggleArea(area, on) {
    set((s) => ({ areas: on ? [...s.areas.filter((a) => a !== area), area] : s.areas.filter((a) => a !== area) }));
    await get().load();
  },
  setFocus(id) {
    set({ focus: id });
  },
  /** The plan is asked for again with the chosen options, so the dialog shows exactly what will run. */
  async openFix(check, options) {
    set({ fix: { check, options, running: false } });
    const plan = await invoke('planHostFix', { id: check.id, options });
    set((s) => (s.fix?.check.id === check.id ? { fix: { ...s.fix, ...(plan.ok ? { plan: plan.value } : { error: plan.error }) } } : s));
  },
  async runFix() {
    const fix = get().fix;
    if (!fix?.plan || fix.running) return;
    set({ fix: { ...fix, running: true } });
    const result = await invoke('runHostFix', { id: fix.check.id, options: fix.options, digest: fix.plan.digest });
    set((s) => ({
      fix: s.fix && { ...s.fix, running: false, ...(result.ok ? { result: result.value } : { error: result.error }) },
      ...(result.ok ? { checks: merge(s.checks, result.value.checks) } : {}),
    }));
  },
  closeFix() {
    set({ fix: undefined });
  },
}));

/** A fix re-checks its own area: those checks replace theirs, the others stay. */
function merge(checks: HostCheck[], fresh: HostCheck[]): HostCheck[] {
  const byId = new Map(fresh.map((c) => [c.id, c]));
  return checks.map((c) => byId.get(c.id) ?? c);
}
