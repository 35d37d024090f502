import type { ReactNode } from 'react';

interface Props {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  /** The saved value waits for the guest's next start (it runs with the one it booted with). */
  pending?: boolean;
  children: (aria: { id: string; 'aria-invalid': boolean; 'aria-describedby': string }) => ReactNode;
}

/** A labelled field with its hint and its error next to it, wired for screen readers. */
export function Field({ id, label, hint, error, pending, children }: Props) {
  return (
    <div className="field">
      <div className="field-head">
        <label htmlFor={id}>{label}</label>
        {pending && <PendingMark id={`${id}-pending`} />}
      </div>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': `${id}-hint ${id}-error${pending ? ` ${id}-pending` : ''}` })}
      {hint && <p id={`${id}-hint`} className="hint">{hint}</p>}
      <p id={`${id}-error`} className="field-error" role={error ? 'alert' : undefined}>
        {error ?? ''}
      </p>
    </div>
  );
}

/** "applies at next start": the same words in a field and in the guest list. */
export function PendingMark({ id, title }: { id?: string; title?: string }) {
  return (
    <span id={id} className="pending" title={title ?? 'Saved; the running guest still has the value it booted with'}>
      applies at next start
    </span>
  );
}
