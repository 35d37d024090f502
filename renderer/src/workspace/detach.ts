import { z } from 'zod';
import { ConsoleRef } from '../../../shared/api/consoles.js';
import { useWorkspace } from '../stores/workspace.js';
import { type View, type ViewOf, viewId } from './views.js';

type ConsoleView = ViewOf<'console'>;

/** Windows of the app talk over this channel: a detached console asking to come back. */
const CHANNEL = 'hivedesk-workspace';
const Return = z.object({ type: z.literal('return'), console: ConsoleRef });

/** The console a page shows alone (a detached window's address), if it is one. */
export function detachedConsole(search: string): ConsoleView | undefined {
  const query = new URLSearchParams(search);
  if (query.get('view') !== 'console') return undefined;
  const ref = ConsoleRef.safeParse({ name: query.get('name'), port: query.get('port') });
  return ref.success ? { kind: 'console', ...ref.data } : undefined;
}

/** Moves a console tab into a window of its own (a popup in a browser, a BrowserWindow in Electron). */
export function detach(view: ConsoleView): void {
  const url = new URL(`index.html?${new URLSearchParams({ view: 'console', name: view.name, port: view.port }).toString()}`, window.location.href);
  const opened = window.open(url.href, `hivedesk-${viewId(view)}`, 'popup,width=900,height=600');
  if (opened) useWorkspace.getState().close(viewId(view));
}

/** From a detached window: back into the main window's tabs, and this window closes. */
export function returnToMain(view: ConsoleView): void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage({ type: 'return', console: { name: view.name, port: view.port } });
  channel.close();
  window.close();
}

/** In the main window: a detached console that comes back opens as a tab again. */
export function welcomeReturns(): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const message = Return.safeParse(event.data);
    if (message.success) useWorkspace.getState().open({ kind: 'console', ...message.data.console } satisfies View);
  };
  return () => channel.close();
}
