import type { ReactNode } from 'react';
import type { ActionOutcome } from '../../stores/settings.js';
import { SECTIONS, type SectionId, sectionDomId } from './form.js';

/**
 * One titled part of the form; the section nav links to it. Its heading is how it is found (not a
 * labelled region), so a field's label is the only thing "Memory" names in the form.
 */
export function Section({ name, id, hint, children }: { name: string; id: SectionId; hint?: string; children: ReactNode }) {
  const title = SECTIONS.find((s) => s.id === id)?.title ?? id;
  return (
    <section className="settings-section" id={sectionDomId(name, id)}>
      <h3>{title}</h3>
      {hint && <p className="hint section-hint">{hint}</p>}
      {children}
    </section>
  );
}

/** A labelled checkbox with an optional hint and pending mark. */
export function Check({ id, label, hint, pending, children }: { id: string; label: string; hint?: string; pending?: boolean; children: (id: string) => ReactNode }) {
  return (
    <div className="field check-field">
      <div className="check">
        {children(id)}
        <label htmlFor={id}>{label}</label>
        {pending && <span className="pending">applies at next start</span>}
      </div>
      {hint && <p className="hint">{hint}</p>}
    </div>
  );
}

/** What a one-off action (grow, reset, new MAC) did or why it was refused, beside its button. */
export function ActionOutcomeNote({ outcome }: { outcome: ActionOutcome }) {
  if (outcome.error) return <p className="error" role="alert">{outcome.error.message}</p>;
  return outcome.message ? <p className="notice" role="status">{outcome.message}</p> : null;
}
