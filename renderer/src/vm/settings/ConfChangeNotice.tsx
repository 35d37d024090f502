import { useGuestSettings } from '../../stores/settings.js';

/**
 * What the form says when the guest's .conf changed on disk (a hand edit, `vm configure`): that Save is off
 * until Reload, or what a reload did. An untouched form follows the file by itself.
 */
export function ConfChangeNotice({ name, onReload }: { name: string; onReload: () => void }) {
  const { conflict, reloaded, changedOnDisk } = useGuestSettings(name);
  if (conflict) {
    return (
      <div className="conflict" role="alert">
        <p>{name}.conf was changed on disk since this form was opened (edited by hand or with vm configure). Save is off, so nothing is overwritten.</p>
        <button type="button" onClick={onReload}>
          Reload
        </button>
        <span className="hint"> Reload shows the file as it is now and keeps your edits to the fields it did not change.</span>
      </div>
    );
  }
  if (changedOnDisk.length > 0) {
    return (
      <div className="notice" role="status" aria-label="Reloaded from the file">
        Reloaded: the file changed on disk. These fields now show the file’s value:
        <ul className="changed-on-disk">
          {changedOnDisk.map((c) => (
            <li key={c.field}>
              {c.label}
              {c.replaced && ' (your edit here was replaced)'}
            </li>
          ))}
        </ul>
        Your other edits are kept, not saved yet.
      </div>
    );
  }
  return reloaded ? (
    <p className="notice" role="status">
      Reloaded: the file changed on disk.
    </p>
  ) : null;
}
