import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useMemo, useState } from 'react';
import { useForm } from 'react-hook-form';
import { type SettingsView, settingsSchema, type VmSettings, type VmSettingsForm } from '../../../../shared/api/settings.js';
import { isUp } from '../../../../shared/api/vms.js';
import { useHost } from '../../stores/host.js';
import { useGuestSettings, useSettings } from '../../stores/settings.js';
import { useVms } from '../../stores/vms.js';
import { AdvancedSection } from './AdvancedSection.js';
import { BootSection } from './BootSection.js';
import { CommandPreview } from './CommandPreview.js';
import { ConfChangeNotice } from './ConfChangeNotice.js';
import { ConsoleSection } from './ConsoleSection.js';
import { CpuMemorySection } from './CpuMemorySection.js';
import { DisksSection } from './DisksSection.js';
import { DisplaySection } from './DisplaySection.js';
import { SECTIONS, type SectionId, type SectionProps, sectionDomId, toForm } from './form.js';
import { GeneralSection } from './GeneralSection.js';
import { NetworkSection } from './NetworkSection.js';
import { SaveBar } from './SaveBar.js';
import { SettingsHistory } from './SettingsHistory.js';
import './settings.css';

/** A VM's settings: read when shown, and again (a fresh form) whenever the file's revision changes. */
export function SettingsPanel({ name }: { name: string }) {
  const { view, loadError } = useGuestSettings(name);
  useEffect(() => {
    void useSettings.getState().load(name);
  }, [name]);
  if (loadError) return <p className="error" role="alert">{loadError.message}</p>;
  if (!view) return <p className="empty">Loading settings…</p>;
  return <SettingsForm key={view.revision} name={name} view={view} />;
}

function SettingsForm({ name, view }: { name: string; view: SettingsView }) {
  const schema = useMemo(() => settingsSchema(view.backend), [view.backend]);
  const form = useForm<VmSettingsForm, unknown, VmSettings>({ resolver: zodResolver(schema), defaultValues: toForm(view.settings), mode: 'onTouched' });
  const { carry } = useGuestSettings(name);
  const vm = useVms((s) => s.byName[name]);
  const running = vm ? isUp(vm.state) : isUp(view.state);
  // From the live list, so the marks clear as soon as the guest has restarted with the saved values.
  const pendingNow = vm ? (vm.pendingRestart ?? []) : view.pending;
  const [stale, setStale] = useState(false);
  const store = useSettings.getState();
  // Only the sections the guest's backend applies (Xen has no bhyve_options); all of them until the registry is known.
  const applies = useHost((s) => s.backends.find((b) => b.id === view.backend)?.settingsSections);
  const sections = SECTIONS.filter((section) => !applies || applies.includes(section.id));
  const shown = (id: SectionId) => sections.some((section) => section.id === id);

  useEffect(() => {
    const schedule = (values: VmSettingsForm) => {
      const valid = schema.safeParse(values).success;
      setStale(!valid);
      if (valid) store.schedulePreview(name, values);
    };
    schedule(form.getValues());
    const subscription = form.watch((values) => schedule(values as VmSettingsForm));
    return () => subscription.unsubscribe();
  }, [form, name, store, schema]);

  // After Reload the form starts from the user's kept edits; the file's values stay its baseline (Discard, dirty).
  const [carried] = useState(carry?.revision === view.revision ? carry.values : undefined);
  useEffect(() => {
    if (carried) form.reset(carried, { keepDefaultValues: true });
  }, [form, carried]);
  const dirty = form.formState.isDirty;
  // getState() here, not `store`: that is a new object after every change, and this effect changes the store.
  useEffect(() => useSettings.getState().setEditing(name, dirty), [name, dirty]);
  useEffect(() => () => useSettings.getState().setEditing(name, undefined), [name]);

  const submit = form.handleSubmit(async (settings) => {
    if (await store.save(name, settings)) return;
    const fields = Object.entries(useSettings.getState().byName[name]?.saveError?.fields ?? {});
    for (const [field, message] of fields) form.setError(field.replace(/^settings\./, '') as keyof VmSettingsForm, { message }, { shouldFocus: true });
  });

  const props: SectionProps = { name, form, view, running, pending: (field) => pendingNow.includes(field) };
  const formId = `settings-form-${name}`;
  return (
    <div className="settings">
      <nav className="settings-nav" aria-label={`Sections of ${name}'s settings`}>
        <ul>
          {sections.map((s) => (
            <li key={s.id}>
              <button type="button" className="link" onClick={() => document.getElementById(sectionDomId(name, s.id))?.scrollIntoView({ behavior: 'smooth', block: 'start' })}>
                {s.title}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <form id={formId} className="settings-form" aria-label={`Settings of ${name}`} noValidate onSubmit={(e) => void submit(e)}>
        {running && (
          <p className="notice" role="note">
            {name} is running. What you save applies at its next start: bhyve and QEMU take none of these settings while a guest runs.
            {pendingNow.length > 0 && ' Fields marked “applies at next start” are saved but not in use yet.'}
          </p>
        )}
        <ConfChangeNotice name={name} onReload={() => void store.reload(name, form.getValues())} />
        {shown('general') && <GeneralSection {...props} />}
        {shown('cpu') && <CpuMemorySection {...props} />}
        {shown('boot') && <BootSection {...props} />}
        {shown('disks') && <DisksSection {...props} />}
        {shown('network') && <NetworkSection {...props} />}
        {shown('display') && <DisplaySection {...props} />}
        {shown('console') && <ConsoleSection {...props} />}
        {shown('advanced') && <AdvancedSection {...props} />}
      </form>
      <aside className="settings-aside">
        <SaveBar name={name} form={formId} dirty={dirty} onDiscard={() => form.reset()} />
        <CommandPreview name={name} stale={stale} />
        <SettingsHistory name={name} dirty={dirty} />
      </aside>
    </div>
  );
}
