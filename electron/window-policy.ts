import { ELECTRON_ORIGIN } from '../shared/api/transport.js';

/*
 * What the desktop window's pages may do, decided without Electron so it is tested without it;
 * main.ts applies it to every webContents. Anything not allowed here is refused.
 */

const APP = new URL(ELECTRON_ORIGIN);

/** What the app's own page needs: its Copy buttons write the clipboard; panic alerts are notifications (the user turns them on). */
const APP_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'notifications']);

/** A page of the app itself. Parsed, so `app://hivedesk.example/` or `app://x@hivedesk/` is not one. */
export function isAppUrl(url: string | undefined): boolean {
  if (url === undefined || !URL.canParse(url)) return false;
  const { protocol, host, username, password } = new URL(url);
  return protocol === APP.protocol && host === APP.host && username === '' && password === '';
}

/** Navigations and redirects stay on the app's pages; a link to anywhere else goes nowhere. */
export function mayNavigate(url: string): boolean {
  return isAppUrl(url);
}

export interface PermissionAsk {
  permission: string;
  /** The requesting frame's URL (a check may give only its origin). */
  url: string | undefined;
  isMainFrame: boolean;
}

/** Every permission request and check is denied, but what the app's own main frame needs. */
export function mayUsePermission(ask: PermissionAsk): boolean {
  return APP_PERMISSIONS.has(ask.permission) && ask.isMainFrame && isAppUrl(ask.url);
}

/** A console tab detached into its own window: the app's page in its console-only form, nothing else. */
export function mayOpenWindow(url: string): boolean {
  if (!isAppUrl(url)) return false;
  const { pathname, searchParams } = new URL(url);
  return pathname === '/index.html' && searchParams.get('view') === 'console' && [...searchParams.keys()].every((k) => ['view', 'name', 'port'].includes(k));
}
