import { useEffect, useState } from 'react';
import { type Autostart, type AutostartForm, AutostartInput } from '../../../../shared/api/lifecycle.js';
import { startAtBootProblem } from '../../../../shared/api/backends.js';
import type { BackendId } from '../../../../shared/api/vms.js';
import { useBackend } from '../../stores/host.js';
import { useLifecycle } from '../../stores/lifecycle.js';
import { Field } from '../../ui/Field.js';
import { PlanView } from './PlanView.js';
import { usePlan } from './usePlan.js';

/** "Start at boot" and the guest's place in the order, on its page, on the host's list. */
export function AutostartSection({ name, backend }: { name: string; backend: BackendId }) {
  const autostart = useLifecycle((s) => s.autostart);
  const error = useLifecycle((s) => s.autostartError);
  const boot = useBackend(backend)?.startAtBoot;
  // Its backend's own words come before the host's: a Xen guest on a bhyve host is told about xendomains.
  const problem = autostart && boot && !autostart.list.includes(name) ? startAtBootProblem(boot, autostart.mechanism) : undefined;
  useEffect(() => {
    void useLifecycle.getState().loadAutostart();
  }, []);
  return (
    <section className="lifecycle-section" aria-labelledby="autostart-title">
      <h3 id="autostart-title">Start at boot</h3>
      {!autostart && !error && <p className="hint">Loading…</p>}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {problem && <p className="notice">{problem}</p>}
      {!problem && autostart && !autostart.available && <p className="notice">{autostart.reason}</p>}
      {/* Keyed by what main holds, so the form starts again from it after every save. */}
      {!problem && autostart?.available && <AutostartFormView key={JSON.stringify([autostart.list, autostart.delay])} name={name} autostart={autostart} />}
    </section>
  );
}

type Errors = Partial<Record<'order' | 'delay', string>>;

function AutostartFormView({ name, autostart }: { name: string; autostart: Autostart }) {
  const at = autostart.list.indexOf(name);
  const saved: AutostartForm = { name, enabled: at >= 0, order: String(at >= 0 ? at + 1 : autostart.list.length + 1), delay: String(autostart.delay) };
  const [form, setForm] = useState<AutostartForm>(saved);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string>();
  const [working, setWorking] = useState(false);
  const parsed = AutostartInput.safeParse(form);
  const dirty = JSON.stringify(form) !== JSON.stringify(saved);
  const { plan } = usePlan(dirty && parsed.success ? { action: 'autostart', input: parsed.data } : undefined);

  const change = (patch: Partial<AutostartForm>) => {
    const next = { ...form, ...patch };
    setForm(next);
    setFormError(undefined);
    const check = AutostartInput.safeParse(next);
    setErrors(check.success ? {} : Object.fromEntries(check.error.issues.map((i) => [String(i.path[0]), i.message])));
  };

  const save = async () => {
    if (!parsed.success) return;
    setWorking(true);
    const result = await useLifecycle.getState().setAutostart(parsed.data);
    setWorking(false);
    if (result.ok) return;
    setErrors(result.error.fields ?? {});
    if (!result.error.fields) setFormError(result.error.message);
  };

  return (
    <form
      className="autostart"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label className="check">
        <input type="checkbox" checked={form.enabled} onChange={(e) => change({ enabled: e.target.checked })} />
        Start {name} at boot
      </label>
      <div className="autostart-fields">
        <Field id={`autostart-order-${name}`} label="Order" hint="1 starts first." error={errors.order}>
          {(aria) => <input {...aria} inputMode="numeric" disabled={!form.enabled} value={String(form.order)} onChange={(e) => change({ order: e.target.value })} />}
        </Field>
        <Field id={`autostart-delay-${name}`} label="Seconds between guests" hint="For every guest that starts at boot (vm_delay)." error={errors.delay}>
          {(aria) => <input {...aria} inputMode="numeric" value={String(form.delay)} onChange={(e) => change({ delay: e.target.value })} />}
        </Field>
      </div>
      {autostart.list.length > 0 && <p className="hint">Order now: {autostart.list.join(', ')}.</p>}
      {dirty && parsed.success && <PlanView plan={plan} label="Commands that will run" />}
      {formError && (
        <p role="alert" className="error">
          {formError}
        </p>
      )}
      <button type="submit" className="primary" disabled={!dirty || !parsed.success || working}>
        {working ? 'Saving…' : 'Save start at boot'}
      </button>
      <ul className="notes" aria-label="How start at boot works here">
        {autostart.notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </form>
  );
}
