import { useEffect } from 'react';
import { subscribe } from './api/client.js';
import { useVms } from './stores/vms.js';
import { ConsoleView } from './vm/console/ConsoleView.js';
import { followDesktopScreenReader } from './vm/console/screen-reader.js';
import { returnToMain } from './workspace/detach.js';
import type { ViewOf } from './workspace/views.js';

/** A console in a window of its own: the terminal, and the way back to the main window's tabs. */
export function DetachedConsole({ view }: { view: ViewOf<'console'> }) {
  useEffect(() => {
    document.title = `${view.name} · ${view.port} — Hivedesk`;
    void useVms.getState().load();
    const stopFollowing = followDesktopScreenReader();
    const unsubscribe = subscribe((event) => {
      if (event.name === 'onDidChangeVms') useVms.getState().receive(event.payload);
    });
    return () => {
      stopFollowing();
      unsubscribe();
    };
  }, [view]);
  return (
    <div className="app detached">
      <header className="hostbar">
        <h1>
          {view.name} · {view.port}
        </h1>
        <button onClick={() => returnToMain(view)}>Back to the main window</button>
      </header>
      <main className="content" aria-label={`Console ${view.name} ${view.port}`}>
        <ConsoleView name={view.name} port={view.port} visible />
      </main>
    </div>
  );
}
