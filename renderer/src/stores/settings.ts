import { create } from 'zustand';
import type { ApiError } from '../../../shared/api/errors.js';
import type { ConfDiff, HistoryEntry, SettingsPreview, SettingsView, SwitchChoice, VmSettings, VmSettingsForm } from '../../../shared/api/settings.js';
import type { PlannedCommand } from '../../../shared/api/vms.js';
import { invoke } from '../api/client.js';
import { toForm } from '../vm/settings/form.js';
import { type ChangedOnDisk, mergeOnReload } from '../vm/settings/reload-merge.js';
import { useVms } from './vms.js';

/** How long the form waits after the last keystroke before asking main for the plan. */
export const PREVIEW_DELAY_MS = 400;

export interface GuestSettings {
  view?: SettingsView;
  loadError?: ApiError;
  /** The plan of the values last sent; `previewError` when main refused them. */
  preview?: SettingsPreview;
  previewError?: ApiError;
  saving: boolean;
  /** A save main refused: field messages go next to their fields, the rest above Save. */
  saveError?: ApiError;
  /** The file changed on disk since the form was read, and the form holds edits. */
  conflict: boolean;
  /** Whether the shown form holds unsaved edits; undefined while no form is shown. */
  editing?: boolean;
  /** The untouched form was read again because the file changed on disk. */
  reloaded: boolean;
  /** What Reload kept of the user's edits: the new form starts from these values (the file's as its baseline). */
  carry?: { revision: string; values: VmSettingsForm };
  /** The fields a hand edit changed that Reload took from the file. */
  changedOnDisk: ChangedOnDisk[];
  /** What the last save did (commands run, files kept). */
  saved?: { ran: PlannedCommand[]; notes: string[] };
  history: HistoryEntry[];
  diff?: { id: string; hunks: ConfDiff };
  /** How the last one-off action went, shown where that action's button is. */
  action?: ActionOutcome;
}

/** The one-off actions beside the form: each shows its own outcome next to its button. */
export type ActionKind = 'uefi' | 'grow' | 'mac' | 'history';
export interface ActionOutcome {
  kind: ActionKind;
  /** `disk` for a grow: which disk's row shows it. */
  disk?: number;
  message?: string;
  error?: ApiError;
}

interface SettingsState {
  byName: Record<string, GuestSettings | undefined>;
  /** The datastore's switches, which a NIC's Switch field offers. */
  switches: SwitchChoice[];
  loadSwitches(): Promise<void>;
  /** Reads the settings (again): after a conflict this is "Reload". */
  load(name: string): Promise<void>;
  /** The form says whether it holds edits (undefined: it is gone), which decides what a change on disk does. */
  setEditing(name: string, editing: boolean | undefined): void;
  /** onDidChangeVmConfig: an untouched form follows the file; one with edits shows the conflict. */
  configChanged(name: string): Promise<void>;
  /** After a conflict: the file as it is now, with the user's edits to the fields it did not change. */
  reload(name: string, mine: VmSettingsForm): Promise<void>;
  /** Debounced: the newest values win, earlier timers are dropped. */
  schedulePreview(name: string, values: VmSettingsForm): void;
  save(name: string, settings: VmSettings): Promise<boolean>;
  loadHistory(name: string): Promise<void>;
  showDiff(name: string, id: string | undefined): Promise<void>;
  revert(name: string, id: string): Promise<boolean>;
  newMac(name: string): Promise<string | undefined>;
  resetUefiVars(name: string): Promise<void>;
  planGrow(name: string, disk: number, size: string): Promise<PlannedCommand[] | undefined>;
  grow(name: string, disk: number, size: string): Promise<boolean>;
}

const EMPTY: GuestSettings = { saving: false, conflict: false, reloaded: false, changedOnDisk: [], history: [] };
/** What a newly read file clears: the notes about the previous one. */
const FRESH: Partial<GuestSettings> = { conflict: false, reloaded: false, carry: undefined, changedOnDisk: [], saveError: undefined, saved: undefined };
const timers = new Map<string, ReturnType<typeof setTimeout>>();
/** Numbers each preview request, so an answer that arrives after a newer request was sent is dropped. */
const previewSeq = new Map<string, number>();

/** The Settings form's state and every request it makes, per guest; components only read it and call these. */
export const useSettings = create<SettingsState>()((set, get) => {
  const patch = (name: string, change: Partial<GuestSettings>) =>
    set((s) => ({ byName: { ...s.byName, [name]: { ...EMPTY, ...s.byName[name], ...change } } }));
  const revision = (name: string) => get().byName[name]?.view?.revision ?? '';
  const afterSave = async (name: string, result: Awaited<ReturnType<typeof invoke<'saveSettings'>>>) => {
    if (!result.ok) {
      patch(name, { saving: false, saveError: result.error, conflict: result.error.code === 'conflict' });
      return false;
    }
    patch(name, { ...FRESH, saving: false, view: result.value.view, saved: { ran: result.value.ran, notes: result.value.notes }, diff: undefined });
    await Promise.all([get().loadHistory(name), useVms.getState().load()]);
    return true;
  };
  return {
    byName: {},
    switches: [],
    async loadSwitches() {
      const result = await invoke('listSwitches', {});
      // Without the list the field is still free text: nothing to offer is no reason to stop an edit.
      if (result.ok) set({ switches: result.value });
    },
    async load(name) {
      const result = await invoke('getSettings', { name });
      if (!result.ok) return patch(name, { loadError: result.error });
      patch(name, { ...FRESH, view: result.value, loadError: undefined });
      await get().loadHistory(name);
    },
    setEditing(name, editing) {
      if (get().byName[name]?.editing === editing) return;
      patch(name, { editing, ...(editing ? { reloaded: false } : {}) });
    },
    async configChanged(name) {
      // A save's own write is told too: its reply brings the new view, so nothing is read while it runs.
      const shown = () => {
        const held = get().byName[name];
        return held?.view && held.editing !== undefined && !held.saving ? held : undefined;
      };
      if (!shown()) return;
      const result = await invoke('getSettings', { name });
      const held = shown();
      if (!result.ok || !held?.view || result.value.revision === held.view.revision) return;
      if (held.editing) return patch(name, { conflict: true });
      patch(name, { ...FRESH, view: result.value, reloaded: true });
      await get().loadHistory(name);
    },
    async reload(name, mine) {
      const base = get().byName[name]?.view;
      const result = await invoke('getSettings', { name });
      if (!result.ok) return patch(name, { loadError: result.error });
      const merged = base ? mergeOnReload(toForm(base.settings), mine, toForm(result.value.settings)) : undefined;
      patch(name, {
        ...FRESH,
        view: result.value,
        loadError: undefined,
        ...(merged ? { carry: { revision: result.value.revision, values: merged.values }, changedOnDisk: merged.changedOnDisk } : {}),
      });
      await get().loadHistory(name);
    },
    schedulePreview(name, values) {
      clearTimeout(timers.get(name));
      timers.set(
        name,
        setTimeout(() => {
          const seq = (previewSeq.get(name) ?? 0) + 1;
          previewSeq.set(name, seq);
          void invoke('previewSettings', { name, settings: values }).then((result) => {
            if (previewSeq.get(name) !== seq) return;
            if (!result.ok) return patch(name, { previewError: result.error });
            // Noticed while editing, not only at Save: the form was read from a file that is no longer there.
            patch(name, { preview: result.value, previewError: undefined, ...(result.value.revision !== revision(name) ? { conflict: true } : {}) });
          });
        }, PREVIEW_DELAY_MS),
      );
    },
    async save(name, settings) {
      patch(name, { saving: true, saveError: undefined, saved: undefined });
      return afterSave(name, await invoke('saveSettings', { name, revision: revision(name), settings }));
    },
    async loadHistory(name) {
      const result = await invoke('listSettingsHistory', { name });
      if (result.ok) patch(name, { history: result.value });
    },
    async showDiff(name, id) {
      if (id === undefined) return patch(name, { diff: undefined });
      const result = await invoke('diffSettingsHistory', { name, id });
      patch(name, result.ok ? { diff: { id, hunks: result.value } } : { action: { kind: 'history', error: result.error } });
    },
    async revert(name, id) {
      patch(name, { saving: true, saveError: undefined, saved: undefined });
      return afterSave(name, await invoke('revertSettings', { name, id, revision: revision(name) }));
    },
    async newMac(name) {
      const result = await invoke('newMacAddress', { name });
      if (!result.ok) patch(name, { action: { kind: 'mac', error: result.error } });
      return result.ok ? result.value.mac : undefined;
    },
    async resetUefiVars(name) {
      const result = await invoke('resetUefiVars', { name });
      const message = result.ok ? `The UEFI variables were moved to ${result.value.movedTo}; the next start begins from the template.` : undefined;
      patch(name, { action: { kind: 'uefi', ...(result.ok ? { message } : { error: result.error }) } });
    },
    async planGrow(name, disk, size) {
      const result = await invoke('planGrowDisk', { name, disk, size });
      patch(name, { action: result.ok ? undefined : { kind: 'grow', disk, error: result.error } });
      return result.ok ? result.value.commands : undefined;
    },
    async grow(name, disk, size) {
      const result = await invoke('growDisk', { name, disk, size });
      if (!result.ok) {
        patch(name, { action: { kind: 'grow', disk, error: result.error } });
        return false;
      }
      await get().load(name);
      patch(name, { action: { kind: 'grow', disk, message: `disk${disk} grew to ${size}.` } });
      return true;
    },
  };
});

export function useGuestSettings(name: string): GuestSettings {
  return useSettings((s) => s.byName[name]) ?? EMPTY;
}
