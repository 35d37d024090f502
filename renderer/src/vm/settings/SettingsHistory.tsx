import { useState } from 'react';
import { useGuestSettings, useSettings } from '../../stores/settings.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { ConfDiffView } from './ConfDiffView.js';
import { ActionOutcomeNote } from './Section.js';

/** Every earlier version of the .conf, with what changed since and a one-click (confirmed) revert. */
export function SettingsHistory({ name, dirty }: { name: string; dirty: boolean }) {
  const { history, diff, action } = useGuestSettings(name);
  const [reverting, setReverting] = useState<string>();
  const store = useSettings.getState();
  return (
    <section className="settings-side" aria-labelledby={`history-${name}`}>
      <h3 id={`history-${name}`}>History</h3>
      {history.length === 0 ? (
        <p className="hint">Each save keeps the version it replaces here.</p>
      ) : (
        <ol className="history" aria-label="Saved versions">
          {history.map((entry) => (
            <li key={entry.id} aria-current={diff?.id === entry.id || undefined}>
              <div className="history-head">
                <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
                <span className="hint">{entry.changedKeys.length ? `differs in ${entry.changedKeys.join(', ')}` : 'same as now'}</span>
              </div>
              <div className="history-actions">
                <button type="button" onClick={() => void store.showDiff(name, diff?.id === entry.id ? undefined : entry.id)}>
                  {diff?.id === entry.id ? 'Hide changes' : 'Changes since'}
                </button>
                <button type="button" disabled={dirty} title={dirty ? 'Save or reset your edits first' : 'Put this version back (the current one is kept)'} onClick={() => setReverting(entry.id)}>
                  Revert
                </button>
              </div>
              {diff?.id === entry.id && <ConfDiffView hunks={diff.hunks} label={`Changes since ${entry.at}`} />}
            </li>
          ))}
        </ol>
      )}
      {action?.kind === 'history' && <ActionOutcomeNote outcome={action} />}
      {reverting && (
        <ConfirmDialog
          title={`Revert ${name}'s settings?`}
          body={`The .conf goes back to the version replaced at ${new Date(history.find((h) => h.id === reverting)?.at ?? '').toLocaleString()}. The current version is kept in the history.`}
          confirmLabel="Revert"
          onCancel={() => setReverting(undefined)}
          onConfirm={() => {
            const id = reverting;
            setReverting(undefined);
            void store.revert(name, id);
          }}
        />
      )}
    </section>
  );
}
