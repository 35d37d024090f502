import { useShallow } from 'zustand/react/shallow';
import { useVms } from '../../stores/vms.js';
import { useWorkspace } from '../../stores/workspace.js';
import { detach } from '../../workspace/detach.js';
import { type ViewOf, viewId } from '../../workspace/views.js';

/** A console tab's workspace tools: into a window of its own, side by side with another console, or to its guest's screen. */
export function ConsoleTabTools({ view }: { view: ViewOf<'console'> }) {
  // useShallow: a new array of the same tabs is no change (zustand would otherwise redraw forever).
  const others = useWorkspace(useShallow((s) => s.tabs.filter((t): t is ViewOf<'console'> => t.kind === 'console' && viewId(t) !== viewId(view))));
  const id = `split-${viewId(view)}`;
  const display = useVms((s) => s.byName[view.name]?.display);
  return (
    <>
      {display && (
        <button title={`Show ${view.name}'s screen`} onClick={() => useWorkspace.getState().open({ kind: 'display', name: view.name })}>
          Display
        </button>
      )}
      <button title="Move this console into a window of its own; it comes back from there" onClick={() => detach(view)}>
        Detach
      </button>
      {others.length > 0 && (
        <label className="split-with" htmlFor={id}>
          Split with
          <select
            id={id}
            value=""
            onChange={(e) => {
              const other = others.find((o) => viewId(o) === e.target.value);
              if (other) useWorkspace.getState().open({ kind: 'split', left: { name: view.name, port: view.port }, right: { name: other.name, port: other.port } });
            }}
          >
            <option value="" disabled>
              another console…
            </option>
            {others.map((o) => (
              <option key={viewId(o)} value={viewId(o)}>
                {o.name} · {o.port}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}
