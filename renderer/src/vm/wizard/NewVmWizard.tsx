import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { quoteArgv } from '../../../../shared/shell-words.js';
import type { ApiError } from '../../../../shared/api/errors.js';
import { type CreatePlan, CreateVmInput, type CreateVmForm } from '../../../../shared/api/vms.js';
import { NEW_SCREEN_RESOLUTION, PROFILE_IDS, PROFILES } from '../../../../shared/profiles.js';
import { useHost } from '../../stores/host.js';
import { useVms } from '../../stores/vms.js';
import { BackendChoice } from './BackendChoice.js';
import { CpuMemoryFields } from '../../ui/CpuMemoryFields.js';
import { HostSetupHints } from '../../host/setup/HostSetupHints.js';
import { Field } from '../../ui/Field.js';
import { type FieldName, STEPS, stepOf } from './steps.js';

const DEFAULTS: CreateVmForm = { name: '', profile: 'linux', cpus: '2', memory: '2G', diskSize: '20G', installMedia: '' };

export function NewVmWizard({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [step, setStep] = useState(0);
  const [plan, setPlan] = useState<CreatePlan>();
  const [formError, setFormError] = useState<string>();
  const [working, setWorking] = useState(false);
  const form = useForm<CreateVmForm, unknown, CreateVmInput>({ resolver: zodResolver(CreateVmInput), defaultValues: DEFAULTS, mode: 'onTouched' });
  const { register, trigger, setError, getValues, setValue, formState, watch } = form;
  const errors = formState.errors;
  const profile = watch('profile');
  const backends = useHost((s) => s.backends);
  const chosen = watch('backend');
  const backend = backends.find((b) => (chosen ? b.id === chosen : b.default));

  useEffect(() => dialog.current?.showModal(), []);
  useEffect(() => {
    const p = PROFILES[profile];
    for (const [field, value] of [['cpus', String(p.cpus)], ['memory', p.memory], ['diskSize', p.diskSize]] as const) {
      if (!formState.dirtyFields[field]) setValue(field, value);
    }
  }, [profile, setValue, formState.dirtyFields]);

  const showApiError = (error: ApiError) => {
    const fields = Object.entries(error.fields ?? {});
    for (const [field, message] of fields) setError(field as FieldName, { message });
    setFormError(fields.length ? undefined : error.message);
    if (fields[0]) setStep(stepOf(fields[0][0]));
  };

  const input = (): CreateVmInput => CreateVmInput.parse(getValues());

  const next = async () => {
    setFormError(undefined);
    if (!(await trigger(STEPS[step]?.fields ?? []))) return;
    const name = getValues('name');
    if (step === 0 && useVms.getState().names.some((other) => other.toLowerCase() === name.toLowerCase())) {
      return setError('name', { message: `A VM named ${name} already exists.` });
    }
    if (step === 2) {
      setWorking(true);
      const result = await useVms.getState().planCreate(input());
      setWorking(false);
      if (!result.ok) return showApiError(result.error);
      setPlan(result.value);
    }
    setStep(step + 1);
  };

  const createVm = async () => {
    setWorking(true);
    // The identity the summary showed, so Create writes what the person approved.
    const error = await useVms.getState().create({ ...input(), ...plan?.identity });
    setWorking(false);
    if (error) return showApiError(error);
    onClose();
  };

  const values = getValues();
  return (
    <dialog ref={dialog} className="wizard" aria-labelledby="wizard-title" onCancel={onClose}>
      <form onSubmit={(e) => e.preventDefault()} noValidate>
        <header>
          <h2 id="wizard-title">New VM</h2>
          <ol className="steps" aria-label="Steps">
            {STEPS.map((s, i) => (
              <li key={s.title} aria-current={i === step ? 'step' : undefined}>
                {s.title}
              </li>
            ))}
          </ol>
        </header>
        <div className="wizard-body">
          {step === 0 && (
            <>
              <Field id="vm-name" label="Name" hint="2–31 letters, digits, “.”, “_” or “-”; it names the directory and the bhyve device." error={errors.name?.message}>
                {(aria) => <input {...aria} autoFocus autoComplete="off" spellCheck={false} {...register('name')} />}
              </Field>
              <BackendChoice backends={backends} register={register('backend')} error={errors.backend?.message} />
              <Field id="vm-profile" label="Operating system" hint="Sets sensible defaults for the next step." error={errors.profile?.message}>
                {(aria) => (
                  <select {...aria} {...register('profile')}>
                    {PROFILE_IDS.map((id) => (
                      <option key={id} value={id}>
                        {PROFILES[id].label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </>
          )}
          {step === 1 && (
            <>
              <CpuMemoryFields idPrefix="vm" register={(field) => register(field)} errors={{ cpus: errors.cpus?.message, memory: errors.memory?.message }} />
              <Field id="vm-disk" label="Disk size" hint="A sparse file: it takes space only as the guest writes." error={errors.diskSize?.message}>
                {(aria) => <input {...aria} {...register('diskSize')} />}
              </Field>
            </>
          )}
          {step === 2 && (
            <Field id="vm-media" label="Install media" hint="Absolute path of an ISO on the host, attached as a CD-ROM. Leave empty to boot from the disk." error={errors.installMedia?.message}>
              {(aria) => <input {...aria} placeholder="/path/to/installer.iso" spellCheck={false} {...register('installMedia')} />}
            </Field>
          )}
          {step === 3 && <HostSetupHints profile={values.profile} backend={backend} onOpen={onClose} />}
          {step === 3 && plan && <Summary values={values} backend={backend?.label} plan={plan} />}
          {formError && <p role="alert" className="error">{formError}</p>}
        </div>
        <footer className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          {step > 0 && (
            <button type="button" disabled={working} onClick={() => setStep(step - 1)}>
              Back
            </button>
          )}
          {step < 3 ? (
            <button type="submit" className="primary" disabled={working} onClick={() => void next()}>
              Next
            </button>
          ) : (
            <button type="submit" className="primary" disabled={working} onClick={() => void createVm()}>
              {working ? 'Creating…' : 'Create'}
            </button>
          )}
        </footer>
      </form>
    </dialog>
  );
}

function Summary({ values, backend, plan }: { values: CreateVmForm; backend: string | undefined; plan: CreatePlan }) {
  const text = plan.commands.map((c) => quoteArgv(c.argv)).join('\n');
  return (
    <div className="summary">
      <dl>
        <dt>Name</dt>
        <dd>{values.name}</dd>
        {backend && (
          <>
            <dt>Hypervisor</dt>
            <dd>{backend}</dd>
          </>
        )}
        <dt>Operating system</dt>
        <dd>{PROFILES[values.profile].label}</dd>
        <dt>CPUs</dt>
        <dd>{String(values.cpus)}</dd>
        <dt>Memory</dt>
        <dd>{values.memory}</dd>
        <dt>Disk size</dt>
        <dd>{values.diskSize}</dd>
        <dt>Install media</dt>
        <dd>{values.installMedia || 'none'}</dd>
        <dt>Screen</dt>
        <dd>{PROFILES[values.profile].screen ? `${NEW_SCREEN_RESOLUTION.replace('x', '×')}, with a USB tablet; Display shows it` : 'none: the serial console'}</dd>
        <dt>UUID</dt>
        <dd>{plan.identity.uuid}</dd>
        <dt>MAC address</dt>
        <dd>{plan.identity.mac}</dd>
      </dl>
      <h3>Commands that will run</h3>
      <p className="hint">Create runs the disk commands now; Start runs the boot command.</p>
      <ol className="plan" aria-label="Commands that will run">
        {plan.commands.map((c, i) => (
          <li key={i}>
            <span className="why">{c.why}</span>
            <code>{quoteArgv(c.argv)}</code>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(text)}>
        Copy commands
      </button>
      {plan.files.length > 0 && (
        <ul className="plan" aria-label="Files that will be written">
          {plan.files.map((f, i) => (
            <li key={i}>
              <span className="why">{f.why}</span>
              <code style={{ whiteSpace: 'pre-wrap' }}>{`${f.append ? 'adds to' : 'writes'} ${f.path}:\n${f.content}`}</code>
            </li>
          ))}
        </ul>
      )}
      {plan.notes.length > 0 && (
        <ul className="notes" aria-label="Good to know">
          {plan.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {plan.warnings.length > 0 && (
        <ul className="warnings" aria-label="Problems to fix before Start">
          {plan.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
