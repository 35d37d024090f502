import { useEffect, useRef, useState } from 'react';
import { CloneVmInput } from '../../../../shared/api/lifecycle.js';
import { type NameDialog, useLifecycle } from '../../stores/lifecycle.js';
import { Field } from '../../ui/Field.js';
import { PlanView } from './PlanView.js';
import { usePlan } from './usePlan.js';

const TEXT = {
  clone: {
    title: (name: string) => `Clone ${name}`,
    hint: 'The copy gets a new uuid and new MAC addresses. Its disks are copied, holes kept (or cloned, on ZFS); it runs as a job you can follow in Jobs.',
    confirm: 'Clone',
    working: 'Starting the clone…',
  },
  rename: {
    title: (name: string) => `Rename ${name}`,
    hint: 'Its directory and .conf (and its ZFS dataset) take the new name; start at boot keeps its place.',
    confirm: 'Rename',
    working: 'Renaming…',
  },
};

/** Clone… and Rename…: one field, its errors next to it, and what will be done, shown before it is. */
export function NewNameDialog({ dialog }: { dialog: NameDialog }) {
  const ref = useRef<HTMLDialogElement>(null);
  const text = TEXT[dialog.kind];
  const [newName, setNewName] = useState(dialog.kind === 'clone' ? `${dialog.name}-clone` : dialog.name);
  const [fieldError, setFieldError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [working, setWorking] = useState(false);
  const parsed = CloneVmInput.safeParse({ name: dialog.name, newName });
  const { plan, error: planError } = usePlan(parsed.success ? { action: dialog.kind, input: parsed.data } : undefined);
  const { close } = useLifecycle.getState();
  useEffect(() => ref.current?.showModal(), []);

  const change = (value: string) => {
    setNewName(value);
    setFormError(undefined);
    const check = CloneVmInput.safeParse({ name: dialog.name, newName: value });
    setFieldError(check.success ? undefined : check.error.issues[0]?.message);
  };

  const submit = async () => {
    if (!parsed.success) return setFieldError(parsed.error.issues[0]?.message);
    setWorking(true);
    const state = useLifecycle.getState();
    const result = await (dialog.kind === 'clone' ? state.clone(dialog.name, newName) : state.rename(dialog.name, newName));
    setWorking(false);
    if (result.ok) return;
    if (result.error.fields?.newName) setFieldError(result.error.fields.newName);
    else setFormError(result.error.message);
  };

  const shownError = fieldError ?? planError?.fields?.newName;
  return (
    <dialog ref={ref} className="wizard lifecycle-dialog" aria-labelledby="lifecycle-dialog-title" onCancel={close}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <header>
          <h2 id="lifecycle-dialog-title">{text.title(dialog.name)}</h2>
        </header>
        <div className="wizard-body">
          <Field id="lifecycle-new-name" label="New name" hint={text.hint} error={shownError}>
            {(aria) => <input {...aria} autoFocus autoComplete="off" spellCheck={false} value={newName} onChange={(e) => change(e.target.value)} />}
          </Field>
          <h3>What will be done</h3>
          {planError && !planError.fields?.newName ? <p role="alert" className="error">{planError.message}</p> : parsed.success && !shownError && <PlanView plan={plan} />}
          {formError && (
            <p role="alert" className="error">
              {formError}
            </p>
          )}
        </div>
        <footer className="actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={working || !!shownError || !!planError}>
            {working ? text.working : text.confirm}
          </button>
        </footer>
      </form>
    </dialog>
  );
}
