import { useWorkspace } from '../stores/workspace.js';
import { Tabs } from '../ui/Tabs.js';
import { viewDef } from './registry.js';
import { type View, viewId } from './views.js';

const panelId = (view: View) => `panel-${viewId(view)}`;

/** The tab strip and the panel of every open view; only the selected one shows. */
export function Workspace() {
  const tabs = useWorkspace((s) => s.tabs);
  const active = useWorkspace((s) => s.active);
  const { show, close, move } = useWorkspace.getState();
  const items = tabs.map((view) => {
    const def = viewDef(view);
    return {
      id: viewId(view),
      title: def.title(view),
      panel: panelId(view),
      ...(def.closeLabel ? { closeLabel: def.closeLabel(view) } : {}),
      ...(def.closeHint ? { closeHint: def.closeHint } : {}),
    };
  });
  return (
    <>
      <Tabs label="Views" items={items} active={active} onSelect={show} onClose={close} onMove={move} />
      <main className="content">
        {tabs.map((view) => {
          const id = viewId(view);
          const visible = id === active;
          return (
            <section key={id} id={panelId(view)} role="tabpanel" aria-label={viewDef(view).label(view)} className={`panel panel-${view.kind}`} hidden={!visible}>
              {viewDef(view).render(view, visible)}
            </section>
          );
        })}
      </main>
    </>
  );
}
