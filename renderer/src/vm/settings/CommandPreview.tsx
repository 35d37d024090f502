import { quoteArgv } from '../../../../shared/shell-words.js';
import type { PlannedCommand } from '../../../../shared/api/vms.js';
import { useGuestSettings } from '../../stores/settings.js';
import { ConfDiffView } from './ConfDiffView.js';

/** The live preview: what Save runs and writes, and what the next start runs, for the values in the form now. */
export function CommandPreview({ name, stale }: { name: string; stale: boolean }) {
  const { preview, previewError } = useGuestSettings(name);
  return (
    <section className="settings-side" aria-labelledby={`preview-${name}`} aria-busy={stale}>
      <h3 id={`preview-${name}`}>Command preview</h3>
      {stale && <p className="hint">Waiting for valid values…</p>}
      {previewError && <p className="error" role="alert">{previewError.message}</p>}
      {preview && (
        <>
          {preview.saveCommands.length > 0 && <Commands label="Save runs first" commands={preview.saveCommands} />}
          <h4>Save changes in {name}.conf</h4>
          <ConfDiffView hunks={preview.diff} label="Changes Save writes" />
          <Commands label="Next start runs" commands={preview.start.commands} />
          {preview.notes.length > 0 && (
            <ul className="notes" aria-label="Before you save">
              {preview.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          {preview.start.warnings.length > 0 && (
            <ul className="warnings" aria-label="Problems the next start would refuse">
              {preview.start.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

function Commands({ label, commands }: { label: string; commands: PlannedCommand[] }) {
  return (
    <>
      <h4>{label}</h4>
      <ol className="plan" aria-label={label}>
        {commands.map((c, i) => (
          <li key={i}>
            <span className="why">{c.why}</span>
            <code>{quoteArgv(c.argv)}</code>
          </li>
        ))}
      </ol>
    </>
  );
}
