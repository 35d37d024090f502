import type { UseFormReturn } from 'react-hook-form';
import type { SettingsSectionId } from '../../../../shared/api/backends.js';
import type { SettingsView, VmSettings, VmSettingsForm } from '../../../../shared/api/settings.js';

export type SettingsFormApi = UseFormReturn<VmSettingsForm, unknown, VmSettings>;

/** What every section gets: the form, the settings as saved, and which fields wait for the next start. */
export interface SectionProps {
  name: string;
  form: SettingsFormApi;
  view: SettingsView;
  /** True when this field (e.g. 'memory', 'graphics.port') is saved but the running guest booted without it. */
  pending: (field: string) => boolean;
  /** Up now, as the live list says (the view says what it was when the form was read). */
  running: boolean;
}

/** The message of a field's error, from the form's own check or from main. */
export function errorOf(form: SettingsFormApi, path: string): string | undefined {
  return form.getFieldState(path as keyof VmSettingsForm, form.formState).error?.message;
}

/** Saved values as the form holds them: empty text where a value is not set. */
export function toForm(s: VmSettings): VmSettingsForm {
  return {
    ...s,
    sockets: s.sockets ?? '',
    cores: s.cores ?? '',
    threads: s.threads ?? '',
    installMedia: s.installMedia ?? '',
    disks: s.disks.map((d) => ({ ...d, size: d.size ?? '' })),
  };
}

/** The sections, in the order a person expects them; the nav and the form share it. */
export const SECTIONS: readonly { id: SettingsSectionId; title: string }[] = [
  { id: 'general', title: 'General' },
  { id: 'cpu', title: 'CPU & memory' },
  { id: 'boot', title: 'Boot & firmware' },
  { id: 'disks', title: 'Disks' },
  { id: 'network', title: 'Network' },
  { id: 'display', title: 'Display' },
  { id: 'console', title: 'Console' },
  { id: 'advanced', title: 'Advanced' },
];

export type SectionId = SettingsSectionId;

export function sectionDomId(name: string, id: SectionId): string {
  return `settings-${name}-${id}`;
}
