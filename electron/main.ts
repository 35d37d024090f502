import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, protocol, type Session, type WebContents } from 'electron';
import { ELECTRON_ORIGIN, IPC_EVENT, IPC_INVOKE } from '../shared/api/transport.js';
import { dispatch } from './app/dispatcher.js';
import { createHost, defaultDatastore } from './app/host.js';
import { defaultSettingsFile, startupDatastore } from './app/last-datastore.js';
import { startLoopbackServer } from './web/server.js';
import { contentSecurityPolicy, readStatic } from './web/static-files.js';
import { isAppUrl, mayNavigate, mayOpenWindow, mayUsePermission } from './window-policy.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = join(here, '../../renderer');

// app:// gives the renderer a real origin, so the console server can tell our window from other pages.
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
// Before any window exists, so no webContents (a window, a devtools page, a frame's) escapes the policy.
app.on('web-contents-created', (_event, contents) => applyWindowPolicy(contents));

async function main(): Promise<void> {
  // One app per user: a second one would start a second cu on every console line.
  if (!app.requestSingleInstanceLock()) return app.quit();
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  await app.whenReady();
  const settingsFile = defaultSettingsFile();
  const start = await startupDatastore({ ...(process.env.HIVEDESK_DATASTORE ? { given: process.env.HIVEDESK_DATASTORE } : {}), settingsFile, fallback: defaultDatastore() });
  if (start.warning) console.error(`hivedesk: ${start.warning}`);
  const { path: datastore, zfsDataset } = start.location;
  // Chromium turns its accessibility support on when it finds a screen reader; consoles follow it (screen-reader.ts).
  const assistiveTechnology = () => app.isAccessibilitySupportEnabled();
  const host = await createHost({ datastore, settingsFile, assistiveTechnology, ...(zfsDataset ? { zfsDataset } : {}) });
  app.on('accessibility-support-changed', (_event, detected) => host.events.emit('onDidChangeAssistiveTechnology', { detected }));
  // Consoles stream over the loopback WebSocket in both modes; only the window's origin may use it.
  const server = await startLoopbackServer({ host, token: randomBytes(24).toString('base64url'), port: 0, extraOrigins: [ELECTRON_ORIGIN] });
  // The window's page is app://, so its consoles need the server's own address.
  const handlers = host.handlers((path, params) => server.socketUrl(path, params));
  // Only our own page may call in: not a frame or a page that was navigated elsewhere.
  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, input: unknown) => {
    if (!isAppUrl(event.senderFrame?.url)) return { ok: false, error: { code: 'unavailable', message: 'not from the Hivedesk window' } };
    return dispatch(handlers, String(channel), input);
  });
  host.events.subscribe((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_EVENT, name, payload);
  });
  protocol.handle('app', (request) => serveApp(request.url, server.port));
  createWindow();
  app.on('window-all-closed', () => {
    host.dispose();
    void server.close().then(() => app.quit());
  });
}

const webPreferences = { preload: join(here, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false };

function createWindow(): void {
  const win = new BrowserWindow({ width: 1200, height: 800, title: 'Hivedesk', webPreferences });
  void win.loadURL(`${ELECTRON_ORIGIN}/index.html`);
}

/** electron/window-policy.ts decides; this only connects it to Electron's hooks. */
function applyWindowPolicy(contents: WebContents): void {
  // A detached console gets a window of its own, as locked down as the main one; nothing else opens.
  contents.setWindowOpenHandler(({ url }) =>
    mayOpenWindow(url) ? { action: 'allow', overrideBrowserWindowOptions: { width: 900, height: 600, title: 'Hivedesk console', webPreferences } } : { action: 'deny' },
  );
  contents.on('will-attach-webview', (event) => event.preventDefault());
  const stayInApp = (event: { url: string; preventDefault(): void }) => {
    if (!mayNavigate(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  applyPermissionPolicy(contents.session);
}

/** Electron grants what a page asks by default; here only what mayUsePermission allows. */
function applyPermissionPolicy(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(mayUsePermission({ permission, url: details.requestingUrl, isMainFrame: details.isMainFrame })),
  );
  session.setPermissionCheckHandler((contents, permission, requestingOrigin, details) =>
    contents !== null && mayUsePermission({ permission, url: details.requestingUrl ?? requestingOrigin, isMainFrame: details.isMainFrame }),
  );
  session.setDevicePermissionHandler(() => false);
}

async function serveApp(url: string, serverPort: number): Promise<Response> {
  const file = await readStatic(rendererRoot, new URL(url).pathname);
  if (file.status !== 200) return new Response(null, { status: file.status });
  const csp = contentSecurityPolicy(`ws://127.0.0.1:${serverPort}`);
  return new Response(new Uint8Array(file.body), { headers: { 'content-type': file.type, 'content-security-policy': csp } });
}

main().catch((err: unknown) => {
  console.error(err);
  app.exit(1);
});
