import { useGuestSettings } from '../../stores/settings.js';

interface Props {
  name: string;
  /** The id of the settings form, which Save submits from outside it. */
  form: string;
  dirty: boolean;
  onDiscard: () => void;
}

/**
 * Save and Discard, and what the last save did. It heads the preview column, beside the form
 * rather than over it, so no field is ever hidden under it.
 */
export function SaveBar({ name, form, dirty, onDiscard }: Props) {
  const { conflict, saveError, saving, saved } = useGuestSettings(name);
  return (
    <div className="settings-actions" role="group" aria-label={`Save ${name}'s settings`}>
      {saveError && !conflict && !saveError.fields && (
        <p className="error" role="alert">
          {saveError.message}
        </p>
      )}
      {saved && !dirty && (
        <ul className="saved" role="status" aria-label="Saved">
          <li>Saved{saved.ran.length ? `; ran ${saved.ran.length} command${saved.ran.length > 1 ? 's' : ''}` : ''}.</li>
          {saved.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <span className="spacer" />
      <button type="button" disabled={!dirty || saving} onClick={onDiscard}>
        Discard changes
      </button>
      <button type="submit" form={form} className="primary" disabled={saving || conflict}>
        Save
      </button>
    </div>
  );
}
